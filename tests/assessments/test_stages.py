"""Opening a round and the state machine: each step only at its stage."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, ItemEntry, Round, Stage
from chiso.audit.models import AuditEvent
from chiso.frameworks.actions import import_framework
from tests.assessments.conftest import deadlines, tiny_framework


def test_opening_gives_every_agency_its_assessment_and_entries(world: Any, rnd: Round) -> None:
    assert sorted(rnd.assessments.values_list("agency__code", flat=True)) == ["snv", "stp", "sxd"]
    # 3.2 is scored from a fact: no entry, nobody types it.
    assert ItemEntry.objects.filter(assessment__round=rnd).count() == 3 * 4
    event = AuditEvent.objects.get(action="assessments.round.opened")
    assert (event.actor, event.data["items"], event.data["agencies"]) == (
        world.tuan,
        4,
        ["snv", "stp", "sxd"],
    )


def test_it_opens_a_round_only_with_a_published_framework_of_the_block(
    world: Any, block: Any
) -> None:
    draft = import_framework({**tiny_framework(), "version": 2}, actor=world.tuan)
    with pytest.raises(a.StateError) as caught:
        a.open_round(block, draft, deadlines(), actor=world.tuan)
    assert str(caught.value) == "Chỉ dùng được bộ chỉ số đã công bố cho một đợt đánh giá."


def test_a_block_has_one_round_per_framework(world: Any, rnd: Round) -> None:
    with pytest.raises(a.StateError) as caught:
        a.open_round(rnd.block, rnd.framework, deadlines(), actor=world.tuan)
    assert str(caught.value) == "Khối này đã có đợt đánh giá với bộ chỉ số này."


def test_a_submitted_assessment_is_no_longer_edited(world: Any, rnd: Round) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    with pytest.raises(a.AssessmentError) as caught:
        a.submit_assessment(stp, actor=world.lan)
    assert str(caught.value) == (
        "Còn 4 mục chưa nhập giá trị hoặc dấu không đánh giá: 1.1, 1.2, 2.1, 3.1."
    )
    for code in ("1.1", "1.2", "2.1", "3.1"):
        a.save_self_assessment(
            stp,
            code,
            value=Decimal(1),
            not_applicable=False,
            justification="",
            expected_version=1,
            actor=world.lan,
        )
    a.submit_assessment(stp, actor=world.lan)
    with pytest.raises(a.StateError) as caught:
        a.save_self_assessment(
            stp,
            "1.1",
            value=Decimal(0),
            not_applicable=False,
            justification="",
            expected_version=2,
            actor=world.lan,
        )
    assert str(caught.value) == (
        "Không thể thực hiện việc này ở giai đoạn «Đã nộp, chờ lãnh đạo phê duyệt»."
    )


def test_appraisal_waits_for_the_leaders_approval(world: Any, rnd: Round) -> None:
    a.assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    entry = Assessment.objects.get(round=rnd, agency=world.stp).entries.get(code="3.1")
    with pytest.raises(a.StateError, match="«Đang tự đánh giá»"):
        a.record_appraisal(
            entry, 1, value=Decimal(1), comment="", expected_version=1, actor=world.minh
        )


def test_stages_close_in_order(world: Any, rnd: Round) -> None:
    with pytest.raises(a.StateError):
        a.close_explanation(rnd, actor=world.tuan)
    with pytest.raises(a.StateError):
        a.finalise_round(rnd, actor=world.tuan)
    a.close_appraisal_1(rnd, actor=world.tuan)
    assert set(rnd.assessments.values_list("status", flat=True)) == {Stage.EXPLANATION}
    event = AuditEvent.objects.get(action="assessments.round.appraisal_1_closed")
    assert event.data["stage"] == ["draft", "explanation"]
    assert event.data["assessments"] == {"snv": "draft", "stp": "draft", "sxd": "draft"}
