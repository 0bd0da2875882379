"""The engine's inputs for a round: effective values, N/A marks, facts, adjustments, leaders.

Also the automatic late penalty: when the round names a penalty item (``Round.late_penalty_code``,
set with :func:`set_late_penalty`), every assessment submitted late counts that item once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.accounts import scope
from chiso.assessments.models import Assessment, Deadline, ItemEntry, Round, Stage
from chiso.audit.actions import record
from chiso.engine import AgencyInput, LeaderInput
from chiso.engine.model import Framework as EngineFramework
from chiso.facts.importing import facts_for
from chiso.org.models import Agency, Position


def leaders_of(agency: Agency, year: int) -> tuple[LeaderInput, ...]:
    """The heads and deputies who held office at some time in ``year``, with the node codes
    assigned to each deputy for that year (par-index.md §2.4)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    positions = (
        Position.objects.filter(agency=agency, start__lte=last)
        .filter(Q(end=None) | Q(end__gte=first))
        .select_related("person")
        .prefetch_related("assignments")
        .order_by("role", "person__code", "start")
    )
    out = []
    for position in positions:
        assigned: list[str] = next(
            (a.node_codes for a in position.assignments.all() if a.year == year), []
        )
        out.append(
            LeaderInput(
                id=position.person.code,
                name=position.person.full_name,
                role="head" if position.role == Position.Role.HEAD else "deputy",
                assigned=tuple(assigned) if position.role == Position.Role.DEPUTY else (),
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class LatePenalty:
    """The round's late-submission penalty item as it applies to one late assessment."""

    code: str
    title: str
    points_each: Decimal
    submitted: datetime.date
    deadline: datetime.date

    @property
    def explanation(self) -> str:
        """Why the item counts, in the active language, naming the item and both dates."""
        return _(
            "Penalty %(code)s «%(title)s» counted once: the self-assessment was submitted on "
            "%(submitted)s, after the deadline of %(deadline)s."
        ) % {
            "code": self.code,
            "title": self.title,
            "submitted": f"{self.submitted:%d/%m/%Y}",
            "deadline": f"{self.deadline:%d/%m/%Y}",
        }


def _penalty_item(framework: EngineFramework, code: str) -> Any:
    return next((a for a in framework.adjustments if a.code == code and a.kind == "penalty"), None)


def late_penalty(
    assessment: Assessment, framework: EngineFramework | None = None
) -> LatePenalty | None:
    """The late penalty of ``assessment``: None unless the round names a penalty item and the
    assessment was submitted late (``Assessment.late``, judged at submission and again when an
    extension is granted)."""
    rnd = assessment.round
    if not rnd.late_penalty_code or not assessment.late or assessment.submitted_at is None:
        return None
    item = _penalty_item(framework or rnd.framework.to_engine(), rnd.late_penalty_code)
    if item is None:  # set_late_penalty refuses such a code; a published framework never changes
        return None
    return LatePenalty(
        code=item.code,
        title=item.title,
        points_each=item.points_each,
        submitted=timezone.localdate(assessment.submitted_at),
        deadline=rnd.deadline(Deadline.SELF_ASSESSMENT, assessment.agency_id),
    )


def adjustments_of(
    assessment: Assessment, framework: EngineFramework | None = None
) -> dict[str, Decimal]:
    """The bonus and penalty counts the engine scores: those the reform office entered, plus
    the automatic late penalty.

    The automatic count (1) replaces a missing or zero entry, but a non-zero count entered by
    the reform office wins: an entry row starts at zero and a zero cannot be told from "not
    looked at yet", whereas a non-zero count is a decision (e.g. two counts of a "per 5 days
    late" item for ten days). Lateness itself is waived by granting an extension, which judges
    the submission again and is audited; not by typing a zero.
    """
    counts = {a.code: a.count for a in assessment.adjustments.all()}
    penalty = late_penalty(assessment, framework)
    if penalty is not None and not counts.get(penalty.code):
        counts[penalty.code] = Decimal(1)
    return counts


class ValueStep(models.TextChoices):
    """The step of the flow whose value counts for an item."""

    SELF = "self", gettext_lazy("Self-assessed")
    APPRAISAL_1 = "appraisal_1", gettext_lazy("Appraisal round 1")
    APPRAISAL_2 = "appraisal_2", gettext_lazy("Appraisal round 2")
    COUNCIL = "council", gettext_lazy("Council")


@dataclass(frozen=True)
class Counted:
    """An item's value for scoring and the step it comes from (both None: no value yet)."""

    value: Decimal | None
    step: ValueStep | None


def counted(
    entry: ItemEntry, *, round_1: bool = True, round_2: bool = True, council: bool = True
) -> Counted:
    """The value that counts for ``entry``: the council's, else round 2's, else round 1's, else
    the agency's own — each later step overrides the earlier ones (par-index.md §1.4).

    A reader who may not see a step yet (``chiso.assessments.visibility``) passes False for it,
    and gets the value that counts as far as they may know."""
    for shown, value, step in (
        (council, entry.council_value, ValueStep.COUNCIL),
        (round_2, entry.appraised_value_2, ValueStep.APPRAISAL_2),
        (round_1, entry.appraised_value_1, ValueStep.APPRAISAL_1),
        (True, entry.self_value, ValueStep.SELF),
    ):
        if shown and value is not None:
            return Counted(value, step)
    return Counted(None, None)


def assessment_input(
    assessment: Assessment, framework: EngineFramework | None = None
) -> AgencyInput:
    """One agency's input: each item's value as :func:`counted` chooses it."""
    agency = assessment.agency
    entries = list(assessment.entries.all())
    return AgencyInput(
        agency=agency.code,
        name=agency.name,
        agency_type=agency.type.code,
        values={e.code: v for e in entries if (v := counted(e).value) is not None},
        not_applicable=frozenset(e.code for e in entries if e.self_not_applicable),
        facts=facts_for(agency, assessment.round.year),
        adjustments=adjustments_of(assessment, framework),
        leaders=leaders_of(agency, assessment.round.year),
    )


def round_inputs(rnd: Round) -> list[AgencyInput]:
    """Every agency's input, in the order of the block's agencies by name."""
    framework = rnd.framework.to_engine()
    assessments = rnd.assessments.select_related("agency__type", "round").order_by("agency__name")
    return [assessment_input(a, framework) for a in assessments]


def late_penalties(rnd: Round) -> list[tuple[Assessment, LatePenalty]]:
    """The assessments the automatic late penalty applies to, with why: for pages and reports."""
    framework = rnd.framework.to_engine()
    out = []
    for assessment in rnd.assessments.select_related("agency", "round").order_by("agency__name"):
        penalty = late_penalty(assessment, framework)
        if penalty is not None:
            out.append((assessment, penalty))
    return out


@transaction.atomic
def set_late_penalty(rnd: Round, code: str, *, actor: Any) -> Round:
    """Name the framework's penalty item counted once for each late self-assessment (the
    reform office; ``""`` turns it off). Allowed until the round is finalised, since the count
    is applied when the round is scored."""
    # Imported here: chiso.assessments.actions imports this module (finalise_round).
    from chiso.assessments.actions.common import AssessmentError, require_stage

    if actor is not None:
        scope.require_reform_office(actor)
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    require_stage(rnd, Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2, Stage.COUNCIL)
    code = code.strip()
    if code and _penalty_item(rnd.framework.to_engine(), code) is None:
        raise AssessmentError(_("The framework has no penalty item %(code)s.") % {"code": code})
    old = rnd.late_penalty_code
    if old != code:
        rnd.late_penalty_code = code
        rnd.save(update_fields=["late_penalty_code"])
        record(
            "assessments.round.late_penalty_set",
            actor=actor,
            obj=rnd,
            data={"late_penalty_code": [old, code]},
        )
    return rnd
