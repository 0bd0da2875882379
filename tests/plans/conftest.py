"""A 2024 plan of the test province: tasks of Sở Tư pháp (Lan's) and Sở Xây dựng (not hers)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from chiso.org.models import Person, Position
from chiso.plans import actions
from chiso.plans.models import Plan, Task

D = datetime.date


@dataclass
class PlanWorld:
    plan: Plan
    stp_head: Person
    stp_deputy: Person
    sxd_head: Person
    stp_task: Task  # open, due 30/09/2024
    stp_done: Task  # done on time
    sxd_task: Task  # Sở Xây dựng's, Sở Tư pháp co-operates
    sxd_only: Task  # Sở Xây dựng's alone


def _leader(code: str, name: str, agency: Any, role: str) -> Person:
    person = Person.objects.create(code=code, full_name=name)
    Position.objects.create(person=person, agency=agency, role=role, start=D(2021, 7, 1))
    return person


@pytest.fixture
def plans(world: Any) -> PlanWorld:
    stp_head = _leader("stp-gd", "Đỗ Văn Giám", world.stp, Position.Role.HEAD)
    stp_deputy = _leader("stp-pgd", "Lê Văn Nam", world.stp, Position.Role.DEPUTY)
    sxd_head = _leader("sxd-gd", "Hồ Văn Xây", world.sxd, Position.Role.HEAD)
    plan = actions.create_plan(
        actor=world.tuan,
        year=2024,
        code="cchc-2024",
        title="Kế hoạch CCHC năm 2024",
        document_number="01/KH-UBND",
        document_date=D(2024, 1, 15),
    )

    def task(number: str, lead: Any, leader: Person, deadline: datetime.date, **kw: Any) -> Task:
        return actions.save_task(
            plan,
            actor=world.tuan,
            number=number,
            title=f"Nhiệm vụ {number}",
            lead_agency=lead,
            leader=leader,
            deadline=deadline,
            **kw,
        )[0]

    stp_task = task("1", world.stp, stp_deputy, D(2024, 9, 30), assigned_by_ppc=True)
    stp_done = task(
        "2", world.stp, stp_head, D(2024, 6, 30), completed_on=D(2024, 6, 25), progress=100
    )
    sxd_task = task("3", world.sxd, sxd_head, D(2024, 5, 31), co_agencies=[world.stp])
    sxd_only = task("4", world.sxd, sxd_head, D(2024, 8, 31))
    return PlanWorld(plan, stp_head, stp_deputy, sxd_head, stp_task, stp_done, sxd_task, sxd_only)
