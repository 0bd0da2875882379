"""Completion rates and inspection counts become facts, and evaluation items score them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chiso.audit.models import AuditEvent
from chiso.engine import AgencyInput, Band, RatioRule, TieredRule, score_agency
from chiso.facts.importing import facts_for
from chiso.facts.models import Fact
from chiso.plans import actions
from chiso.plans.facts import write_facts
from tests.engine.builders import framework, inner, leaf

D = datetime.date


def test_completion_rates_are_written_as_facts_with_an_audit_row(world: Any, plans: Any) -> None:
    # Sở Tư pháp as of 31/12/2024: task 1 (PPC, due 30/09) not done, task 2 done on time.
    report = write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    assert report.ok, report.problems
    stp = facts_for(world.stp, 2024)
    assert stp["plan.done_rate"] == Decimal("50.00")
    assert stp["plan.on_time_rate"] == Decimal("50.00")
    assert stp["task.on_time_rate"] == Decimal("0.00")  # its one PPC task is not done
    sxd = facts_for(world.sxd, 2024)
    assert sxd["plan.done_rate"] == Decimal("0.00")
    assert "task.on_time_rate" not in sxd  # no PPC task: no data, not zero
    fact = Fact.objects.get(agency=world.stp, year=2024, name="plan.done_rate")
    assert fact.source == "chiso: kế hoạch CCHC năm 2024"
    assert AuditEvent.objects.filter(action="facts.fact.created", object_id=str(fact.pk)).exists()


def test_the_facts_follow_progress_and_a_second_run_changes_nothing(world: Any, plans: Any) -> None:
    write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    actions.report_progress(
        plans.stp_task, actor=world.lan, text="Xong", percent=100, completed_on=D(2024, 9, 30)
    )
    report = write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    assert report.updated == 3  # done rate, on-time rate, PPC on-time rate of Sở Tư pháp
    assert facts_for(world.stp, 2024)["task.on_time_rate"] == Decimal("100.00")
    again = write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    assert (again.created, again.updated) == (0, 0)


def test_only_the_reform_office_writes_the_facts(world: Any, plans: Any) -> None:
    with pytest.raises(PermissionDenied):
        write_facts(2024, actor=world.lan, as_of=D(2024, 12, 31))


def test_a_plan_fact_flows_into_an_evaluation_item_scored_by_the_engine(
    world: Any, plans: Any
) -> None:
    actions.report_progress(
        plans.stp_task, actor=world.lan, text="Xong", percent=100, completed_on=D(2024, 10, 10)
    )
    write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    # "Tỷ lệ nhiệm vụ kế hoạch hoàn thành đúng hạn": 2 points × on-time rate / 100.
    # "Nhiệm vụ UBND tỉnh giao hoàn thành đúng hạn": 1 point at 100%, 0,5 at ≥ 80%, else 0.
    fw = framework(
        inner(
            "1",
            leaf("1.1", "2", RatioRule(threshold=Decimal(100), source="plan.on_time_rate")),
            leaf(
                "1.2",
                "1",
                TieredRule(
                    bands=(
                        Band(Decimal(1), gte=Decimal(100)),
                        Band(Decimal("0.5"), gte=Decimal(80)),
                        Band(Decimal(0)),
                    ),
                    source="task.on_time_rate",
                ),
            ),
        )
    )
    result = score_agency(fw, AgencyInput("stp", facts=facts_for(world.stp, 2024)))
    # Task 1 done 10 days late, task 2 on time: on-time rate 50%; the PPC task was late: 0%.
    assert result.nodes["1.1"].points == Decimal("1.00")
    assert result.nodes["1.2"].points == Decimal("0")


def test_discipline_findings_are_counted_per_agency_and_year(world: Any, plans: Any) -> None:
    for day, discipline in ((D(2024, 3, 1), True), (D(2024, 8, 1), True), (D(2024, 9, 1), False)):
        actions.record_inspection(
            actor=world.tuan, agency=world.sxd, date=day, finding="Phát hiện", discipline=discipline
        )
    actions.record_inspection(
        actor=world.tuan, agency=world.sxd, date=D(2023, 5, 1), finding="Năm trước", discipline=True
    )
    write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    sxd = facts_for(world.sxd, 2024)
    assert sxd["inspection.findings"] == 3
    assert sxd["inspection.discipline_findings"] == 2
    assert "inspection.findings" not in facts_for(world.stp, 2024)  # not inspected
    # A penalty-style item: full points with no breach, none with any.
    fw = framework(
        inner(
            "7",
            leaf(
                "7.1",
                "2",
                TieredRule(
                    bands=(Band(Decimal(2), lte=Decimal(0)), Band(Decimal(0))),
                    source="inspection.discipline_findings",
                ),
            ),
        )
    )
    assert score_agency(fw, AgencyInput("sxd", facts=sxd)).nodes["7.1"].points == Decimal(0)


def test_agency_users_cannot_record_inspections(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.record_inspection(
            actor=world.lan, agency=world.stp, date=D(2024, 1, 1), finding="x"
        )
