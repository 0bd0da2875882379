"""Deadline arithmetic for plan tasks: status, days left, days late. No Django import.

Days are counted through a :class:`Calendar`: :data:`CALENDAR_DAYS` counts every day; the
pages, reminders and filters pass the working-day calendar of :mod:`chiso.plans.workdays`
(``PLANS_DEADLINE_DAYS`` chooses). The status itself compares dates: a task is overdue from the
day after its deadline whatever the calendar; the calendar decides how many days are left or
late, and which tasks are "due within N days".
"""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Protocol


class Calendar(Protocol):
    def days_between(self, start: datetime.date, end: datetime.date) -> int:
        """Days from ``start`` to ``end``: positive when ``end`` is later, 0 on the same day."""
        ...


class CalendarDays:
    """Every day counts (weekends and holidays included)."""

    def days_between(self, start: datetime.date, end: datetime.date) -> int:
        return (end - start).days


CALENDAR_DAYS: Calendar = CalendarDays()
DUE_SOON_DAYS = 7


class TaskStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"  # done on or before the deadline
    DONE_LATE = "done_late"
    OVERDUE = "overdue"  # not done and the deadline has passed


def task_status(
    deadline: datetime.date, completed_on: datetime.date | None, progress: int, today: datetime.date
) -> TaskStatus:
    """The status a task has on ``today``. A task completed on its deadline day is on time;
    a task is overdue from the day after its deadline."""
    if completed_on is not None:
        return TaskStatus.DONE if completed_on <= deadline else TaskStatus.DONE_LATE
    if today > deadline:
        return TaskStatus.OVERDUE
    return TaskStatus.IN_PROGRESS if progress > 0 else TaskStatus.NOT_STARTED


def days_left(
    deadline: datetime.date, today: datetime.date, calendar: Calendar = CALENDAR_DAYS
) -> int:
    """Days until the deadline (0 on the day itself, negative once it has passed)."""
    return calendar.days_between(today, deadline)


def days_late(
    deadline: datetime.date,
    completed_on: datetime.date | None,
    today: datetime.date,
    calendar: Calendar = CALENDAR_DAYS,
) -> int:
    """Days past the deadline at completion (or today, when still open); 0 when on time."""
    end = completed_on if completed_on is not None else today
    return max(0, calendar.days_between(deadline, end))


def is_due_soon(
    deadline: datetime.date,
    completed_on: datetime.date | None,
    today: datetime.date,
    within: int = DUE_SOON_DAYS,
    calendar: Calendar = CALENDAR_DAYS,
) -> bool:
    """Open, not yet overdue, and due within ``within`` days from today (today included)."""
    return (
        completed_on is None
        and deadline >= today
        and days_left(deadline, today, calendar) <= within
    )


def last_day_within(
    today: datetime.date, within: int, calendar: Calendar = CALENDAR_DAYS
) -> datetime.date:
    """The last date whose deadline is still "due within ``within`` days" of ``today``: the
    day before the calendar's ``within + 1``-th day after today (with working days, the
    weekend or holiday after the last working day of the window is included). Lets a database
    filter compare dates and still agree with :func:`is_due_soon`."""
    day = today
    # A year of days off in a row does not exist; the bound only guards against a calendar
    # without working days.
    for _ in range(within * 7 + 366):
        following = day + datetime.timedelta(days=1)
        if calendar.days_between(today, following) > within:
            return day
        day = following
    return day
