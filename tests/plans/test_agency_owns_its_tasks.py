"""Security review (session 3), moved here from tests/security: the new plan and task forms let an agency user hand tasks to
another agency, name that agency's leader and so change that agency's completion facts.

docs/plans.md: "Only the reform office moves a task to another agency"; a focal officer
manages her own agency's plan, not other agencies' work.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from chiso.plans import actions
from chiso.plans.facts import agency_completions
from chiso.plans.importing import import_tasks
from chiso.plans.models import Task
from tests.conftest import PASSWORD
from tests.plans.test_import import xlsx

D = datetime.date


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def stp_plan(world: Any) -> Any:
    return actions.create_plan(
        actor=world.lan,
        year=2024,
        code="stp-2024",
        title="Kế hoạch CCHC Sở Tư pháp 2024",
        agency=world.stp,
    )


def test_focal_officer_cannot_create_a_task_led_by_another_agency(
    world: Any,
    plans: Any,
) -> None:
    plan = stp_plan(world)

    client_for(world.lan).post(
        reverse("plans:task_create", args=[plan.code]),
        {
            "number": "1",
            "title": "Nhiệm vụ giao cho Sở Xây dựng",
            "lead_agency": world.sxd.pk,
            "leader": plans.sxd_head.pk,  # the director of another agency
            "deadline": "2024-03-31",  # already past: counts as not done for Sở Xây dựng
            "assigned_by_ppc": "on",
        },
    )

    planted = Task.objects.filter(plan=plan, lead_agency=world.sxd)
    sxd = next(c for c in agency_completions(2024, D(2024, 12, 31)) if c.agency == world.sxd)
    # Before: Sở Xây dựng had no task assigned by the PPC, so no task.on_time_rate fact at all.
    assert not planted.exists(), (
        "Lan (focal officer of Sở Tư pháp) created a task led by Sở Xây dựng with its director "
        "as responsible leader; Sở Xây dựng's PPC-task on-time rate is now "
        f"{sxd.ppc_tasks.on_time_rate} % over {len(sxd.ppc_tasks.counted)} task(s)"
    )


def test_focal_officer_cannot_move_a_task_to_another_agency_through_the_edit_form(
    world: Any,
    plans: Any,
) -> None:
    plan = stp_plan(world)
    task, _ = actions.save_task(
        plan,
        actor=world.lan,
        number="1",
        title="Rà soát thủ tục",
        lead_agency=world.stp,
        leader=plans.stp_deputy,
        deadline=D(2024, 3, 31),
    )

    client_for(world.lan).post(
        reverse("plans:task_edit", args=[task.pk]),
        {
            "title": "Rà soát thủ tục",
            "lead_agency": world.sxd.pk,
            "leader": plans.sxd_head.pk,
            "deadline": "2024-03-31",
            "reason": "chuyển việc",
        },
    )

    task.refresh_from_db()
    assert task.lead_agency == world.stp, (
        "Lan moved her agency's overdue task to Sở Xây dựng (only the reform office may)"
    )


def test_the_task_form_does_not_list_other_agencies_accounts_to_a_focal_officer(
    world: Any,
    plans: Any,
) -> None:
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role

    binh = User.objects.create_user("binh.sxd", password=PASSWORD, first_name="Phan Văn Bình")
    Membership.objects.create(user=binh, role=Role.FOCAL_OFFICER, agency=world.sxd)
    plan = stp_plan(world)

    page = client_for(world.lan).get(reverse("plans:task_create", args=[plan.code]))

    assert page.status_code == 200
    assert "binh.sxd" not in page.content.decode(), (
        "Lan's task form offers the accounts of Sở Xây dựng's staff as officer in charge"
    )


def test_the_office_still_hands_a_task_of_an_agencys_plan_to_another_agency(
    world: Any,
    plans: Any,
) -> None:
    plan = stp_plan(world)
    response = client_for(world.tuan).post(
        reverse("plans:task_create", args=[plan.code]),
        {
            "number": "1",
            "title": "Nhiệm vụ giao cho Sở Xây dựng",
            "lead_agency": world.sxd.pk,
            "leader": plans.sxd_head.pk,
            "deadline": "2024-03-31",
            "assigned_by_ppc": "on",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(plan=plan, number="1")
    assert task.lead_agency == world.sxd and task.assigned_by_ppc


def test_a_focal_officer_cannot_edit_a_task_another_agency_leads_in_her_plan(
    world: Any,
    plans: Any,
) -> None:
    plan = stp_plan(world)
    task, _ = actions.save_task(
        plan,
        actor=world.tuan,
        number="1",
        title="Phối hợp với Sở Xây dựng",
        lead_agency=world.sxd,
        deadline=D(2024, 3, 31),
    )
    lan = client_for(world.lan)
    assert lan.get(reverse("plans:task_edit", args=[task.pk])).status_code == 403
    assert "Sửa nhiệm vụ" not in lan.get(reverse("plans:task", args=[task.pk])).content.decode()
    with pytest.raises(PermissionDenied):
        actions.save_task(
            plan,
            actor=world.lan,
            number="1",
            title="Phối hợp với Sở Xây dựng",
            lead_agency=world.stp,
            deadline=D(2024, 12, 31),
            reason="nhận lại",
        )
    task.refresh_from_db()
    assert task.lead_agency == world.sxd and task.deadline == D(2024, 3, 31)


def test_only_the_reform_office_marks_a_task_as_assigned_by_the_ppc(
    world: Any,
    plans: Any,
) -> None:
    plan = stp_plan(world)
    lan = client_for(world.lan)
    form = lan.get(reverse("plans:task_create", args=[plan.code])).content.decode()
    assert (
        'name="assigned_by_ppc"' in form
        and "disabled" in form.split('name="assigned_by_ppc"')[1][:80]
    )

    lan.post(
        reverse("plans:task_create", args=[plan.code]),
        {
            "number": "1",
            "title": "Số hoá hồ sơ",
            "lead_agency": world.stp.pk,
            "deadline": "2024-06-30",
            "assigned_by_ppc": "on",
        },
    )
    task = Task.objects.get(plan=plan, number="1")
    assert not task.assigned_by_ppc, "Lan ticked 'UBND tỉnh giao' on her own task"
    with pytest.raises(PermissionDenied):
        actions.save_task(
            plan,
            actor=world.lan,
            number="1",
            title="Số hoá hồ sơ",
            lead_agency=world.stp,
            deadline=D(2024, 6, 30),
            assigned_by_ppc=True,
        )

    # The office marks it; Lan's later edit keeps the mark (she cannot clear it either).
    actions.save_task(
        plan,
        actor=world.tuan,
        number="1",
        title="Số hoá hồ sơ",
        lead_agency=world.stp,
        deadline=D(2024, 6, 30),
        assigned_by_ppc=True,
    )
    response = lan.post(
        reverse("plans:task_edit", args=[task.pk]),
        {
            "title": "Số hoá hồ sơ năm 2024",
            "lead_agency": world.stp.pk,
            "deadline": "2024-06-30",
            "reason": "",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.assigned_by_ppc and task.title == "Số hoá hồ sơ năm 2024"


def test_an_agency_import_is_refused_row_by_row_with_the_same_rule(
    world: Any,
    plans: Any,
) -> None:
    plan = stp_plan(world)
    data = xlsx(
        ["1", "Việc của Sở", "stp", "", "stp-pgd", D(2024, 6, 30), "", "", "", None],
        ["2", "Việc giao Sở Xây dựng", "sxd", "", "sxd-gd", D(2024, 3, 31), "", "", "", None],
        ["3", "Việc tự đánh dấu", "stp", "", "", D(2024, 3, 31), "", "x", "", None],
    )

    report = import_tasks(data, plan, actor=world.lan, filename="kh.xlsx", today=D(2025, 1, 10))

    texts = [p.text for p in report.problems]
    assert texts == [
        "Dòng 3, cột «Cơ quan chủ trì»: Sở Xây dựng không phải cơ quan của bạn: chỉ Sở Nội "
        "vụ mới giao nhiệm vụ cho cơ quan khác",
        "Dòng 4, cột «UBND tỉnh giao»: chỉ Sở Nội vụ mới đánh dấu hoặc bỏ đánh dấu nhiệm vụ do UBND tỉnh giao",
    ], texts
    assert not Task.objects.filter(plan=plan).exists()
    # The reform office imports the same file.
    assert import_tasks(data, plan, actor=world.tuan, filename="kh.xlsx", today=D(2025, 1, 10)).ok
    assert Task.objects.get(plan=plan, number="2").lead_agency == world.sxd
