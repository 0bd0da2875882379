"""Storing results: who may compute them, and that finalised numbers never change."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chiso.audit.models import AuditEvent
from chiso.engine import AgencyInput
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.frameworks.yamlio import load_yaml
from chiso.org.models import Block
from chiso.results.actions import (
    ResultError,
    compute_result_set,
    finalise_result_set,
    publish_result_set,
)
from tests.results.test_score_cli import FRAMEWORK


@pytest.fixture
def setup(world: Any) -> tuple[Any, Any]:
    framework = import_framework(load_yaml(FRAMEWORK.read_text()), actor=world.tuan)
    publish_framework(framework, actor=world.tuan)
    block = Block.objects.create(code="so-ban-nganh", year=2023, name="Khối sở, ban, ngành")
    block.agencies.add(world.stp, world.sxd)
    return framework, block


def inputs() -> list[AgencyInput]:
    return [
        AgencyInput("stp", values={"1.1": Decimal(0), "1.2": Decimal(100)}),
        AgencyInput("sxd", values={"1.1": Decimal(20)}),
    ]


def test_the_reform_office_computes_a_ranked_result_set(world: Any, setup: Any) -> None:
    framework, block = setup
    result_set = compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")
    scores = list(result_set.scores.order_by("rank"))
    assert [(s.agency.code, s.rank) for s in scores] == [("stp", 1), ("sxd", 2)]
    assert scores[0].final == Decimal("3.00")  # 1 + 2 points of 100
    event = AuditEvent.objects.get(action="results.computed")
    assert event.actor == world.tuan and event.data["agencies"] == 2


@pytest.mark.parametrize("persona", ["lan", "nam", "minh", "hanh", "mai"])
def test_nobody_else_may_compute_results(world: Any, setup: Any, persona: str) -> None:
    framework, block = setup
    with pytest.raises(PermissionDenied):
        compute_result_set(
            block, framework, inputs(), actor=getattr(world, persona), source="import"
        )


def test_finalised_results_are_locked(world: Any, setup: Any) -> None:
    framework, block = setup
    result_set = compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")
    finalise_result_set(result_set, actor=world.tuan)
    with pytest.raises(ResultError, match="đã chốt"):
        compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")
    score = result_set.scores.first()
    score.final = Decimal("99")
    with pytest.raises(TypeError):
        score.save()
    with pytest.raises(TypeError):
        score.delete()
    publish_result_set(result_set, actor=world.tuan)
    assert list(AuditEvent.objects.order_by("id").values_list("action", flat=True))[-3:] == [
        "results.computed",
        "results.finalised",
        "results.published",
    ]


def test_unknown_agencies_write_nothing(world: Any, setup: Any) -> None:
    framework, block = setup
    with pytest.raises(ResultError, match="Không có cơ quan với mã: xyz"):
        compute_result_set(
            block, framework, [AgencyInput("xyz")], actor=world.tuan, source="import"
        )
    assert not block.result_sets.exists()


def test_results_need_a_published_framework_of_the_block_and_its_members(
    world: Any, setup: Any
) -> None:
    framework, block = setup
    other_year = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở 2024")
    with pytest.raises(ResultError, match="không áp dụng cho khối"):
        compute_result_set(other_year, framework, inputs(), actor=world.tuan, source="import")
    block.agencies.remove(world.sxd)
    with pytest.raises(ResultError, match="Không thuộc khối Khối sở, ban, ngành: sxd"):
        compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")


def test_a_block_has_one_set_of_results_and_locked_sets_cannot_be_deleted(
    world: Any, setup: Any
) -> None:
    framework, block = setup
    first = compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")
    second = compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")
    assert block.result_sets.get() == second and first.pk != second.pk
    finalise_result_set(second, actor=world.tuan)
    with pytest.raises(TypeError):
        second.delete()
    assert second.scores.count() == 2
