"""Completion rates and inspection counts become facts, and evaluation items score them."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.engine import AgencyInput, Band, RatioRule, TieredRule, score_agency
from chiso.facts.importing import facts_for, import_facts
from chiso.facts.models import Fact
from chiso.org.tabular import write_table
from chiso.plans import actions
from chiso.plans.facts import fact_rows, tasks_behind, write_facts
from tests.conftest import PASSWORD
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
    fact = Fact.objects.get(agency=world.stp, year=2024, name="plan.done_rate", person=None)
    assert fact.source == "chiso: kế hoạch CCHC năm 2024"
    assert AuditEvent.objects.filter(action="facts.fact.created", object_id=str(fact.pk)).exists()


def test_the_facts_follow_progress_and_a_second_run_changes_nothing(world: Any, plans: Any) -> None:
    write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    actions.report_progress(
        plans.stp_task, actor=world.lan, text="Xong", percent=100, completed_on=D(2024, 9, 30)
    )
    report = write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    # Sở Tư pháp's done, on-time, not-done and PPC on-time rates, and the same four of the
    # deputy head who answers for task 1 (the late rate stays 0).
    assert report.updated == 8
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


def test_each_leader_gets_rates_on_time_late_not_done_with_the_tasks_behind_them(
    world: Any, plans: Any, client: Any
) -> None:
    actions.report_progress(
        plans.sxd_only, actor=world.tuan, text="Xong", percent=100, completed_on=D(2024, 9, 5)
    )
    write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))

    def leader_facts(person: Any) -> dict[str, Decimal]:
        rows = Fact.objects.filter(person=person, year=2024)
        return dict(rows.values_list("name", "value"))

    # Hồ Văn Xây: task 3 (due 31/05) not done, task 4 (due 31/08) done on 05/09, late.
    assert leader_facts(plans.sxd_head) == {
        "plan.done_rate": Decimal("50.00"),
        "plan.on_time_rate": Decimal("0.00"),
        "plan.late_rate": Decimal("50.00"),
        "plan.not_done_rate": Decimal("50.00"),
    }
    assert leader_facts(plans.stp_head)["plan.on_time_rate"] == Decimal("100.00")
    assert leader_facts(plans.stp_deputy)["task.on_time_rate"] == Decimal("0.00")
    late = Fact.objects.get(person=plans.sxd_head, name="plan.late_rate")
    assert late.agency == world.sxd
    # The facts page links the leader's late rate to the one late task, and to nothing else.
    client.login(username="tuan", password=PASSWORD)
    page = client.get("/facts/?year=2024").content.decode()
    assert "Hồ Văn Xây" in page
    url = tasks_behind("plan.late_rate", "sxd", 2024, D(2024, 12, 31), "sxd-gd")
    assert url is not None and url.replace("&", "&amp;") in page
    listed = client.get(url).content.decode()
    assert "Nhiệm vụ 4" in listed and "Nhiệm vụ 3" not in listed


def test_leader_facts_leave_the_agency_score_of_an_evaluation_item_unchanged(
    world: Any, plans: Any
) -> None:
    fw = framework(
        inner("1", leaf("1.1", "2", RatioRule(threshold=Decimal(100), source="plan.on_time_rate")))
    )

    def stp_points() -> Decimal:
        result = score_agency(fw, AgencyInput("stp", facts=facts_for(world.stp, 2024)))
        return result.nodes["1.1"].points

    agency_only = [r[:6] for r in fact_rows(2024, D(2024, 12, 31)) if not r[6]]
    headers = ["Mã cơ quan", "Tên dữ liệu", "Năm", "Giá trị", "Nguồn", "Ngày số liệu"]
    import_facts(write_table(headers, agency_only, "csv"), actor=world.tuan, filename="a.csv")
    assert not Fact.objects.exclude(person=None).exists()
    before = stp_points()
    write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    # Đỗ Văn Giám's own on-time rate is 100%, Lê Văn Nam's 0%: neither is Sở Tư pháp's 50%.
    assert Fact.objects.filter(agency=world.stp).exclude(person=None).count() >= 8
    assert before == stp_points() == Decimal("1.00")


def test_the_facts_api_names_the_leader_of_a_leaders_value(world: Any, plans: Any) -> None:
    write_facts(2024, actor=world.tuan, as_of=D(2024, 12, 31))
    client = Client()
    assert client.login(username="lan", password=PASSWORD)
    items = client.get("/api/facts?year=2024&name=plan.on_time_rate&agency=stp").json()["items"]
    by_leader = {(i["leader"] or {}).get("code"): i["value"] for i in items}
    # Sở Tư pháp's own 50%, its head's task 2 on time, its deputy's task 1 not done.
    assert by_leader == {None: "50.00", "stp-gd": "100.00", "stp-pgd": "0.00"}
