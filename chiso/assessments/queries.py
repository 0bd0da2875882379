"""Read-only views of a round: progress, the appraiser's worklist, disagreements, who is late.

These answer questions, they never write; pages and the API add the scope checks.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from chiso.assessments.evidence import missing_evidence_of
from chiso.assessments.measures import points_for, scored_by_rule
from chiso.assessments.models import (
    AppraiserAssignment,
    Assessment,
    Deadline,
    DeadlineExtension,
    ItemEntry,
    Round,
    Stage,
    effective_deadline,
)
from chiso.engine.model import Node, Rounding, iter_nodes


@dataclass(frozen=True)
class Progress:
    """Items with a value or a not-applicable mark, out of all the agency enters; and the items
    whose framework node requires evidence while none is attached."""

    done: int
    total: int
    evidence_missing: int


def progress(assessment: Assessment) -> Progress:
    """How far the agency's self-assessment has come; an item marked not applicable needs no
    evidence."""
    return progress_of([assessment])[assessment.pk]


def progress_of(assessments: Iterable[Assessment]) -> dict[int, Progress]:
    """:func:`progress` of many assessments by id, in a few queries whatever their number."""
    assessments = list(assessments)
    ids = [x.pk for x in assessments]
    counted = {
        row["assessment_id"]: row
        for row in ItemEntry.objects.filter(assessment_id__in=ids)
        .values("assessment_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(self_value__isnull=False) | Q(self_not_applicable=True)),
        )
    }
    missing = missing_evidence_of(assessments)
    return {
        x.pk: Progress(
            done=counted.get(x.pk, {}).get("done", 0),
            total=counted.get(x.pk, {}).get("total", 0),
            evidence_missing=len(missing[x.pk]),
        )
        for x in assessments
    }


def progress_for_round(rnd: Round) -> dict[int, Progress]:
    """The progress of every assessment of the round, by assessment id."""
    return progress_of(rnd.assessments.all())


def extension_dates(rounds: Iterable[Round]) -> dict[tuple[int, int, str], datetime.date]:
    """Every granted extension of these rounds, by (round id, agency id, stage), in one query:
    what :meth:`Round.deadline` reads row by row."""
    return {
        (e.round_id, e.agency_id, e.stage): e.new_date
        for e in DeadlineExtension.objects.filter(round__in=[r.pk for r in rounds])
    }


def deadline_of(
    rnd: Round,
    stage: str,
    agency_id: int,
    extensions: dict[tuple[int, int, str], datetime.date],
) -> datetime.date:
    """:meth:`Round.deadline` from :func:`extension_dates` (no query)."""
    return effective_deadline(
        getattr(rnd, f"{stage}_due"), extensions.get((rnd.pk, agency_id, stage))
    )


def is_extended(
    rnd: Round,
    stage: str,
    agency_id: int,
    extensions: dict[tuple[int, int, str], datetime.date],
) -> bool:
    """Whether the agency's deadline is its extension: one no later than the round's (corrected
    after it was granted) no longer counts, and pages do not call it "extended"."""
    extended = extensions.get((rnd.pk, agency_id, stage))
    return extended is not None and extended > getattr(rnd, f"{stage}_due")


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
    assignments = list(
        AppraiserAssignment.objects.filter(round=rnd, user=user).order_by(
            "agency__name", "field_code"
        )
    )
    assessments = {
        x.agency_id: x
        for x in Assessment.objects.select_related("agency").filter(
            round=rnd, agency_id__in=[s.agency_id for s in assignments]
        )
    }
    if round_no == 1:
        todo = Q(self_not_applicable=False)
        left = Q(appraised_value_1=None)
    else:
        todo = Q(needs_explanation=True)
        left = Q(appraised_value_2=None)
    counts = {
        (row["assessment__agency_id"], row["field_code"]): row
        for row in ItemEntry.objects.filter(todo, assessment__round=rnd)
        .values("assessment__agency_id", "field_code")
        .annotate(total=Count("pk"), left=Count("pk", filter=left))
    }
    extensions = extension_dates([rnd])
    out = []
    for assignment in assignments:
        row = counts.get((assignment.agency_id, assignment.field_code), {})
        out.append(
            WorkItem(
                assessment=assessments[assignment.agency_id],
                field_code=assignment.field_code,
                remaining=row.get("left", 0),
                total=row.get("total", 0),
                deadline=deadline_of(rnd, stage, assignment.agency_id, extensions),
            )
        )
    return out


# The round stages at which an appraiser has items to appraise (round 1 runs while the round is
# at its first stage, round 2 at its own); at the others the worklist has nothing to offer.
APPRAISING_STAGES = (Stage.DRAFT, Stage.APPRAISAL_2)


def worklist_rounds(user: Any) -> QuerySet[Round]:
    """The rounds whose appraisal the user takes part in and that are at an appraising stage."""
    return (
        Round.objects.filter(appraisers__user_id=user.pk or 0, stage__in=APPRAISING_STAGES)
        .distinct()
        .select_related("block")
    )


@dataclass(frozen=True)
class Disagreement:
    """One item where the appraisers' latest value differs from the agency's.

    ``gap`` is the difference of the values as entered (days, a rate, or points), ``points_gap``
    the difference of the points the two values give by the item's rule: what the council
    weighs, since five points of a rate may change nothing or the whole item. It is None when
    the engine refuses one of the values (then only the values can be compared)."""

    entry: ItemEntry
    self_value: Decimal
    appraised: Decimal
    gap: Decimal
    points_gap: Decimal | None

    @property
    def same_points(self) -> bool:
        """The values differ but give the same points."""
        return self.points_gap == 0


def _points(leaf: Node | None, value: Decimal, rounding: Rounding) -> Decimal | None:
    """The points ``value`` gives on the item, as the pages label it (``NodeInfo.reads_scored``):
    by the rule for measured and yes/no items, the value itself where points are entered."""
    if leaf is None or not scored_by_rule(leaf):
        return value
    return points_for(leaf, value, rounding)


def disagreements(rnd: Round) -> list[Disagreement]:
    """Items where the appraisers' latest value differs from the agency's, largest difference in
    points first (then agency name and item order): what the council looks at. Items whose
    points cannot be computed come last, by their difference of values."""
    engine = rnd.framework.to_engine()
    leaves = {n.code: n for n in iter_nodes(engine.nodes) if n.is_leaf}
    entries = (
        ItemEntry.objects.filter(assessment__round=rnd)
        .exclude(self_value=None)
        .select_related("assessment__agency")
        .order_by("assessment__agency__name", "order")
    )
    out = []
    for e in entries:
        appraised = e.appraised_value
        if e.self_value is None or appraised is None or appraised == e.self_value:
            continue
        leaf = leaves.get(e.code)
        mine = _points(leaf, e.self_value, engine.rounding)
        theirs = _points(leaf, appraised, engine.rounding)
        points_gap = None if mine is None or theirs is None else abs(mine - theirs)
        out.append(
            Disagreement(e, e.self_value, appraised, abs(e.self_value - appraised), points_gap)
        )
    # A stable sort keeps the agency/order of the query among equal differences.
    return sorted(out, key=_council_order, reverse=True)


def _council_order(d: Disagreement) -> tuple[bool, Decimal]:
    if d.points_gap is None:
        return (False, d.gap)
    return (True, d.points_gap)


def late(rnd: Round, today: datetime.date | None = None) -> list[Assessment]:
    """Assessments submitted late, and those still unsubmitted after their deadline."""
    today = today or timezone.localdate()
    extensions = extension_dates([rnd])
    out = []
    for assessment in rnd.assessments.select_related("agency").order_by("agency__name"):
        deadline = deadline_of(rnd, Deadline.SELF_ASSESSMENT, assessment.agency_id, extensions)
        unsent = assessment.submitted_at is None and today > deadline
        if assessment.late or unsent:
            out.append(assessment)
    return out
