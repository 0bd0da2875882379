"""Deadlines: a late submission is recorded, an extension judges it again."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Deadline, Round
from chiso.assessments.queries import late
from chiso.audit.models import AuditEvent
from tests.assessments.conftest import TODAY, deadlines

YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


def fill_and_submit(world: Any, assessment: Assessment) -> Assessment:
    for code, value in {"1.1": "1", "1.2": "2", "2.1": "1", "3.1": "1"}.items():
        a.save_self_assessment(
            assessment,
            code,
            value=Decimal(value),
            not_applicable=False,
            justification="",
            expected_version=1,
            actor=world.lan,
        )
    return a.submit_assessment(assessment, actor=world.lan)


@pytest.fixture
def overdue(world: Any, framework: Any, block: Any) -> Round:
    return a.open_round(block, framework, deadlines(self_assessment=YESTERDAY), actor=world.tuan)


def test_it_records_a_late_submission_and_an_extension_changes_it(
    world: Any, overdue: Round
) -> None:
    stp = Assessment.objects.get(round=overdue, agency=world.stp)
    stp = fill_and_submit(world, stp)
    assert stp.late is True
    submitted = AuditEvent.objects.get(action="assessments.assessment.submitted")
    assert submitted.data["late"] is True
    assert [x.agency.code for x in late(overdue)] == ["snv", "stp", "sxd"]

    a.grant_extension(
        overdue,
        world.stp,
        Deadline.SELF_ASSESSMENT,
        TOMORROW,
        reason="Chờ số liệu quý IV",
        actor=world.tuan,
    )
    stp.refresh_from_db()
    assert stp.late is False
    extended = AuditEvent.objects.get(action="assessments.deadline.extended")
    assert extended.reason == "Chờ số liệu quý IV"
    assert extended.data == {
        "stage": "self_assessment",
        "deadline": [YESTERDAY.isoformat(), TOMORROW.isoformat()],
        "late": [True, False],
    }
    assert [x.agency.code for x in late(overdue)] == ["snv", "sxd"]


def test_an_extension_before_submitting_keeps_it_on_time(world: Any, overdue: Round) -> None:
    a.grant_extension(
        overdue,
        world.stp,
        Deadline.SELF_ASSESSMENT,
        TODAY,
        reason="Đổi đầu mối",
        actor=world.tuan,
    )
    stp = fill_and_submit(world, Assessment.objects.get(round=overdue, agency=world.stp))
    assert stp.late is False


def test_an_extension_needs_a_reason(world: Any, rnd: Round) -> None:
    with pytest.raises(a.AssessmentError) as caught:
        a.grant_extension(
            rnd, world.stp, Deadline.SELF_ASSESSMENT, TOMORROW, reason=" ", actor=world.tuan
        )
    assert str(caught.value) == "Hãy nêu lý do gia hạn."


def test_it_refuses_an_explanation_after_the_deadline(
    world: Any, framework: Any, block: Any
) -> None:
    # Every stage up to the explanation ended yesterday: deadlines must be in stage order.
    past = dict.fromkeys(("self_assessment", "approval", "appraisal_1", "explanation"), YESTERDAY)
    rnd = a.open_round(block, framework, deadlines(**past), actor=world.tuan)
    a.assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    stp = fill_and_submit(world, Assessment.objects.get(round=rnd, agency=world.stp))
    a.approve_submission(stp, actor=world.nam)
    entry = stp.entries.get(code="3.1")
    entry = a.record_appraisal(
        entry,
        1,
        value=Decimal(0),
        comment="Thiếu",
        needs_explanation=True,
        expected_version=entry.version,
        actor=world.minh,
    )
    a.close_appraisal_1(rnd, actor=world.tuan)
    with pytest.raises(a.StateError) as caught:
        a.submit_explanation(entry, text="Đã có", expected_version=entry.version, actor=world.lan)
    assert str(caught.value) == f"Đã hết hạn giải trình ({YESTERDAY:%d/%m/%Y})."


def test_it_refuses_an_explanation_of_an_item_not_marked(world: Any, rnd: Round) -> None:
    a.close_appraisal_1(rnd, actor=world.tuan)
    entry = Assessment.objects.get(round=rnd, agency=world.stp).entries.get(code="1.1")
    with pytest.raises(a.StateError) as caught:
        a.submit_explanation(entry, text="…", expected_version=1, actor=world.lan)
    assert str(caught.value) == "Thẩm định viên không yêu cầu giải trình mục này."
