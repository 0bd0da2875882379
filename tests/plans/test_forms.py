"""Creating a plan and adding or editing one task on the web: same checks as an import."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chiso.audit.models import AuditEvent
from chiso.plans import actions
from chiso.plans.importing import export_tasks, import_tasks
from chiso.plans.models import Plan, Task
from tests.conftest import PASSWORD

D = datetime.date


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def task_post(plans: Any, world: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "number": "5",
        "title": "Rà soát thủ tục hành chính lĩnh vực hộ tịch",
        "lead_agency": world.stp.pk,
        "co_agencies": [world.sxd.pk],
        "leader": plans.stp_deputy.pk,
        "officer": "Nguyễn Thị Lan",
        "deadline": "2024-11-30",
        "output": "Báo cáo rà soát",
        "assigned_by_ppc": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# persona → status of the new-plan page, of the add-task page of the province's plan
MATRIX = {
    "tuan": (200, 200),
    "lan": (200, 403),
    "nam": (200, 403),
    "minh": (403, 403),
    "hanh": (403, 403),
    "mai": (403, 403),
    "khach": (403, 403),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_who_may_open_the_plan_and_task_forms(world: Any, plans: Any, persona: str) -> None:
    c = client_for(getattr(world, persona))
    got = (
        c.get(reverse("plans:create")).status_code,
        c.get(reverse("plans:task_create", args=[plans.plan.code])).status_code,
    )
    assert got == MATRIX[persona]


def test_the_reform_office_creates_the_provinces_plan_with_an_audit_row(world: Any) -> None:
    c = client_for(world.tuan)
    response = c.post(
        reverse("plans:create"),
        {"year": 2025, "code": "cchc-2025", "title": "Kế hoạch CCHC năm 2025", "agency": ""},
    )
    assert response.status_code == 302
    plan = Plan.objects.get(code="cchc-2025")
    assert plan.agency is None and plan.year == 2025
    assert AuditEvent.objects.filter(action="plans.plan.created", object_id=str(plan.pk)).exists()
    page = c.get(response["Location"]).content.decode()
    assert "Thêm nhiệm vụ" in page


def test_a_focal_officer_creates_a_plan_only_for_her_own_agency(world: Any) -> None:
    c = client_for(world.lan)
    other = c.post(
        reverse("plans:create"),
        {"year": 2025, "code": "sxd-2025", "title": "KH của Sở Xây dựng", "agency": world.sxd.pk},
    )
    assert other.status_code == 200 and not Plan.objects.filter(code="sxd-2025").exists()
    province = c.post(
        reverse("plans:create"), {"year": 2025, "code": "tinh-2025", "title": "KH tỉnh"}
    )
    assert "Trường này là bắt buộc." in province.content.decode()
    own = c.post(
        reverse("plans:create"),
        {
            "year": 2025,
            "code": "stp-2025",
            "title": "KH CCHC của Sở Tư pháp",
            "agency": world.stp.pk,
        },
    )
    assert own.status_code == 302
    assert Plan.objects.get(code="stp-2025").agency == world.stp
    # …and adds a task to it.
    add = c.post(
        reverse("plans:task_create", args=["stp-2025"]),
        {
            "number": "1",
            "title": "Số hoá hồ sơ",
            "lead_agency": world.stp.pk,
            "deadline": "2025-06-30",
        },
    )
    assert add.status_code == 302 and Task.objects.filter(plan__code="stp-2025").count() == 1


def test_a_plan_code_used_by_a_page_or_another_plan_is_refused(world: Any, plans: Any) -> None:
    c = client_for(world.tuan)
    for code, message in (
        ("new", "Không thể dùng 'new' làm mã kế hoạch."),
        ("cchc-2024", "Đã có kế hoạch mã 'cchc-2024'."),
    ):
        page = c.post(reverse("plans:create"), {"year": 2025, "code": code, "title": "KH"})
        assert message in html.unescape(page.content.decode())
    assert Plan.objects.count() == 1


def test_the_office_adds_a_task_and_it_appears_in_the_plan(world: Any, plans: Any) -> None:
    c = client_for(world.tuan)
    url = reverse("plans:task_create", args=[plans.plan.code])
    response = c.post(url, task_post(plans, world))
    assert response.status_code == 302
    task = Task.objects.get(plan=plans.plan, number="5")
    assert task.leader == plans.stp_deputy and task.assigned_by_ppc
    assert list(task.co_agencies.all()) == [world.sxd]
    event = AuditEvent.objects.get(action="plans.task.created", object_id=str(task.pk))
    assert event.data["new"]["co_agencies"] == ["sxd"]
    assert (
        "Rà soát thủ tục hành chính lĩnh vực hộ tịch"
        in c.get(response["Location"]).content.decode()
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"leader": "sxd"},  # replaced below by Sở Xây dựng's head
            "Hồ Văn Xây không phải là người đứng đầu hoặc cấp phó của Sở Tư pháp trong năm 2024.",
        ),
        (
            {"co_agencies": "stp"},
            "Sở Tư pháp chủ trì nhiệm vụ nên không thể đồng thời là cơ quan phối hợp.",
        ),
        ({"number": "1"}, "Kế hoạch đã có nhiệm vụ 1."),
        ({"deadline": ""}, "Trường này là bắt buộc."),
    ],
)
def test_a_bad_task_is_refused_with_a_clear_message_and_nothing_is_written(
    world: Any, plans: Any, changes: dict[str, str], message: str
) -> None:
    values = {
        "leader": plans.sxd_head.pk if changes.get("leader") else None,
        "co_agencies": [world.stp.pk] if changes.get("co_agencies") else None,
    }
    data = task_post(plans, world, **{**changes, **{k: v for k, v in values.items() if v}})
    before = (Task.objects.count(), AuditEvent.objects.count())
    page = client_for(world.tuan).post(reverse("plans:task_create", args=[plans.plan.code]), data)
    assert page.status_code == 200
    assert message in html.unescape(page.content.decode())
    assert (Task.objects.count(), AuditEvent.objects.count()) == before


def test_editing_a_tasks_leader_needs_a_reason_that_the_audit_keeps(world: Any, plans: Any) -> None:
    c = client_for(world.tuan)
    url = reverse("plans:task_edit", args=[plans.stp_task.pk])
    data = task_post(plans, world, number=None, leader=plans.stp_head.pk, deadline="2024-10-15")
    refused = c.post(url, data)
    assert "Nhiệm vụ 1 đổi người chịu trách nhiệm: cần nêu lý do." in html.unescape(
        refused.content.decode()
    )
    response = c.post(url, {**data, "reason": "Phân công lại theo Quyết định 12/QĐ-STP"})
    assert response.status_code == 302
    plans.stp_task.refresh_from_db()
    assert plans.stp_task.leader == plans.stp_head
    assert plans.stp_task.deadline == D(2024, 10, 15) and plans.stp_task.number == "1"
    event = AuditEvent.objects.get(action="plans.task.updated", object_id=str(plans.stp_task.pk))
    assert event.reason == "Phân công lại theo Quyết định 12/QĐ-STP"
    assert (event.data["old"]["leader"], event.data["new"]["leader"]) == ("stp-pgd", "stp-gd")


def test_an_agency_cannot_edit_a_task_of_the_provinces_plan(world: Any, plans: Any) -> None:
    url = reverse("plans:task_edit", args=[plans.stp_task.pk])
    assert client_for(world.lan).get(url).status_code == 404
    assert client_for(world.tuan).get(url).status_code == 200


def test_reimporting_the_export_keeps_the_officer_account_chosen_in_chiso(
    world: Any, plans: Any
) -> None:
    actions.change_owner(
        plans.stp_task, actor=world.tuan, reason="Giao Lan theo dõi", officer_user=world.lan
    )
    data = export_tasks(plans.plan, "csv", today=D(2024, 7, 1))
    report = import_tasks(data, plans.plan, actor=world.tuan, filename="x.csv", today=D(2024, 7, 1))
    assert report.ok, report.problems
    plans.stp_task.refresh_from_db()
    assert plans.stp_task.officer_user == world.lan
