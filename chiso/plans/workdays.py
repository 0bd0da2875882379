"""Plan deadlines counted in working days: the dossiers app's working calendar as a
:class:`chiso.plans.deadlines.Calendar`.

Which count applies is the setting ``PLANS_DEADLINE_DAYS``: ``"working"`` (the default) or
``"calendar"``. Time limits of administrative work are set in working days ("ngày làm việc",
e.g. Decree 61/2018/NĐ-CP for dossiers), and the plan itself only names a date, so "due within
7 days" is read as 7 working days; a province that counts calendar days sets ``"calendar"``.
Weekends, public holidays (Tết and the other lunar ones) and announced day swaps come from
:func:`chiso.dossiers.conf.current_calendar`, so plans and dossiers never disagree on a day off.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from chiso.dossiers.conf import current_calendar
from chiso.dossiers.workcalendar import WorkCalendar
from chiso.plans.deadlines import CALENDAR_DAYS, Calendar


class WorkingDays:
    """Working days of a :class:`WorkCalendar`: ``days_between(start, end)`` is the number of
    working days after ``start`` up to and including ``end`` (negative when ``end`` is
    earlier). Friday → Monday is 1; a deadline on a day off is reached with the last working
    day before it. Outside the calendar's years every day counts."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar

    def _before(self, day: datetime.date) -> int:
        """Working days strictly before ``day`` since the calendar's start."""
        midnight = datetime.datetime.combine(day, datetime.time())
        return self.calendar.position(midnight) // self.calendar.day_minutes

    def days_between(self, start: datetime.date, end: datetime.date) -> int:
        one = datetime.timedelta(days=1)
        try:
            return self._before(end + one) - self._before(start + one)
        except ValueError:  # beyond the years the calendar knows
            return CALENDAR_DAYS.days_between(start, end)


def counts_working_days() -> bool:
    return getattr(settings, "PLANS_DEADLINE_DAYS", "working") != "calendar"


def plans_calendar() -> Calendar:
    """The calendar the plans app counts deadlines with (``PLANS_DEADLINE_DAYS``)."""
    return WorkingDays(current_calendar()) if counts_working_days() else CALENDAR_DAYS
