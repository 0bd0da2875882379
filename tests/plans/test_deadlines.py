"""Deadline and completion arithmetic, checked against numbers worked out by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

from chiso.plans.completion import TaskRecord, completion, rate
from chiso.plans.deadlines import (
    TaskStatus,
    days_late,
    days_left,
    is_due_soon,
    task_status,
)

D = datetime.date


def test_a_task_done_on_its_deadline_day_is_on_time_and_the_next_day_is_late() -> None:
    deadline = D(2024, 9, 30)
    assert task_status(deadline, D(2024, 9, 30), 100, D(2024, 12, 1)) == TaskStatus.DONE
    assert task_status(deadline, D(2024, 10, 1), 100, D(2024, 12, 1)) == TaskStatus.DONE_LATE
    assert days_late(deadline, D(2024, 10, 1), D(2024, 12, 1)) == 1


def test_an_open_task_is_overdue_from_the_day_after_its_deadline() -> None:
    deadline = D(2024, 9, 30)
    assert task_status(deadline, None, 60, D(2024, 9, 30)) == TaskStatus.IN_PROGRESS
    assert task_status(deadline, None, 0, D(2024, 9, 30)) == TaskStatus.NOT_STARTED
    assert task_status(deadline, None, 60, D(2024, 10, 1)) == TaskStatus.OVERDUE
    # 30/09 → 15/10 is 15 calendar days
    assert days_late(deadline, None, D(2024, 10, 15)) == 15
    assert days_left(deadline, D(2024, 9, 23)) == 7


def test_due_soon_counts_today_and_the_last_day_of_the_window() -> None:
    today = D(2024, 9, 23)
    assert is_due_soon(D(2024, 9, 23), None, today, within=7)
    assert is_due_soon(D(2024, 9, 30), None, today, within=7)
    assert not is_due_soon(D(2024, 10, 1), None, today, within=7)
    assert not is_due_soon(D(2024, 9, 22), None, today, within=7)  # already overdue
    assert not is_due_soon(D(2024, 9, 25), D(2024, 9, 20), today, within=7)  # done


class WeekdaysOnly:
    """A working-day calendar as the shared one will plug in: Monday–Friday count."""

    def days_between(self, start: datetime.date, end: datetime.date) -> int:
        sign = 1 if end >= start else -1
        a, b = sorted((start, end))
        days = sum(
            1 for i in range(1, (b - a).days + 1) if (a + datetime.timedelta(i)).weekday() < 5
        )
        return sign * days


def test_a_working_day_calendar_plugs_in_without_changing_the_callers() -> None:
    # Friday 27/09/2024 → Monday 30/09/2024: 3 calendar days, 1 working day.
    assert days_left(D(2024, 9, 30), D(2024, 9, 27)) == 3
    assert days_left(D(2024, 9, 30), D(2024, 9, 27), calendar=WeekdaysOnly()) == 1
    assert days_late(D(2024, 9, 27), D(2024, 9, 30), D(2024, 10, 5), calendar=WeekdaysOnly()) == 1


def test_completion_rates_leave_out_tasks_not_yet_due() -> None:
    as_of = D(2024, 10, 31)
    tasks = [
        TaskRecord(1, D(2024, 6, 30), D(2024, 6, 25)),  # on time
        TaskRecord(2, D(2024, 6, 30), D(2024, 7, 5)),  # late
        TaskRecord(3, D(2024, 9, 30), None),  # due, not done
        TaskRecord(4, D(2024, 12, 31), None),  # not yet due: left out
        TaskRecord(5, D(2024, 12, 31), D(2024, 10, 1)),  # done early: counted
        TaskRecord(6, D(2024, 3, 31), D(2024, 11, 20)),  # done after as_of: not done yet
    ]
    result = completion(tasks, as_of)
    assert result.counted == [1, 2, 3, 5, 6]
    assert result.done == [1, 2, 5]
    assert result.on_time == [1, 5]
    assert result.late == [2]
    assert result.not_done == [3, 6]
    assert result.done_rate == Decimal("60.00")  # 3 of 5
    assert result.on_time_rate == Decimal("40.00")  # 2 of 5


def test_rates_round_half_up_to_two_decimals_and_nothing_counted_gives_no_rate() -> None:
    assert rate(2, 3) == Decimal("66.67")
    assert rate(1, 8) == Decimal("12.50")
    assert rate(0, 0) is None
