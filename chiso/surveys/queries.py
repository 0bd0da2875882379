"""Read-only questions about paper keying: forms waiting, mismatches, operators' work."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet

from chiso.surveys.models import Campaign, Channel, Invitation, PaperEntry, Response


def mismatched_forms(campaign: Campaign) -> QuerySet[Invitation]:
    """Paper forms keyed twice with differences, waiting for a third person."""
    return (
        Invitation.objects.filter(campaign=campaign, channel=Channel.PAPER, response=None)
        .annotate(keyings=Count("entries"))
        .filter(keyings=2)
        .select_related("agency")
        .order_by("form_number")
    )


@dataclass(frozen=True)
class OperatorStats:
    operator: Any
    forms: int
    seconds_per_form: Decimal | None
    checked: int  # keyings of forms that reached a final answer
    wrong: int  # of those, keyings that differ from the final answer

    @property
    def forms_per_hour(self) -> Decimal | None:
        if not self.seconds_per_form:
            return None
        return (Decimal(3600) / self.seconds_per_form).quantize(Decimal("0.1"), ROUND_HALF_UP)

    @property
    def error_rate(self) -> Decimal | None:
        """Share (%) of this operator's checked keyings that differ from the final answers."""
        if not self.checked:
            return None
        return (Decimal(100) * self.wrong / self.checked).quantize(Decimal("0.1"), ROUND_HALF_UP)


def operator_stats(campaign: Campaign) -> list[OperatorStats]:
    entries = PaperEntry.objects.filter(invitation__campaign=campaign).select_related("operator")
    finals = dict(
        Response.objects.filter(campaign=campaign, channel=Channel.PAPER).values_list(
            "invitation_id", "answers"
        )
    )
    by_operator: dict[int, list[PaperEntry]] = {}
    for entry in entries:
        by_operator.setdefault(entry.operator_id, []).append(entry)
    out = []
    for mine in by_operator.values():
        timed = [e.seconds for e in mine if e.seconds]
        checked = [e for e in mine if e.invitation_id in finals]
        out.append(
            OperatorStats(
                operator=mine[0].operator,
                forms=len(mine),
                seconds_per_form=(
                    (Decimal(sum(timed)) / len(timed)).quantize(Decimal("0.1")) if timed else None
                ),
                checked=len(checked),
                wrong=sum(1 for e in checked if e.answers != finals[e.invitation_id]),
            )
        )
    return sorted(out, key=lambda s: s.operator.get_username())
