"""Progress, the appraiser's worklist and the council's disagreement list."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Deadline, Round
from chiso.assessments.queries import Progress, disagreements, progress, worklist

D = Decimal


def self_assess(world: Any, stp: Assessment, values: dict[str, str]) -> None:
    for code, value in values.items():
        a.save_self_assessment(
            stp,
            code,
            value=D(value),
            not_applicable=False,
            justification="",
            expected_version=1,
            actor=world.lan,
        )


def test_progress_counts_items_done_and_evidence_still_missing(world: Any, rnd: Round) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    assert progress(stp) == Progress(done=0, total=4, evidence_missing=1)
    self_assess(world, stp, {"1.1": "1", "1.2": "2"})
    # Evidence files come in the next step: 1.2 requires evidence and has none yet.
    assert progress(stp) == Progress(done=2, total=4, evidence_missing=1)


def test_the_worklist_shows_what_is_left_per_agency_and_field(world: Any, rnd: Round) -> None:
    a.assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    a.assign_appraiser(rnd, world.sxd, "3", world.minh, actor=world.tuan)
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    self_assess(world, stp, {"1.1": "1", "1.2": "2", "2.1": "2", "3.1": "2"})
    a.submit_assessment(stp, actor=world.lan)
    a.approve_submission(stp, actor=world.nam)
    before = [
        (w.assessment.agency.code, w.field_code, w.remaining, w.total)
        for w in worklist(rnd, world.minh)
    ]
    assert before == [("stp", "3", 1, 1), ("sxd", "3", 1, 1)]
    entry = stp.entries.get(code="3.1")
    a.record_appraisal(
        entry, 1, value=D(1), comment="", expected_version=entry.version, actor=world.minh
    )
    items = worklist(rnd, world.minh)
    assert [(w.assessment.agency.code, w.remaining) for w in items] == [("stp", 0), ("sxd", 1)]
    assert items[0].deadline == rnd.deadline(Deadline.APPRAISAL_1)
    assert worklist(rnd, world.tuan) == []


def test_the_council_sees_the_largest_disagreements_first(world: Any, rnd: Round) -> None:
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    a.assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    self_assess(world, stp, {"1.1": "1", "1.2": "3", "2.1": "2", "3.1": "2"})
    a.submit_assessment(stp, actor=world.lan)
    a.approve_submission(stp, actor=world.nam)
    for code, value in {"1.1": "1", "1.2": "2.5", "3.1": "0"}.items():
        entry = stp.entries.get(code=code)
        a.record_appraisal(
            entry, 1, value=D(value), comment="", expected_version=entry.version, actor=world.minh
        )
    assert [(d.entry.code, d.gap) for d in disagreements(rnd)] == [("3.1", D(2)), ("1.2", D("0.5"))]
