"""The working calendar: which days and hours the one-stop clock runs, and arithmetic on it.

Pure functions and one immutable :class:`WorkCalendar`; no database access. The database part
(announced day swaps, extra holidays) lives in :mod:`chiso.dossiers.models` (``CalendarDay``)
and reaches this module through :func:`chiso.dossiers.workcalendar_store.current_calendar`.

Rules and sources:
- Public holidays, including the lunar ones (Tết, Giỗ Tổ Hùng Vương), come from the ``holidays``
  package (``holidays.VN``), which follows the Labour Code 2019, art. 112, and the government's
  yearly Tết schedule; it also lists the *days off* of announced swaps, each named "Day off
  (substituted from MM/DD/YYYY)" after the Saturday *worked* in exchange (làm bù), which
  :data:`ANNOUNCED_SWAPS` reads from those names.
- Saturdays and Sundays are days off (the 40-hour week of civil servants, Decision
  188/1999/QĐ-TTg).
- Office hours default to 07:30–11:30 and 13:00–17:00 (8 hours, Decision 188/1999/QĐ-TTg says
  8 hours a day; the split is set by each province: ``DOSSIERS_OFFICE_HOURS``).
- A dossier received after the cut-off (``DOSSIERS_RECEIPT_CUTOFF``) or on a day off counts
  from the start of the next working day (dossier-schema.md, ``work_calendar``, [L3]).

All datetimes here are *naive local times* (Asia/Ho_Chi_Minh); callers convert at the edge
(:func:`local`). Working time is counted in whole minutes so that sums are exact.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays
import numpy as np
import numpy.typing as npt

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_YEAR = 2015
LAST_YEAR = 2035

Session = tuple[datetime.time, datetime.time]
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def _worked_in_exchange() -> tuple[tuple[datetime.date, bool], ...]:
    """The Saturdays worked in exchange for a bridge day off (làm bù), as the government
    announced them (e.g. Saturday 04/05/2024 for Monday 29/04/2024 off): ``holidays.VN`` names
    the day off of each swap "Day off (substituted from 05/04/2024)" in its English names."""
    public = holidays.country_holidays(
        "VN", years=range(FIRST_YEAR, LAST_YEAR + 1), language="en_US"
    )
    worked = set()
    for name in public.values():
        for found in _SUBSTITUTED.finditer(name):
            day = datetime.date(int(found[3]), int(found[1]), int(found[2]))
            if FIRST_YEAR <= day.year <= LAST_YEAR:
                worked.add(day)
    return tuple((day, True) for day in sorted(worked))


# Shipped with the code, so every installation has them; ``CalendarDay`` rows add or override
# days locally (a swap the package does not know yet).
ANNOUNCED_SWAPS: tuple[tuple[datetime.date, bool], ...] = _worked_in_exchange()

DEFAULT_SESSIONS: tuple[Session, ...] = (
    (datetime.time(7, 30), datetime.time(11, 30)),
    (datetime.time(13, 0), datetime.time(17, 0)),
)


_LOCAL: dict[datetime.datetime, datetime.datetime] = {}


def local(moment: datetime.datetime) -> datetime.datetime:
    """An aware datetime as naive local time; a naive one is taken as local already."""
    if moment.tzinfo is None:
        return moment
    # Memoised: ingest and recompute convert the same moments over and over, and equal aware
    # moments are the same instant, hence the same local time (no DST in Việt Nam since 1975).
    found = _LOCAL.get(moment)
    if found is None:
        if len(_LOCAL) >= 200_000:
            _LOCAL.clear()
        found = _LOCAL[moment] = moment.astimezone(LOCAL_ZONE).replace(tzinfo=None)
    return found


def aware(moment: datetime.datetime) -> datetime.datetime:
    """A naive local time as an aware datetime."""
    return moment.replace(tzinfo=LOCAL_ZONE) if moment.tzinfo is None else moment


def _minutes(t: datetime.time) -> int:
    return t.hour * 60 + t.minute


def _micros(t: datetime.time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


@dataclass(frozen=True)
class CalendarTables:
    """A :class:`WorkCalendar` as numpy arrays, for the vectorised rules (vectorised.py).

    Days are numbered from ``first_day`` (FIRST_YEAR-01-01, in days since 1970-01-01) to the
    end of LAST_YEAR. ``day_start[d]`` and ``day_working[d]`` are :meth:`WorkCalendar.position`'s
    table; ``minute_within[m]`` the working minutes of a working day before minute ``m`` of
    it; ``cum``/``work_day`` the working days (position at their start, day number);
    ``next_working[d]`` the first working day after ``d`` (-1 when none);
    ``rest_minute[r]`` the minute of the day at which :meth:`WorkCalendar.moment_at` lands
    ``r`` working minutes into a working day (1 ≤ r ≤ day_minutes); ``opening_us`` and
    ``cutoff_us`` the opening and the receipt cut-off in microseconds after midnight."""

    first_day: int
    day_start: npt.NDArray[np.int64]
    day_working: npt.NDArray[np.bool_]
    minute_within: npt.NDArray[np.int64]
    cum: npt.NDArray[np.int64]
    work_day: npt.NDArray[np.int64]
    next_working: npt.NDArray[np.int64]
    rest_minute: npt.NDArray[np.int64]
    opening_us: int
    cutoff_us: int
    day_minutes: int


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and office hours between ``FIRST_YEAR`` and ``LAST_YEAR``.

    ``extra_working`` are days worked although a weekend or holiday (làm bù); ``extra_off`` are
    days off although a weekday (nghỉ bù, or holidays ``holidays`` does not know).
    """

    extra_working: frozenset[datetime.date] = frozenset()
    extra_off: frozenset[datetime.date] = frozenset()
    sessions: tuple[Session, ...] = DEFAULT_SESSIONS
    cutoff: datetime.time | None = None
    _days: list[datetime.date] = field(default_factory=list, repr=False, compare=False)
    _cum: list[int] = field(default_factory=list, repr=False, compare=False)
    # Precomputed for position(), the hot path of every derivation: per calendar day, the
    # working minutes before it and whether it is worked; per minute of a day, the working
    # minutes of a working day before it.
    _day_start: dict[datetime.date, tuple[int, bool]] = field(
        default_factory=dict, repr=False, compare=False
    )
    _minute_within: list[int] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        public = holidays.country_holidays("VN", years=range(FIRST_YEAR, LAST_YEAR + 1))
        day = datetime.date(FIRST_YEAR, 1, 1)
        last = datetime.date(LAST_YEAR, 12, 31)
        total = 0
        while day <= last:
            working = day.weekday() < 5 and day not in public
            if day in self.extra_working:
                working = True
            elif day in self.extra_off:
                working = False
            # A day off starts where the next working day does: everything before it counted.
            self._day_start[day] = (total, working)
            if working:
                self._days.append(day)
                self._cum.append(total)
                total += self.day_minutes
            day += datetime.timedelta(days=1)
        self._minute_within.extend(
            sum(max(0, min(m, _minutes(b)) - _minutes(a)) for a, b in self.sessions)
            for m in range(24 * 60)
        )

    @property
    def day_minutes(self) -> int:
        return sum(_minutes(b) - _minutes(a) for a, b in self.sessions)

    def is_working_day(self, day: datetime.date) -> bool:
        start = self._day_start.get(day)
        return start is not None and start[1]

    def _check(self, moment: datetime.datetime) -> None:
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise ValueError(
                f"{moment:%d/%m/%Y} is outside the calendar ({FIRST_YEAR}–{LAST_YEAR})"
            )

    def position(self, moment: datetime.datetime) -> int:
        """Working minutes from the calendar's start to ``moment`` (naive local time)."""
        self._check(moment)
        start, working = self._day_start[moment.date()]
        if working:
            return start + self._minute_within[moment.hour * 60 + moment.minute]
        return start  # a day off: everything before it has been counted

    def working_minutes(self, start: datetime.datetime, end: datetime.datetime) -> int:
        """Working minutes between two moments; 0 when ``end`` is not after ``start``."""
        return max(0, self.position(end) - self.position(start))

    def moment_at(self, position: int) -> datetime.datetime:
        """The earliest moment at which ``position`` working minutes have elapsed; landing on
        the end of a session gives that end (a 1-day limit from 07:30 ends at 17:00, not at
        07:30 the next day)."""
        # The last day whose counting starts before ``position``: a position equal to the start
        # of day k is the end of day k-1.
        i = max(0, bisect.bisect_left(self._cum, position) - 1)
        rest = position - self._cum[i]
        for a, b in self.sessions:
            length = _minutes(b) - _minutes(a)
            if rest <= length:
                m = _minutes(a) + rest
                return datetime.datetime.combine(self._days[i], datetime.time(m // 60, m % 60))
            rest -= length
        raise ValueError("position beyond the calendar")

    def add_working_minutes(self, start: datetime.datetime, minutes: int) -> datetime.datetime:
        if minutes <= 0:
            return start
        return self.moment_at(self.position(start) + minutes)

    def add_working_days(self, start: datetime.datetime, days: float) -> datetime.datetime:
        return self.add_working_minutes(start, round(days * self.day_minutes))

    def clock_start(self, received: datetime.datetime) -> datetime.datetime:
        """When the clock of a dossier received at ``received`` starts: the receipt itself on a
        working day before the cut-off, else the opening of the next working day."""
        day = received.date()
        opening = self.sessions[0][0]
        if self.is_working_day(day):
            if received.time() < opening:
                return datetime.datetime.combine(day, opening)
            # Without a configured cut-off, the close of the office is the cut-off.
            cutoff = self.cutoff or self.sessions[-1][1]
            if received.time() <= cutoff:
                return received
        i = bisect.bisect_right(self._days, day)
        if i >= len(self._days):
            raise ValueError(f"{received:%d/%m/%Y} is outside the calendar")
        return datetime.datetime.combine(self._days[i], opening)

    def working_days(self, start: datetime.datetime, end: datetime.datetime) -> float:
        """Working time between two moments in working days (8 hours = 1 day by default)."""
        return self.working_minutes(start, end) / self.day_minutes

    @cached_property
    def tables(self) -> CalendarTables:
        """The same calendar as arrays (:class:`CalendarTables`), built once per calendar."""
        first = datetime.date(FIRST_YEAR, 1, 1)
        days = sorted(self._day_start)
        starts = [self._day_start[d] for d in days]
        working = np.array([w for _s, w in starts], dtype=np.bool_)
        work_day = np.flatnonzero(working).astype(np.int64)
        following = np.searchsorted(work_day, np.arange(len(days)), side="right")
        padded = np.append(work_day, -1)
        rest_minute = [_minutes(self.sessions[0][0])]
        for a, b in self.sessions:
            rest_minute += range(_minutes(a) + 1, _minutes(b) + 1)
        return CalendarTables(
            first_day=(first - datetime.date(1970, 1, 1)).days,
            day_start=np.array([s for s, _w in starts], dtype=np.int64),
            day_working=working,
            minute_within=np.array(self._minute_within, dtype=np.int64),
            cum=np.array(self._cum, dtype=np.int64),
            work_day=work_day,
            next_working=padded[following],
            rest_minute=np.array(rest_minute, dtype=np.int64),
            opening_us=_micros(self.sessions[0][0]),
            cutoff_us=_micros(self.cutoff or self.sessions[-1][1]),
            day_minutes=self.day_minutes,
        )


def build_calendar(
    swaps: Iterable[tuple[datetime.date, bool]] = (),
    *,
    sessions: tuple[Session, ...] = DEFAULT_SESSIONS,
    cutoff: datetime.time | None = None,
) -> WorkCalendar:
    """A calendar from ``(day, is_working)`` rows (the ``CalendarDay`` table)."""
    rows = list(swaps)
    return WorkCalendar(
        extra_working=frozenset(d for d, working in rows if working),
        extra_off=frozenset(d for d, working in rows if not working),
        sessions=sessions,
        cutoff=cutoff,
    )


def parse_sessions(text: str) -> tuple[Session, ...]:
    """``"07:30-11:30,13:00-17:00"`` as sessions (the ``DOSSIERS_OFFICE_HOURS`` setting)."""
    sessions: list[Session] = []
    for part in text.split(","):
        a, b = (datetime.time.fromisoformat(x.strip()) for x in part.split("-"))
        if b <= a or (sessions and a < sessions[-1][1]):
            raise ValueError(f"office hours must be increasing: {text!r}")
        sessions.append((a, b))
    return tuple(sessions)
