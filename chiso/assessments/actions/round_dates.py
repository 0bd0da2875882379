"""A round's deadlines: the checks made when a round opens, and their correction while it is open.

The six deadlines follow the stages of the round (docs/evaluation-round.md): self-assessment,
the leader's approval, appraisal round 1, explanation, appraisal round 2, council. A stage cannot
end before the one it follows, so a later deadline may equal an earlier one but never precede it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chiso.assessments.actions.common import AssessmentError, require_reform_office, require_stage
from chiso.assessments.models import (
    Deadline,
    DeadlineExtension,
    Round,
    Stage,
    effective_deadline,
)
from chiso.audit.actions import record
from chiso.notifications import triggers

# Deadlines can be corrected until the council has decided; a finalised round is scored on them.
OPEN_STAGES = (Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2, Stage.COUNCIL)


class DeadlineError(AssessmentError):
    """A deadline refused; ``stage`` is the :class:`Deadline` it is about (form field
    ``<stage>_due``), so a page can show the message under that input."""

    def __init__(self, message: str, stage: str) -> None:
        super().__init__(message)
        self.stage = stage


class PastDeadlinesError(DeadlineError):
    """Some deadlines are already past; the caller may confirm and open the round anyway."""


def deadline_label(stage: str) -> str:
    """The deadline's name as the forms show it ("Hạn tự đánh giá")."""
    field = Round._meta.get_field(f"{stage}_due")
    assert isinstance(field, models.DateField)
    return str(capfirst(field.verbose_name))


def _day(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def check_complete(deadlines: Mapping[str, datetime.date]) -> None:
    missing = [d.label for d in Deadline if d.value not in deadlines]
    if missing:
        raise AssessmentError(
            _("Missing deadlines: %(stages)s.") % {"stages": ", ".join(str(m) for m in missing)}
        )


def check_order(deadlines: Mapping[str, datetime.date]) -> None:
    """Refuse the first deadline that comes before the deadline of the stage it follows."""
    stages = [d.value for d in Deadline]
    for earlier, later in zip(stages, stages[1:], strict=False):
        if deadlines[later] < deadlines[earlier]:
            raise DeadlineError(
                _(
                    "%(later)s (%(later_date)s) is before %(earlier)s (%(earlier_date)s): "
                    "each deadline must be on or after the one of the stage before."
                )
                % {
                    "later": deadline_label(later),
                    "later_date": _day(deadlines[later]),
                    "earlier": deadline_label(earlier).lower(),
                    "earlier_date": _day(deadlines[earlier]),
                },
                later,
            )


def check_not_past(deadlines: Mapping[str, datetime.date], today: datetime.date) -> None:
    """Refuse deadlines before ``today`` unless the caller confirmed them: every submission
    of such a round is late from the start, and the late penalty (if set) counts for all."""
    past = [d.value for d in Deadline if deadlines[d.value] < today]
    if past:
        raise PastDeadlinesError(
            _(
                "Already past (today is %(today)s): %(deadlines)s. Every submission would be "
                "late; correct the dates, or confirm that the round opens with them."
            )
            % {
                "today": _day(today),
                "deadlines": ", ".join(f"{deadline_label(s)} {_day(deadlines[s])}" for s in past),
            },
            past[0],
        )


def check_changes_not_past(
    rnd: Round, changed: Mapping[str, list[datetime.date]], today: datetime.date
) -> None:
    """Refuse a correction that moves a deadline to a day before ``today`` unless confirmed
    (review s7 M3: a year typed wrong made on-time submissions late without a word). Only
    the deadlines that change count: a round may well have past deadlines that stay."""
    past = [stage for stage, (_old, new) in changed.items() if new < today]
    if not past:
        return
    message = _(
        "Already past (today is %(today)s): %(deadlines)s. Correct the dates, or confirm the "
        "change."
    ) % {
        "today": _day(today),
        "deadlines": ", ".join(f"{deadline_label(s)} {_day(changed[s][1])}" for s in past),
    }
    if Deadline.SELF_ASSESSMENT.value in changed:
        late = sum(1 for old, new in late_again(rnd, changed["self_assessment"][1]).values() if new)
        if late:
            message += " " + ngettext(
                "%(n)d submission made on time would become late.",
                "%(n)d submissions made on time would become late.",
                late,
            ) % {"n": late}
    raise PastDeadlinesError(message, past[0])


@transaction.atomic
def change_deadlines(
    rnd: Round,
    deadlines: Mapping[str, datetime.date],
    *,
    reason: str,
    actor: Any,
    allow_past: bool = False,
) -> dict[str, list[datetime.date]]:
    """Correct the round's deadlines while it is open (a date typed wrong when it opened).

    ``deadlines`` gives every :class:`Deadline`; the new dates must be in stage order, and a
    deadline moved to a day already past raises :class:`PastDeadlinesError` unless
    ``allow_past``. An agency's extension stays its deadline only while it is later than the
    round's (:meth:`Round.deadline`). A self-assessment already submitted is judged late or on
    time again against its new deadline, as :func:`grant_extension` does for one agency. The
    agencies are told the new dates. Returns the changed deadlines as ``{stage: [old, new]}``;
    one audit row with them and the reason.
    """
    require_reform_office(actor)
    Round.objects.select_for_update().filter(pk=rnd.pk).values_list("pk").first()
    # Every assessment too: a submission made meanwhile has either committed (and is judged
    # below) or waits and then reads the new dates (submit_assessment reads them once locked).
    list(rnd.assessments.select_for_update().values_list("pk", flat=True))
    rnd.refresh_from_db()
    require_stage(rnd, *OPEN_STAGES)
    if not reason.strip():
        raise AssessmentError(_("Give the reason for changing the deadlines."))
    check_complete(deadlines)
    check_order(deadlines)
    changed = {
        d.value: [getattr(rnd, f"{d.value}_due"), deadlines[d.value]]
        for d in Deadline
        if getattr(rnd, f"{d.value}_due") != deadlines[d.value]
    }
    if not changed:
        raise AssessmentError(_("No deadline was changed."))
    if not allow_past:
        check_changes_not_past(rnd, changed, timezone.localdate())
    # One "stage: old → new" per deadline changed, as the audit page shows an [old, new] pair.
    data: dict[str, Any] = dict(changed)
    if Deadline.SELF_ASSESSMENT.value in changed:
        late = _judge_late_again(rnd, changed["self_assessment"][1])
        if late:
            data["late"] = late
    for stage, (_old, new) in changed.items():
        setattr(rnd, f"{stage}_due", new)
    rnd.save(update_fields=[f"{stage}_due" for stage in changed])
    event = record(
        "assessments.round.deadlines_changed",
        actor=actor,
        obj=rnd,
        reason=reason.strip(),
        data=data,
    )
    triggers.deadlines_changed(rnd, changed, event_id=event.pk)
    return changed


def late_again(rnd: Round, self_due: datetime.date) -> dict[str, list[bool]]:
    """Submitted assessments judged against ``self_due`` as the round's self-assessment
    deadline (an agency's later extension still counts): ``{agency code: [old, new]}`` of
    those whose lateness would change. Writes nothing."""
    extended = dict(
        DeadlineExtension.objects.filter(round=rnd, stage=Deadline.SELF_ASSESSMENT).values_list(
            "agency_id", "new_date"
        )
    )
    out = {}
    for assessment in rnd.assessments.exclude(submitted_at=None).select_related("agency"):
        assert assessment.submitted_at is not None
        due = effective_deadline(self_due, extended.get(assessment.agency_id))
        late = timezone.localdate(assessment.submitted_at) > due
        if late != assessment.late:
            out[assessment.agency.code] = [assessment.late, late]
    return out


def _judge_late_again(rnd: Round, self_due: datetime.date) -> dict[str, list[bool]]:
    """Apply :func:`late_again`; returns what changed."""
    out = late_again(rnd, self_due)
    locked = rnd.assessments.select_for_update(of=("self",)).filter(agency__code__in=list(out))
    for assessment in locked.annotate(code=F("agency__code")):
        assessment.late = out[assessment.code][1]
        assessment.version += 1
        assessment.save(update_fields=["late", "version"])
    return out
