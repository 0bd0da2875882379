"""Read-only views of a round: progress, the appraiser's worklist, disagreements, who is late.

These answer questions, they never write; pages and the API add the scope checks.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from chiso.assessments.models import (
    AppraiserAssignment,
    Assessment,
    Deadline,
    ItemEntry,
    Round,
    Stage,
)
from chiso.engine.model import iter_nodes


@dataclass(frozen=True)
class Progress:
    """Items with a value or a not-applicable mark, out of all the agency enters; and the items
    whose framework node requires evidence while none is attached."""

    done: int
    total: int
    evidence_missing: int


def progress(assessment: Assessment) -> Progress:
    """How far the agency's self-assessment has come.

    Evidence files do not exist yet (the next step of issue 3), so every item whose node requires
    evidence counts as missing it.
    """
    entries = list(assessment.entries.all())
    framework = assessment.round.framework.to_engine()
    required = {n.code for n in iter_nodes(framework.nodes) if n.evidence_required}
    done = sum(1 for e in entries if e.self_value is not None or e.self_not_applicable)
    return Progress(
        done=done,
        total=len(entries),
        evidence_missing=sum(1 for e in entries if e.code in required),
    )


@dataclass(frozen=True)
class WorkItem:
    """What an appraiser still has to do for one field of one agency, and by when."""

    assessment: Assessment
    field_code: str
    remaining: int
    total: int
    deadline: datetime.date


def worklist(rnd: Round, user: Any) -> list[WorkItem]:
    """The appraiser's fields in the round with the items left at the current stage.

    In round 1 every item not marked N/A needs a value; in round 2 only the items marked for
    explanation. Agencies whose leader has not approved yet are listed with their deadline too.
    """
    round_no = 2 if rnd.stage == Stage.APPRAISAL_2 else 1
    stage = Deadline.APPRAISAL_2 if round_no == 2 else Deadline.APPRAISAL_1
    out = []
    assignments = AppraiserAssignment.objects.filter(round=rnd, user=user).order_by(
        "agency__name", "field_code"
    )
    for assignment in assignments:
        assessment = Assessment.objects.select_related("agency").get(
            round=rnd, agency_id=assignment.agency_id
        )
        entries = assessment.entries.filter(field_code=assignment.field_code)
        if round_no == 1:
            todo = entries.filter(self_not_applicable=False)
            left = todo.filter(appraised_value_1=None)
        else:
            todo = entries.filter(needs_explanation=True)
            left = todo.filter(appraised_value_2=None)
        out.append(
            WorkItem(
                assessment=assessment,
                field_code=assignment.field_code,
                remaining=left.count(),
                total=todo.count(),
                deadline=rnd.deadline(stage, assignment.agency_id),
            )
        )
    return out


@dataclass(frozen=True)
class Disagreement:
    entry: ItemEntry
    self_value: Decimal
    appraised: Decimal
    gap: Decimal


def disagreements(rnd: Round) -> list[Disagreement]:
    """Items where the appraisers' latest value differs from the agency's, largest gap first:
    what the council looks at."""
    entries = (
        ItemEntry.objects.filter(assessment__round=rnd)
        .exclude(self_value=None)
        .select_related("assessment__agency")
        .order_by("assessment__agency__name", "order")
    )
    out = [
        Disagreement(e, e.self_value, appraised, abs(e.self_value - appraised))
        for e in entries
        if e.self_value is not None
        and (appraised := e.appraised_value) is not None
        and appraised != e.self_value
    ]
    return sorted(out, key=lambda d: d.gap, reverse=True)


def late(rnd: Round, today: datetime.date | None = None) -> list[Assessment]:
    """Assessments submitted late, and those still unsubmitted after their deadline."""
    today = today or timezone.localdate()
    out = []
    for assessment in rnd.assessments.select_related("agency").order_by("agency__name"):
        deadline = rnd.deadline(Deadline.SELF_ASSESSMENT, assessment.agency_id)
        unsent = assessment.submitted_at is None and today > deadline
        if assessment.late or unsent:
            out.append(assessment)
    return out
