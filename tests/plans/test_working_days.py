"""Plan deadlines in working days (the province's working calendar), worked out by hand.

Tết 2025: the offices closed from Saturday 25/01 to Sunday 02/02 (holidays 27–31/01 and two
weekends); Friday 24/01 was the last working day before it, Monday 03/02 the first after.
Saturday 26/04/2025 was worked in exchange for Friday 02/05 (announced swap).
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from chiso.plans import actions
from chiso.plans.deadlines import (
    CALENDAR_DAYS,
    days_late,
    days_left,
    is_due_soon,
    last_day_within,
)
from chiso.plans.models import Task
from chiso.plans.queries import due_soon
from chiso.plans.reminders import send_reminders
from chiso.plans.workdays import plans_calendar

D = datetime.date
pytestmark = pytest.mark.django_db


def test_tet_2025_does_not_count_as_days_left_or_days_late() -> None:
    cal = plans_calendar()
    # Friday 24/01 → Monday 03/02: 10 calendar days, 1 working day.
    assert days_left(D(2025, 2, 3), D(2025, 1, 24), cal) == 1
    assert days_left(D(2025, 2, 3), D(2025, 1, 24)) == 10
    # Due Friday 24/01, done Tuesday 04/02: 2 working days late (Mon 03, Tue 04), not 11.
    assert days_late(D(2025, 1, 24), D(2025, 2, 4), D(2025, 3, 1), cal) == 2
    assert days_late(D(2025, 1, 24), D(2025, 2, 4), D(2025, 3, 1)) == 11
    # Done during the holiday, after a deadline of 24/01: late by date, 0 working days.
    assert days_late(D(2025, 1, 24), D(2025, 1, 30), D(2025, 3, 1), cal) == 0


def test_a_weekend_and_an_announced_working_saturday() -> None:
    cal = plans_calendar()
    # Thursday 06/02 → Saturday 08/02 (a day off): only Friday counts.
    assert days_left(D(2025, 2, 8), D(2025, 2, 6), cal) == 1
    # Friday 07/03 → Monday 10/03: 1 working day; overdue on Monday for a Friday deadline.
    assert days_left(D(2025, 3, 10), D(2025, 3, 7), cal) == 1
    assert days_late(D(2025, 3, 7), None, D(2025, 3, 10), cal) == 1
    # Friday 25/04 → Monday 28/04: Saturday 26/04 was worked (swap), so 2.
    assert days_left(D(2025, 4, 28), D(2025, 4, 25), cal) == 2
    # Tuesday 29/04 → Monday 05/05: 30/04, 01/05 holidays, 02/05 the swapped day off → 1.
    assert days_left(D(2025, 5, 5), D(2025, 4, 29), cal) == 1


def test_due_within_7_working_days_reaches_across_tet() -> None:
    cal = plans_calendar()
    # From Thursday 23/01: 24/01 (1), 03/02 (2), 04 (3), 05 (4), 06 (5), 07 (6), 10/02 (7).
    assert last_day_within(D(2025, 1, 23), 7, cal) == D(2025, 2, 10)
    assert is_due_soon(D(2025, 2, 10), None, D(2025, 1, 23), 7, cal)
    assert not is_due_soon(D(2025, 2, 11), None, D(2025, 1, 23), 7, cal)
    # In calendar days the window ends on 30/01.
    assert last_day_within(D(2025, 1, 23), 7, CALENDAR_DAYS) == D(2025, 1, 30)
    # Wednesday 05/03, 2 working days: Thursday, Friday; the weekend after is still inside.
    assert last_day_within(D(2025, 3, 5), 2, cal) == D(2025, 3, 9)
    # A Saturday deadline seen on Sunday is overdue, not "due in 0 days".
    assert not is_due_soon(D(2025, 3, 8), None, D(2025, 3, 9), 7, cal)


def test_the_due_soon_list_and_the_rule_agree_on_every_deadline(world: Any) -> None:
    plan = actions.create_plan(actor=world.tuan, year=2025, code="kh-2025", title="KH 2025")
    first = D(2025, 1, 15)
    for i in range(40):
        actions.save_task(
            plan,
            actor=world.tuan,
            number=str(i + 1),
            title=f"Nhiệm vụ {i + 1}",
            lead_agency=world.stp,
            deadline=first + datetime.timedelta(days=i),
        )
    cal = plans_calendar()
    today = D(2025, 1, 23)
    listed = set(due_soon(Task.objects.all(), today, 7, cal).values_list("deadline", flat=True))
    expected = {
        t.deadline for t in Task.objects.all() if is_due_soon(t.deadline, None, today, 7, cal)
    }
    assert listed == expected
    assert min(listed) == D(2025, 1, 23) and max(listed) == D(2025, 2, 10)


def test_calendar_days_can_be_chosen_by_setting(world: Any, settings: Any) -> None:
    settings.PLANS_DEADLINE_DAYS = "calendar"
    assert days_left(D(2025, 2, 3), D(2025, 1, 24), plans_calendar()) == 10


def test_the_reminder_counts_working_days(world: Any) -> None:
    from chiso.notifications.models import Notification

    plan = actions.create_plan(actor=world.tuan, year=2025, code="kh-2025", title="KH 2025")
    actions.save_task(
        plan,
        actor=world.tuan,
        number="1",
        title="Báo cáo quý I",
        lead_agency=world.stp,
        deadline=D(2025, 2, 10),
    )
    send_reminders(D(2025, 1, 23))
    note = Notification.objects.get(user=world.lan, kind="plans.due_soon")
    assert "(còn 7 ngày làm việc)" in note.body
