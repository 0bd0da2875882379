"""Scope: an agency sees and reports on its own tasks only; the dashboard is for leaders."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from chiso.audit.models import AuditEvent
from chiso.plans import actions
from tests.conftest import PASSWORD

D = datetime.date


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


# persona → (status of Sở Tư pháp's task page, of Sở Xây dựng's own task page,
#            of the progress form for Sở Tư pháp's task, for Sở Xây dựng's task)
MATRIX = {
    "tuan": (200, 200, 200, 200),
    "lan": (200, 404, 200, 404),
    "nam": (200, 404, 200, 404),
    "minh": (200, 200, 404, 404),
    "hanh": (200, 200, 404, 404),
    "mai": (404, 404, 404, 404),
    "khach": (403, 403, 404, 404),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_task_pages_and_the_progress_form_follow_the_agency_scope(
    world: Any, plans: Any, persona: str
) -> None:
    c = client_for(world.users[persona])
    expected = MATRIX[persona]
    got = (
        c.get(reverse("plans:task", args=[plans.stp_task.pk])).status_code,
        c.get(reverse("plans:task", args=[plans.sxd_only.pk])).status_code,
        c.get(reverse("plans:progress", args=[plans.stp_task.pk])).status_code,
        c.get(reverse("plans:progress", args=[plans.sxd_only.pk])).status_code,
    )
    assert got == expected


def test_lan_sees_her_agencys_tasks_and_those_it_co_operates_on(world: Any, plans: Any) -> None:
    page = client_for(world.lan).get(reverse("plans:detail", args=["cchc-2024"])).content.decode()
    assert "Nhiệm vụ 1" in page and "Nhiệm vụ 2" in page
    assert "Nhiệm vụ 3" in page  # Sở Xây dựng leads, Sở Tư pháp co-operates
    assert "Nhiệm vụ 4" not in page
    # …but cannot report on the co-operated task
    c = client_for(world.lan)
    assert c.get(reverse("plans:progress", args=[plans.sxd_task.pk])).status_code == 404
    response = c.post(
        reverse("plans:progress", args=[plans.sxd_task.pk]), {"text": "x", "percent": 100}
    )
    assert response.status_code == 404
    plans.sxd_task.refresh_from_db()
    assert plans.sxd_task.completed_on is None


def test_lan_reports_progress_and_it_is_audited(world: Any, plans: Any) -> None:
    c = client_for(world.lan)
    response = c.post(
        reverse("plans:progress", args=[plans.stp_task.pk]),
        {"text": "Đã trình UBND tỉnh phương án", "percent": 100, "completed_on": "2024-10-03"},
    )
    assert response.status_code == 302
    plans.stp_task.refresh_from_db()
    assert plans.stp_task.completed_on == D(2024, 10, 3)
    assert plans.stp_task.status_on(D(2025, 1, 1)) == "done_late"
    event = AuditEvent.objects.get(action="plans.task.progress", object_id=str(plans.stp_task.pk))
    assert event.actor == world.lan
    assert event.data["new"] == {"progress": 100, "completed_on": "2024-10-03"}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("tuan", 200),
        ("hanh", 200),
        ("lan", 403),
        ("nam", 403),
        ("minh", 403),
        ("mai", 403),
        ("khach", 403),
    ],
)
def test_the_leaders_dashboard_is_for_provincial_leaders_and_the_reform_office(
    world: Any, plans: Any, persona: str, status: int
) -> None:
    assert client_for(world.users[persona]).get(reverse("plans:dashboard")).status_code == status


def test_the_task_list_of_an_agency_user_never_shows_another_agencys_tasks(
    world: Any, plans: Any
) -> None:
    c = client_for(world.nam)
    page = c.get(reverse("plans:tasks"), {"agency": "sxd"}).content.decode()
    assert "Nhiệm vụ 3" in page and "Nhiệm vụ 4" not in page
    assert c.get(reverse("plans:export", args=["cchc-2024"])).status_code == 404


def test_only_the_reform_office_moves_a_task_to_another_agency(world: Any, plans: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.change_owner(
            plans.stp_task, actor=world.lan, reason="Chuyển", lead_agency=world.sxd
        )
    with pytest.raises(ValidationError):
        actions.change_owner(plans.stp_task, actor=world.tuan, reason="  ", lead_agency=world.sxd)
    actions.change_owner(
        plans.stp_task,
        actor=world.tuan,
        reason="Theo Quyết định phân công lại",
        lead_agency=world.sxd,
        leader=plans.sxd_head,
    )
    event = AuditEvent.objects.get(action="plans.task.owner_changed")
    assert event.reason == "Theo Quyết định phân công lại"
    assert event.data["old"]["lead_agency"] == "stp"
    assert event.data["new"]["lead_agency"] == "sxd"


def test_a_leader_must_lead_the_lead_agency(world: Any, plans: Any) -> None:
    with pytest.raises(ValidationError) as error:
        actions.change_owner(
            plans.stp_task, actor=world.lan, reason="Phân công lại", leader=plans.sxd_head
        )
    assert "không phải là người đứng đầu hoặc cấp phó" in str(
        error.value
    ) or "is not the head" in str(error.value)


def test_lan_changes_the_leader_of_her_task_with_a_reason(world: Any, plans: Any) -> None:
    c = client_for(world.lan)
    response = c.post(
        reverse("plans:owner", args=[plans.stp_task.pk]),
        {
            "lead_agency": world.stp.pk,
            "leader": plans.stp_head.pk,
            "officer": "Nguyễn Thị Lan",
            "reason": "Giám đốc trực tiếp phụ trách",
        },
    )
    assert response.status_code == 302
    plans.stp_task.refresh_from_db()
    assert plans.stp_task.leader == plans.stp_head


def test_a_plan_cannot_take_the_address_of_another_plans_page(world: Any) -> None:
    with pytest.raises(ValidationError) as error:
        actions.create_plan(actor=world.tuan, year=2025, code="dashboard", title="x")
    assert error.value.messages == ["Không thể dùng 'dashboard' làm mã kế hoạch."]


def test_an_agency_creates_its_own_plan_but_not_the_provinces(world: Any) -> None:
    own = actions.create_plan(
        actor=world.lan, year=2025, code="stp-2025", title="KH STP", agency=world.stp
    )
    assert own.agency == world.stp
    with pytest.raises(PermissionDenied):
        actions.create_plan(actor=world.lan, year=2025, code="tinh-2025", title="KH tỉnh")
    with pytest.raises(PermissionDenied):
        actions.create_plan(
            actor=world.lan, year=2025, code="sxd-2025", title="KH", agency=world.sxd
        )


def test_the_officer_in_charge_must_work_for_the_lead_agency(world: Any, plans: Any) -> None:
    with pytest.raises(ValidationError):
        actions.change_owner(plans.stp_task, actor=world.tuan, reason="x", officer_user=world.minh)
    actions.change_owner(
        plans.stp_task,
        actor=world.lan,
        reason="Giao cho đầu mối",
        leader=plans.stp_deputy,
        officer_user=world.lan,
    )
    page = client_for(world.lan).get(reverse("plans:deadlines")).content.decode()
    assert "Nhiệm vụ của tôi chưa hoàn thành" in page
