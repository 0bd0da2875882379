"""The round's late-submission penalty item counts once for each late self-assessment."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from chiso.assessments import actions as a
from chiso.assessments.inputs import late_penalties, round_inputs, set_late_penalty
from chiso.assessments.models import Assessment, Deadline, Round
from chiso.audit.models import AuditEvent
from chiso.facts.models import Fact
from chiso.results.models import AgencyScore
from tests.assessments.conftest import deadlines

D = Decimal


@pytest.fixture
def overdue(world: Any, framework: Any, block: Any) -> Round:
    """A round whose self-assessment deadline was yesterday, with D1 as its late penalty."""
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    rnd = a.open_round(block, framework, deadlines(self_assessment=yesterday), actor=world.tuan)
    return set_late_penalty(rnd, "D1", actor=world.tuan)


def submit_late(world: Any, rnd: Round) -> Assessment:
    """Sở Tư pháp: 1 + 2 + 1 + 1 entered, 3.2 from 90 % on time → 6.80 / 10 = 68.00 %."""
    Fact.objects.create(name="dossier.on_time_rate", agency=world.stp, year=2024, value=D(90))
    assessment = Assessment.objects.get(round=rnd, agency=world.stp)
    for code, value in {"1.1": "1", "1.2": "2", "2.1": "1", "3.1": "1"}.items():
        a.save_self_assessment(
            assessment,
            code,
            value=D(value),
            not_applicable=False,
            justification="",
            expected_version=1,
            actor=world.lan,
        )
    return a.submit_assessment(assessment, actor=world.lan)


def finalise(world: Any, rnd: Round) -> AgencyScore:
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)
    result_set = a.finalise_round(rnd, actor=world.tuan)
    return result_set.scores.get(agency=world.stp)


def stp_adjustments(rnd: Round) -> dict[str, Decimal]:
    return next(i for i in round_inputs(rnd) if i.agency == "stp").adjustments


def test_a_late_agency_loses_the_items_points_and_is_told_why(world: Any, overdue: Round) -> None:
    assert submit_late(world, overdue).late
    score = finalise(world, overdue)
    assert (score.base_percent, score.penalty, score.final) == (D("68.00"), D("0.5"), D("67.50"))
    assert score.inputs["adjustments"] == {"D1": "1"}
    # The other agencies never submitted: no lateness recorded, no penalty.
    others = AgencyScore.objects.filter(result_set=score.result_set).exclude(agency=world.stp)
    assert {s.penalty for s in others} == {D(0)}
    with translation.override("en"):
        [(assessment, penalty)] = late_penalties(overdue)
        assert assessment.agency == world.stp
        assert penalty.explanation.startswith("Penalty D1 «Bị phê bình» counted once")
        yesterday = timezone.localdate() - datetime.timedelta(days=1)
        assert f"after the deadline of {yesterday:%d/%m/%Y}" in penalty.explanation


def test_a_count_entered_by_the_office_wins_over_the_automatic_one(
    world: Any, overdue: Round
) -> None:
    assessment = submit_late(world, overdue)
    a.save_adjustment(assessment, "D1", count=D(0), note="", expected_version=0, actor=world.tuan)
    assert stp_adjustments(overdue) == {"D1": D(1)}  # a zero is replaced
    a.save_adjustment(
        assessment, "D1", count=D(2), note="Trễ 10 ngày", expected_version=1, actor=world.tuan
    )
    assert stp_adjustments(overdue) == {"D1": D(2)}  # not 1 + 2
    assert finalise(world, overdue).penalty == D(1)


def test_an_extension_lifts_the_penalty(world: Any, overdue: Round) -> None:
    submit_late(world, overdue)
    a.grant_extension(
        overdue,
        world.stp,
        Deadline.SELF_ASSESSMENT,
        timezone.localdate() + datetime.timedelta(days=3),
        reason="Công văn xin gia hạn",
        actor=world.tuan,
    )
    assert stp_adjustments(overdue) == {} and late_penalties(overdue) == []


def test_without_a_penalty_item_lateness_is_only_recorded(world: Any, overdue: Round) -> None:
    set_late_penalty(overdue, "", actor=world.tuan)
    assert submit_late(world, overdue).late
    assert finalise(world, overdue).penalty == D(0)


def test_only_the_reform_office_names_a_penalty_item(world: Any, overdue: Round) -> None:
    with pytest.raises(PermissionDenied):
        set_late_penalty(overdue, "D1", actor=world.lan)
    with pytest.raises(a.AssessmentError, match="T1"):
        set_late_penalty(overdue, "T1", actor=world.tuan)  # a bonus, not a penalty
    event = AuditEvent.objects.get(action="assessments.round.late_penalty_set")
    assert event.data == {"late_penalty_code": ["", "D1"]} and event.actor == world.tuan
