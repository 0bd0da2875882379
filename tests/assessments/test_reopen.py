"""Reopening a finalised round: the reform office only, with a reason, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round, Stage
from chiso.audit.models import AuditEvent
from chiso.results.actions import publish_result_set
from chiso.results.models import ResultSet


def finalise(world: Any, rnd: Round) -> ResultSet:
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)
    return a.finalise_round(rnd, actor=world.tuan)


def test_reopening_requires_a_reason(world: Any, rnd: Round) -> None:
    finalise(world, rnd)
    with pytest.raises(a.AssessmentError) as caught:
        a.reopen_round(rnd, reason="  ", actor=world.tuan)
    assert str(caught.value) == "Hãy nêu lý do mở lại đợt đánh giá."
    rnd.refresh_from_db()
    assert rnd.stage == Stage.FINALISED


def test_reopening_returns_to_the_council_and_a_new_finalisation_replaces_the_results(
    world: Any, rnd: Round
) -> None:
    first = finalise(world, rnd)
    a.reopen_round(rnd, reason="Hội đồng xem lại mục 3.1", actor=world.tuan)
    rnd.refresh_from_db()
    assert rnd.stage == Stage.COUNCIL
    first.refresh_from_db()
    assert first.status == ResultSet.Status.DRAFT
    event = AuditEvent.objects.get(action="assessments.round.reopened")
    assert (event.actor, event.reason) == (world.tuan, "Hội đồng xem lại mục 3.1")
    assert event.data["stage"] == ["finalised", "council"]

    entry = Assessment.objects.get(round=rnd, agency=world.stp).entries.get(code="3.1")
    a.record_council_decision(
        entry, value=Decimal(2), note="", expected_version=entry.version, actor=world.tuan
    )
    second = a.finalise_round(rnd, actor=world.tuan)
    assert second.scores.get(agency=world.stp).base_points == Decimal(2)
    assert ResultSet.objects.count() == 1


def test_published_results_never_reopen(world: Any, rnd: Round) -> None:
    publish_result_set(finalise(world, rnd), actor=world.tuan)
    with pytest.raises(a.StateError) as caught:
        a.reopen_round(rnd, reason="Sai sót", actor=world.tuan)
    assert str(caught.value) == "Kết quả của đợt này đã công bố, không thể mở lại."


def test_reopening_needs_a_finalised_round(world: Any, rnd: Round) -> None:
    with pytest.raises(a.StateError) as caught:
        a.reopen_round(rnd, reason="Sai sót", actor=world.tuan)
    assert str(caught.value) == "Không thể thực hiện việc này ở giai đoạn «Đang tự đánh giá»."
