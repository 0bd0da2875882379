"""What the petitions page and ``GET /api/dossiers/petitions`` show: per agency, the petitions
(phản ánh, kiến nghị) received in a period, how many were answered, answered on time and rated
satisfied, with the two rates of group 5 of the 766 index.

The rates are those the score card uses (:func:`chiso.dossiers.petitions.petition_rates`:
on time counts petitions still open within their due date, as the portal does; satisfaction
counts every rating known today). The plain counts beside them are all measured at the
period's end (or now, for a period still running): answered, answered on time, rated and
satisfied count petitions answered by then, so a line never shows a petition rated but not
answered (a rating is given on an answer; a petition answered after the period's end is
neither answered nor rated in the line, although the score card's satisfaction rate counts
its rating).
Read-only: the import is :func:`chiso.dossiers.petitions.import_petitions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from chiso.dossiers import queries
from chiso.dossiers.models import Petition
from chiso.dossiers.petitions import (
    PetitionCounts,
    add_petitions,
    bounds,
    petition_counts_by_agency,
    petition_rates,
    register_in_use,
)
from chiso.dossiers.scorecard import Period
from chiso.dossiers.workcalendar import aware
from chiso.org.models import Agency


@dataclass(frozen=True)
class PetitionLine:
    """One agency's petitions of the period (``agency`` None: the total of the lines)."""

    agency: Agency | None
    received: int
    answered: int
    answered_on_time: int
    overdue: int  # not answered at the period's end and past their due date
    rated: int  # answered by the period's end and rated
    satisfied: int  # answered by the period's end and rated 4 or 5
    on_time_rate: Decimal | None
    satisfaction_rate: Decimal | None


def _answers(where: Q, period: Period) -> dict[int, dict[str, int]]:
    """Per agency id: answered, answered on time, overdue, rated and satisfied, measured at
    the period's end."""
    at = aware(period.end)
    answered = Q(answered_at__isnull=False, answered_at__lte=at)
    rows = (
        Petition.objects.filter(where, received_at__range=bounds(period.first, period.last))
        .values("agency_id")
        .annotate(
            answered=Count("pk", filter=answered),
            answered_on_time=Count("pk", filter=answered & Q(answered_at__lte=F("due_at"))),
            overdue=Count("pk", filter=~answered & Q(due_at__lt=at)),
            rated=Count("pk", filter=answered & Q(satisfaction__isnull=False)),
            satisfied=Count("pk", filter=answered & Q(satisfaction__gte=4)),
        )
        .order_by()
    )
    return {r.pop("agency_id"): r for r in rows}


def _line(
    agency: Agency | None, counts: PetitionCounts, answers: dict[str, int], in_use: bool
) -> PetitionLine:
    rates = petition_rates(counts, in_use)
    return PetitionLine(
        agency=agency,
        received=counts.received,
        answered=answers.get("answered", 0),
        answered_on_time=answers.get("answered_on_time", 0),
        overdue=answers.get("overdue", 0),
        rated=answers.get("rated", 0),
        satisfied=answers.get("satisfied", 0),
        on_time_rate=rates["petition.on_time_rate"][2],
        satisfaction_rate=rates["petition.satisfaction_rate"][2],
    )


def summarise(agencies: Any, period: Period) -> tuple[list[PetitionLine], PetitionLine]:
    """The lines of the agencies of ``agencies`` (a queryset) that received a petition in the
    period, by name, and their total."""
    where = Q(agency_id__in=agencies.values("pk"))
    counts = petition_counts_by_agency(where, period.first, period.last, period.end)
    answers = _answers(where, period)
    in_use = register_in_use(period.first, period.last)
    named = {a.pk: a for a in Agency.objects.filter(pk__in=counts)}
    lines = [
        _line(named[pk], counts[pk], answers.get(pk, {}), in_use)
        for pk in sorted(counts, key=lambda pk: named[pk].name)
    ]
    total_answers = {
        key: sum(a.get(key, 0) for a in answers.values())
        for key in ("answered", "answered_on_time", "overdue", "rated", "satisfied")
    }
    total = _line(None, add_petitions(counts.values()), total_answers, in_use)
    return lines, total


def petitions_of(agency: Agency, period: Period) -> Any:
    """The petitions ``agency`` received in the period, the latest first."""
    return Petition.objects.filter(
        agency=agency, received_at__range=bounds(period.first, period.last)
    ).order_by("-received_at", "code")


def default_year() -> int:
    """The year of the latest petition received, else the dossier pages' default year."""
    latest = Petition.objects.order_by("-received_at").values_list("received_at", flat=True)
    first = latest.first()
    if first is None:
        return queries.default_year()
    return int(timezone.localtime(first).year)


def years() -> list[int]:
    """The years in which petitions were received, the latest first (the period choices)."""
    return sorted({d.year for d in Petition.objects.datetimes("received_at", "year")}, reverse=True)
