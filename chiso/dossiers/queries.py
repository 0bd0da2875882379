"""Read-only queries behind the dossier screens (rollups first, dossiers only for lists)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from chiso.dossiers.conf import current_calendar
from chiso.dossiers.models import DailyRollup, Dossier, Procedure, StepEvent
from chiso.dossiers.scorecard import Period, rate, score_card
from chiso.dossiers.workcalendar import aware, local
from chiso.org.models import Agency


def years() -> list[int]:
    return sorted({d.year for d in DailyRollup.objects.dates("day", "year")}, reverse=True)


def monthly_trend(agencies: Q, year: int) -> dict[str, list[Any]]:
    """On-time rate (settled dossiers, portal view) and online rate per month of ``year``."""
    rows = (
        DailyRollup.objects.filter(agencies, day__year=year)
        .annotate(month=ExtractMonth("day"))
        .values("month")
        .annotate(
            received=Sum("received"),
            settled=Sum("settled"),
            late=Sum("late_extended"),
            online=Sum("online"),
        )
        .order_by("month")
    )
    out: dict[str, list[Any]] = {"months": [], "on_time": [], "online": []}
    for r in rows:
        out["months"].append(f"{r['month']:02d}/{year}")
        on_time = rate(r["settled"] - r["late"], r["settled"])
        online = rate(r["online"], r["received"])
        out["on_time"].append(float(on_time) if on_time is not None else None)
        out["online"].append(float(online) if online is not None else None)
    return out


def late_by_field(agencies: Q, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    names = dict(Procedure.objects.values_list("field_code", "field_name"))
    rows = (
        DailyRollup.objects.filter(agencies, day__range=(period.first, period.last))
        .values("field_code")
        .annotate(late=Sum("late"), received=Sum("received"))
        .filter(late__gt=0)
        .order_by("-late")[:limit]
    )
    return [
        {
            **r,
            "name": names.get(r["field_code"], r["field_code"]),
            "rate": rate(r["late"], r["received"]),
        }
        for r in rows
    ]


def ranking(agencies: QuerySet[Agency], period: Period) -> list[dict[str, Any]]:
    """Each agency with dossiers in the period, best 766 score first."""
    ids = set(
        DailyRollup.objects.filter(
            day__range=(period.first, period.last), agency__in=agencies
        ).values_list("agency_id", flat=True)
    )
    cards = [score_card(period, a) for a in Agency.objects.filter(pk__in=ids)]
    agencies_by_code = {a.code: a for a in Agency.objects.filter(pk__in=ids)}
    rows = [
        {
            "agency": agencies_by_code[c.scope],
            "score": c.score,
            "received": c.counters["received"],
            "on_time": c.metrics["dossier.on_time_rate"].value,
            "online": c.metrics["dossier.full_online_rate"].value,
        }
        for c in cards
    ]
    rows.sort(key=lambda r: (-(r["score"] or Decimal(0)), r["agency"].name))
    return rows


def late_dossiers(agencies: Q, period: Period, field_code: str = "") -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(
        agencies, is_counted=True, on_time=False, counted_on__range=(period.first, period.last)
    )
    if field_code:
        qs = qs.filter(field_code=field_code)
    return qs.select_related("agency", "procedure").order_by("-late_days", "code")


def responsible_steps(dossiers: list[Dossier]) -> dict[int, StepEvent]:
    """The step each late dossier is attributed to, by dossier id."""
    wanted = Q()
    for d in dossiers:
        if d.responsible_seq is not None:
            wanted |= Q(dossier_id=d.pk, seq=d.responsible_seq)
    if not wanted:
        return {}
    return {s.dossier_id: s for s in StepEvent.objects.filter(wanted)}


def due_soon(agencies: Q, days: int = 3) -> QuerySet[Dossier]:
    """Open dossiers whose due date falls within ``days`` working days from now (or passed)."""
    cal = current_calendar()
    now = local(timezone.now())
    horizon = aware(cal.add_working_days(now, days))
    return (
        Dossier.objects.filter(
            agencies, is_counted=True, finished_at=None, returned_at=None, due_at__lte=horizon
        )
        .exclude(status__in=[3, 7, 8, 9, 10])
        .select_related("agency", "procedure")
        .order_by("due_at")
    )


def timeline(dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's steps against the latest template of its procedure, step by step."""
    cal = current_calendar()
    template = dossier.procedure.templates.order_by("-version").first()
    planned = {s.number: s for s in template.steps.all()} if template else {}
    rows = []
    for s in dossier.steps.order_by("seq"):
        plan = planned.get(s.step_number) if s.step_number else None
        rows.append(
            {
                "event": s,
                "plan": plan,
                "used_days": Decimal(s.used_minutes) / cal.day_minutes,
                "allotted_days": Decimal(s.allotted_minutes) / cal.day_minutes,
                "overrun_days": Decimal(s.overrun_minutes) / cal.day_minutes,
                "responsible": s.seq == dossier.responsible_seq,
            }
        )
    missing = sorted(set(planned) - {s.step_number for s in dossier.steps.all()})
    for number in missing:
        rows.append({"event": None, "plan": planned[number], "responsible": False})
    return rows


def default_year() -> int:
    found = years()
    return found[0] if found else datetime.date.today().year
