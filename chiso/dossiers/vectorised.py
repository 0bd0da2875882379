"""The rules of rules.py over whole batches of dossiers at once, with numpy: the fast twin.

rules.py stays the readable reference. This module computes exactly what
:func:`chiso.dossiers.ingest.derive_values` (i.e. :func:`rules.derive`) gives for each dossier:
the same ``late_days`` (a Decimal with two places), the same None/True/False, the same
responsible step and the same used/overrun minutes per step. tests/dossiers/test_vectorised.py
checks it on random dossiers; a rule is changed in rules.py first, then here.

How:

- moments become integers: microseconds of naive local time since 1970-01-01;
- a calendar position is two lookups in :attr:`WorkCalendar.tables` (the working minutes
  before each day, and before each minute of a working day); the clock start, the legal due
  date and ``moment_at`` are lookups and ``np.searchsorted``;
- the pauses, apologies and steps of all dossiers are exploded into flat arrays (steps
  contiguous per dossier, in ``seq`` order) and reduced per dossier with ``np.add.at``,
  ``np.minimum.at`` and segment cumulative sums; a pause and a step of the same dossier meet
  in an exploded pause × step array.

Where rules.py would raise (a moment outside the calendar, a legal due date beyond it) or
where its result depends on something the arrays do not model (two steps with the same
``seq``), the dossier is marked in :attr:`Derived.fallback`; :func:`derive_batch` derives
those with ``derive_values`` itself, which gives the same value or raises the same error.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from chiso.dossiers.rules import FINANCIAL, NOT_RECEIVED, SUPPLEMENT, RuleSettings, StepOutcome
from chiso.dossiers.workcalendar import CalendarTables, WorkCalendar, local

Array = npt.NDArray[Any]
# One dossier as ingest.derive_values takes it: (procedure, raw, pauses, apologies, steps).
Item = tuple[Any, dict[str, Any], Sequence[Sequence[Any]], Sequence[Sequence[Any]], Sequence[Any]]

NA = np.iinfo(np.int64).min  # a missing moment; the identity of a maximum
_LAST = np.iinfo(np.int64).max
US = 1_000_000
MINUTE_US = 60 * US
DAY_US = 86_400 * US
_EPOCH = datetime.datetime(1970, 1, 1)
_EPOCH_DATE = _EPOCH.date()
_ONE_US = datetime.timedelta(microseconds=1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=datetime.UTC)
_OFFSET_US = 7 * 3600 * US
_SINCE_US = (datetime.datetime(1976, 1, 1, tzinfo=datetime.UTC) - _EPOCH_UTC) // _ONE_US
KINDS = {SUPPLEMENT: 0, FINANCIAL: 1}  # any other kind of pause: 2 (counted nowhere)
_OTHER_KIND = 2


def micros(moment: datetime.datetime) -> int:
    """An aware or naive local datetime as microseconds of naive local time since 1970."""
    if moment.tzinfo is None:
        return (moment - _EPOCH) // _ONE_US
    utc = (moment - _EPOCH_UTC) // _ONE_US
    # Việt Nam has kept UTC+7 since 1975; older moments ask the time zone database.
    return utc + _OFFSET_US if utc >= _SINCE_US else (local(moment) - _EPOCH) // _ONE_US


def _micros_or_na(moment: datetime.datetime | None) -> int:
    return NA if moment is None else micros(moment)


@dataclass(frozen=True)
class ProcedureRules:
    """What derivation reads from a procedure, and its legal due date as an offset (R6):
    ``legal_days_us`` for calendar days (``start + timedelta(days=float(limit))``), else
    ``legal_minutes`` working minutes; ``legal_ok`` is false when rules.py could not even
    compute the offset."""

    has_fee: bool
    paper_result: bool
    eligible: bool
    calendar_days: bool
    legal_days_us: int
    legal_minutes: int
    legal_ok: bool

    @classmethod
    def of(cls, procedure: Any, day_minutes: int) -> ProcedureRules:
        limit, unit = procedure.time_limit, procedure.time_unit
        days_us = minutes = 0
        ok = True
        try:  # the very expressions of rules.legal_due
            if unit == "working_hour":
                minutes = int(limit * 60)
            elif unit == "day":
                days_us = datetime.timedelta(days=float(limit)) // _ONE_US
            else:
                minutes = round(float(limit) * day_minutes)
        except (OverflowError, ValueError, ArithmeticError):
            ok = False
        return cls(
            has_fee=bool(procedure.has_fee),
            paper_result=bool(procedure.paper_result),
            eligible=bool(procedure.full_online_eligible),
            calendar_days=unit == "day",
            legal_days_us=days_us,
            legal_minutes=minutes,
            legal_ok=ok,
        )


@dataclass
class Batch:
    """n dossiers as columns, their items as flat arrays. Moments are local microseconds
    (:func:`micros`), ``NA`` when missing. ``procedure`` indexes the procedures list given
    with the batch. Items name their dossier by its index (``*_owner``); steps are
    contiguous per dossier and in ``seq`` order (a stable sort, as derive_values does)."""

    procedure: Array
    status: Array
    channel: Array
    received: Array
    due_initial: Array
    due_at: Array
    finished_at: Array
    returned_at: Array
    fee_positive: Array  # fee_total > 0
    paid_online: Array
    result_channel: Array
    e_result: Array
    digitised: Array
    reused: Array
    pause_owner: Array
    pause_kind: Array  # KINDS
    pause_requested: Array
    pause_completed: Array
    apology_owner: Array
    apology_issued: Array
    apology_new: Array
    step_owner: Array
    step_seq: Array
    step_started: Array
    step_ended: Array
    step_allotted: Array


@dataclass
class Derived:
    """The derived columns of a batch (ingest.DERIVED_FIELDS): ``counted_on`` as days since
    1970, ``late_cents`` the days late × 100, ``responsible_seq`` -1 for None; per step (in the
    batch's step order) ``step_used`` and ``step_overrun``. Rows marked in ``fallback`` hold
    nothing meaningful: derive them with derive_values."""

    counted_on: Array
    is_counted: Array
    settled: Array
    on_time: Array
    on_time_extended: Array
    late_cents: Array
    late_without_apology: Array
    is_eligible: Array
    full_online: Array
    is_fee_bearing: Array
    is_paid_online: Array
    is_paper: Array
    is_e_result: Array
    is_digitised: Array
    is_reused: Array
    responsible_seq: Array
    step_used: Array
    step_overrun: Array
    fallback: Array


class _Clock:
    """Calendar arithmetic on arrays of local microseconds (WorkCalendar's, vectorised)."""

    def __init__(self, tables: CalendarTables):
        self.t = tables

    def day(self, moment: Array) -> tuple[Array, Array]:
        """The calendar's day numbers of ``moment`` and whether they are outside it (where
        ``WorkCalendar._check`` raises)."""
        d = moment // DAY_US - self.t.first_day
        outside = (d < 0) | (d >= len(self.t.day_start))
        return np.where(outside, 0, d), outside

    def position(self, moment: Array) -> tuple[Array, Array]:
        """``WorkCalendar.position`` of each moment, and where it would raise."""
        d, outside = self.day(moment)
        within = self.t.minute_within[(moment // MINUTE_US) % 1440]
        return self.t.day_start[d] + np.where(self.t.day_working[d], within, 0), outside

    def clock_start(self, received: Array) -> tuple[Array, Array]:
        """``WorkCalendar.clock_start``, and where it would raise (or rules could not follow:
        a receipt before the calendar)."""
        d, outside = self.day(received)
        since_midnight = received - (d + self.t.first_day) * DAY_US
        working = self.t.day_working[d]
        before_opening = working & (since_midnight < self.t.opening_us)
        in_time = working & ~before_opening & (since_midnight <= self.t.cutoff_us)
        following = self.t.next_working[d]
        opening = np.where(before_opening, d, following) + self.t.first_day
        start = np.where(in_time, received, opening * DAY_US + self.t.opening_us)
        return start, outside | (~in_time & ~before_opening & (following < 0))

    def moment_at(self, position: Array) -> tuple[Array, Array]:
        """``WorkCalendar.moment_at`` (positions ≥ 1), and where it would raise."""
        i = np.maximum(0, np.searchsorted(self.t.cum, position, side="left") - 1)
        rest = position - self.t.cum[i]
        beyond = rest > self.t.day_minutes
        minute = self.t.rest_minute[np.where(beyond, 0, rest)]
        day = self.t.work_day[i] + self.t.first_day
        return day * DAY_US + minute * MINUTE_US, beyond


def _flag(fallback: Array, owners: Array, bad: Array) -> None:
    fallback[owners[bad]] = True


def _segment_cumsum(values: Array, first: Array) -> Array:
    """Cumulative sums restarting at each group; ``first[i]`` is the index of the first
    element of i's group."""
    total = np.cumsum(values)
    return total - (total - values)[first]


def derive_columns(
    calendar: WorkCalendar,
    settings: RuleSettings,
    as_of: datetime.datetime,
    batch: Batch,
    procedures: Sequence[ProcedureRules],
) -> Derived:
    """Every derived column of ``batch`` measured at ``as_of`` (rules.derive, R1–R15, S1–S2)."""
    clock = _Clock(calendar.tables)
    b = batch
    n = len(b.status)
    now = micros(as_of)
    fallback = np.zeros(n, dtype=np.bool_)
    proc = b.procedure
    has_fee = np.array([p.has_fee for p in procedures], dtype=np.bool_)[proc]
    paper = np.array([p.paper_result for p in procedures], dtype=np.bool_)[proc]
    eligible = np.array([p.eligible for p in procedures], dtype=np.bool_)[proc]

    end = _end_time(b, n)
    # R2: open, or ending after the measurement, is measured at as_of and not settled.
    open_ = (end == NA) | (end > now)
    settled = ~open_
    end = np.where(open_, now, end)

    start, bad = clock.clock_start(b.received)
    fallback |= bad
    pos_start, bad = clock.position(start)
    fallback |= bad
    pos_end, bad = clock.position(end)
    fallback |= bad

    # R5: completed pauses of the subtracted kinds, clipped to [start, end].
    kinds = b.pause_kind == KINDS[SUPPLEMENT]
    if settings.subtract_financial_wait:
        kinds |= b.pause_kind == KINDS[FINANCIAL]
    counted = kinds & (b.pause_completed != NA)
    owner = b.pause_owner[counted]
    pa, bad_a = clock.position(np.maximum(b.pause_requested[counted], start[owner]))
    pb, bad_b = clock.position(np.minimum(b.pause_completed[counted], end[owner]))
    _flag(fallback, owner, bad_a | bad_b)
    paused = np.zeros(n, dtype=np.int64)
    np.add.at(paused, owner, np.maximum(0, pb - pa))
    elapsed = np.maximum(0, pos_end - pos_start) - paused

    original, pos_original, pos_extended = _due_dates(
        clock, b, procedures, start, pos_start, fallback
    )
    allowed = np.maximum(0, pos_original - pos_start)
    allowed_ext = np.maximum(0, pos_extended - pos_start)

    # R4: more than one supplement request is late whatever the time.
    supplements = np.bincount(b.pause_owner[b.pause_kind == KINDS[SUPPLEMENT]], minlength=n)
    forced_late = (supplements > 1) if settings.multiple_supplements_late else np.zeros(n, bool)
    on_time = (elapsed <= allowed) & ~forced_late
    on_time_ext = (elapsed <= allowed_ext) & ~forced_late
    late = ~on_time
    # R8: ROUND_HALF_UP of (elapsed − allowed) / day_minutes to hundredths, in integers.
    late_minutes = np.where(late, np.maximum(0, elapsed - allowed), 0)
    cents, rest = np.divmod(late_minutes * 100, calendar.day_minutes)
    cents += 2 * rest >= calendar.day_minutes
    # R14: an apology issued by the original due date.
    apologised = np.zeros(n, dtype=np.bool_)
    apologised[b.apology_owner[b.apology_issued <= original[b.apology_owner]]] = True

    fee_bearing = has_fee & b.fee_positive
    paid = (b.paid_online == 1) | (b.paid_online == 2)
    online = b.channel == 2
    full_online = online & ((b.result_channel == 2) | (b.result_channel == 3))
    full_online &= paid | ~fee_bearing

    used, overrun, responsible = _steps(clock, b, n, now, fallback)
    return Derived(
        counted_on=b.received // DAY_US,
        is_counted=b.status != NOT_RECEIVED,
        settled=settled,
        on_time=on_time,
        on_time_extended=on_time_ext,
        late_cents=cents,
        late_without_apology=late & ~apologised,
        is_eligible=eligible,
        full_online=eligible & full_online,
        is_fee_bearing=fee_bearing,
        is_paid_online=fee_bearing & paid,
        is_paper=paper,
        is_e_result=paper & b.e_result,
        is_digitised=b.digitised & (b.e_result | ~paper),
        is_reused=b.reused,
        responsible_seq=np.where(late, responsible, -1),
        step_used=used,
        step_overrun=overrun,
        fallback=fallback,
    )


def _end_time(b: Batch, n: int) -> Array:
    """rules.end_time (R1/R3): finished, else returned, else the earliest pending supplement
    request; NA while open."""
    pending = (b.pause_kind == KINDS[SUPPLEMENT]) & (b.pause_completed == NA)
    first_pending = np.full(n, _LAST, dtype=np.int64)
    np.minimum.at(first_pending, b.pause_owner[pending], b.pause_requested[pending])
    end = np.where(b.finished_at != NA, b.finished_at, b.returned_at)
    return np.where((end == NA) & (first_pending != _LAST), first_pending, end)


def _due_dates(
    clock: _Clock,
    b: Batch,
    procedures: Sequence[ProcedureRules],
    start: Array,
    pos_start: Array,
    fallback: Array,
) -> tuple[Array, Array, Array]:
    """R6/R7: the original due date (or the legal one), and the positions of the original and
    the extended one (apologies move only the latter); marks ``fallback`` where rules.py
    would raise."""
    n = len(b.status)
    original = np.where(b.due_initial != NA, b.due_initial, b.due_at)
    legal = np.flatnonzero(original == NA)
    if len(legal):
        original[legal] = _legal_due(
            clock, procedures, b.procedure[legal], start[legal], pos_start[legal]
        )
        fallback[legal[original[legal] == NA]] = True
    latest_new = np.full(n, NA, dtype=np.int64)
    np.maximum.at(latest_new, b.apology_owner, b.apology_new)
    extended = np.maximum(np.where(b.due_at != NA, b.due_at, original), original)
    extended = np.maximum(extended, latest_new)
    pos_original, bad = clock.position(original)
    fallback |= bad
    pos_extended, bad = clock.position(extended)
    fallback |= bad
    return original, pos_original, pos_extended


# openclock's thresholds (its module docstring proves them): forced late, always on time.
NEVER = -1
ALWAYS = 2**31 - 1


@dataclass
class OpenLimits:
    """openclock.limits and late_from over a batch: ``deadline``/``deadline_extended`` the
    last position within each deadline (NEVER, ALWAYS), ``late_from``/``late_from_extended``
    the first day late as days since 1970 (``None``-free: -1 for date.min, ``_LAST`` for
    date.max), ``exact`` where subtracted pauses overlap (no threshold: NEVER, derived at the
    period's end), ``fallback`` where the arrays cannot follow the rules (use openclock)."""

    deadline: Array
    deadline_extended: Array
    late_from: Array
    late_from_extended: Array
    exact: Array
    fallback: Array


def open_limits(
    calendar: WorkCalendar,
    settings: RuleSettings,
    batch: Batch,
    procedures: Sequence[ProcedureRules],
) -> OpenLimits:
    """openclock.limits(…) and openclock.late_from(…) of every dossier of ``batch``, exactly;
    tests/dossiers/test_openclock.py compares the rows with openclock's."""
    clock = _Clock(calendar.tables)
    b = batch
    n = len(b.status)
    fallback = np.zeros(n, dtype=np.bool_)
    start, bad = clock.clock_start(b.received)
    fallback |= bad
    s, bad = clock.position(start)
    fallback |= bad
    _original, pos_original, pos_extended = _due_dates(clock, b, procedures, start, s, fallback)
    end = _end_time(b, n)
    has_end = end != NA
    stop, bad = clock.position(np.where(has_end, end, b.received))
    fallback |= bad & has_end

    # The subtracted, completed pauses as spans (max(p(requested), s), p(completed)), c > r,
    # sorted by r within each dossier.
    kinds = b.pause_kind == KINDS[SUPPLEMENT]
    if settings.subtract_financial_wait:
        kinds |= b.pause_kind == KINDS[FINANCIAL]
    counted = np.flatnonzero(kinds & (b.pause_completed != NA))
    owner = b.pause_owner[counted]
    r, bad_r = clock.position(b.pause_requested[counted])
    c, bad_c = clock.position(b.pause_completed[counted])
    _flag(fallback, owner, bad_r | bad_c)
    r = np.maximum(r, s[owner])
    keep = c > r
    owner, r, c = owner[keep], r[keep], c[keep]
    order = np.lexsort((r, owner))
    owner, r, c = owner[order], r[order], c[order]
    same = owner[1:] == owner[:-1]
    exact = np.zeros(n, dtype=np.bool_)
    exact[owner[1:][same & (r[1:] < c[:-1])]] = True
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner, side="left")

    def limit(due: Array) -> Array:  # openclock.limit, one round per span rank
        budget = np.maximum(0, due - s)
        at = s.copy()
        done = np.zeros(n, dtype=np.bool_)
        for k in range(int(rank.max(initial=-1)) + 1):
            here = rank == k
            o, rk, ck = owner[here], r[here], c[here]
            live = ~done[o]
            o, rk, ck = o[live], rk[live], ck[live]
            short = at[o] + budget[o] < rk
            done[o[short]] = True
            o, rk, ck = o[~short], rk[~short], ck[~short]
            budget[o] -= rk - at[o]
            at[o] = ck
        t = at + budget
        return np.where(has_end & (stop <= t), ALWAYS, t)

    supplements = np.bincount(b.pause_owner[b.pause_kind == KINDS[SUPPLEMENT]], minlength=n)
    forced = (supplements > 1) if settings.multiple_supplements_late else np.zeros(n, bool)
    exact &= ~forced
    never = forced | exact

    def first_late_day(t: Array) -> Array:  # openclock.late_from, as days since 1970
        moment, beyond = clock.moment_at(np.where(t >= 0, t + 1, 1))
        day = np.where(beyond, _LAST, moment // DAY_US)
        return np.where(t < 0, -1, np.where(t == ALWAYS, _LAST, day))

    deadline = np.where(never, NEVER, limit(pos_original))
    deadline_extended = np.where(never, NEVER, limit(pos_extended))
    return OpenLimits(
        deadline=deadline,
        deadline_extended=deadline_extended,
        late_from=first_late_day(deadline),
        late_from_extended=first_late_day(deadline_extended),
        exact=exact,
        fallback=fallback,
    )


def _legal_due(
    clock: _Clock,
    procedures: Sequence[ProcedureRules],
    proc: Array,
    start: Array,
    pos_start: Array,
) -> Array:
    """rules.legal_due for dossiers without any due date; NA where rules.py would raise."""
    calendar_days = np.array([p.calendar_days for p in procedures], dtype=np.bool_)[proc]
    days_us = np.array([p.legal_days_us for p in procedures], dtype=np.int64)[proc]
    minutes = np.array([p.legal_minutes for p in procedures], dtype=np.int64)[proc]
    ok = np.array([p.legal_ok for p in procedures], dtype=np.bool_)[proc]
    # add_working_minutes: a limit of zero or less leaves the start as it is.
    at, beyond = clock.moment_at(pos_start + np.maximum(minutes, 1))
    due = np.where(minutes > 0, at, start)
    due = np.where(calendar_days, start + days_us, due)
    return np.where(ok & ~(beyond & (minutes > 0) & ~calendar_days), due, NA)


def _steps(
    clock: _Clock, b: Batch, n: int, now: int, fallback: Array
) -> tuple[Array, Array, Array]:
    """S1 (used and overrun minutes per step) and S2 (the responsible seq per dossier, -1)."""
    owner = b.step_owner
    count = len(owner)
    end = np.where(b.step_ended != NA, b.step_ended, now)
    ps, bad_s = clock.position(b.step_started)
    pe, bad_e = clock.position(end)
    _flag(fallback, owner, bad_s | bad_e)
    worked = np.maximum(0, pe - ps)
    # Every completed pause of either kind against every step of its dossier.
    waits = (b.pause_kind != _OTHER_KIND) & (b.pause_completed != NA)
    starts = np.searchsorted(owner, np.arange(n), side="left")
    sizes = np.searchsorted(owner, np.arange(n), side="right") - starts
    pause_index = np.flatnonzero(waits)
    pause_owner = b.pause_owner[pause_index]
    repeat = sizes[pause_owner]
    pair_pause = np.repeat(pause_index, repeat)
    offsets = np.cumsum(repeat) - repeat
    within = np.arange(len(pair_pause)) - np.repeat(offsets, repeat)
    pair_step = np.repeat(starts[pause_owner], repeat) + within
    pa, bad_a = clock.position(np.maximum(b.pause_requested[pair_pause], b.step_started[pair_step]))
    pb, bad_b = clock.position(np.minimum(b.pause_completed[pair_pause], end[pair_step]))
    _flag(fallback, owner[pair_step], bad_a | bad_b)
    paused = np.zeros(count, dtype=np.int64)
    np.add.at(paused, pair_step, np.maximum(0, pb - pa))
    used = np.maximum(0, worked - paused)
    overrun = np.maximum(0, used - b.step_allotted)

    index = np.arange(count)
    new_group = np.ones(count, dtype=np.bool_)
    new_group[1:] = owner[1:] != owner[:-1]
    # responsible_step keys the allotted times by seq: a repeated seq is left to rules.py, and
    # so is a negative one (-1 stands for "none" here).
    _flag(fallback, owner, (~new_group & (np.diff(b.step_seq, prepend=-1) == 0)) | (b.step_seq < 0))
    first = np.maximum.accumulate(np.where(new_group, index, 0))
    over_budget = _segment_cumsum(used, first) > _segment_cumsum(b.step_allotted, first)
    culprit = over_budget & (overrun > 0)
    first_culprit = np.full(n, count, dtype=np.int64)
    np.minimum.at(first_culprit, owner[culprit], index[culprit])
    worst = np.zeros(n, dtype=np.int64)
    np.maximum.at(worst, owner, overrun)
    is_worst = (overrun > 0) & (overrun == worst[owner])
    first_worst = np.full(n, count, dtype=np.int64)
    np.minimum.at(first_worst, owner[is_worst], index[is_worst])
    chosen = np.where(first_culprit < count, first_culprit, first_worst)
    seqs = np.append(b.step_seq, -1)
    return used, overrun, seqs[np.minimum(chosen, count)]


# -- the item interface of ingest.derive_values ------------------------------------------------


def _batch(items: Sequence[Item], day_minutes: int) -> tuple[Batch, list[ProcedureRules]]:
    """The columns of ``items`` and the rules of their procedures."""
    known: dict[int, int] = {}
    procedures: list[ProcedureRules] = []
    rows: list[tuple[Any, ...]] = []
    pause_rows: list[tuple[int, int, int, int]] = []
    apology_rows: list[tuple[int, int, int]] = []
    step_rows: list[tuple[int, int, int, int, int]] = []
    for i, (procedure, raw, pauses, apologies, steps) in enumerate(items):
        key = id(procedure)
        if key not in known:
            known[key] = len(procedures)
            procedures.append(ProcedureRules.of(procedure, day_minutes))
        rows.append(
            (
                known[key],
                raw["status"],
                raw["channel"],
                micros(raw["received_at"]),
                _micros_or_na(raw["due_initial"]),
                _micros_or_na(raw["due_at"]),
                _micros_or_na(raw["finished_at"]),
                _micros_or_na(raw["returned_at"]),
                raw["fee_total"] > 0,
                raw["paid_online"],
                raw["result_channel"],
                raw["e_result"],
                raw["digitised"],
                raw["reused_data"],
            )
        )
        pause_rows += (
            (i, KINDS.get(p[0], _OTHER_KIND), micros(p[1]), _micros_or_na(p[2])) for p in pauses
        )
        apology_rows += ((i, micros(a[0]), micros(a[1])) for a in apologies)
        step_rows += (
            (i, s[0], micros(s[1]), _micros_or_na(s[2]), s[3])
            for s in sorted(steps, key=itemgetter(0))
        )
    d = _columns(rows, 14)
    p = _columns(pause_rows, 4)
    a = _columns(apology_rows, 3)
    s = _columns(step_rows, 5)
    batch = Batch(
        procedure=d[0],
        status=d[1],
        channel=d[2],
        received=d[3],
        due_initial=d[4],
        due_at=d[5],
        finished_at=d[6],
        returned_at=d[7],
        fee_positive=d[8].astype(np.bool_),
        paid_online=d[9],
        result_channel=d[10],
        e_result=d[11].astype(np.bool_),
        digitised=d[12].astype(np.bool_),
        reused=d[13].astype(np.bool_),
        pause_owner=p[0],
        pause_kind=p[1],
        pause_requested=p[2],
        pause_completed=p[3],
        apology_owner=a[0],
        apology_issued=a[1],
        apology_new=a[2],
        step_owner=s[0],
        step_seq=s[1],
        step_started=s[2],
        step_ended=s[3],
        step_allotted=s[4],
    )
    return batch, procedures


def _columns(rows: list[tuple[Any, ...]], width: int) -> list[Array]:
    """Tuples of integers (and booleans) as ``width`` int64 columns."""
    table = np.array(rows, dtype=np.int64).reshape(len(rows), width)
    return [table[:, k] for k in range(width)]


_DAYS: dict[int, datetime.date] = {}
_CENTS: dict[int, Decimal] = {}


def _day(number: int) -> datetime.date:
    found = _DAYS.get(number)
    if found is None:
        found = _DAYS[number] = _EPOCH_DATE + datetime.timedelta(days=number)
    return found


def days_from_cents(cents: int) -> Decimal:
    """Days late from hundredths, as rules._to_days gives them (a Decimal with two places)."""
    found = _CENTS.get(cents)
    if found is None:
        found = _CENTS[cents] = Decimal(cents).scaleb(-2)  # two places, as _to_days quantizes
    return found


def derive_batch(
    calendar: WorkCalendar,
    settings: RuleSettings,
    as_of: datetime.datetime,
    items: Sequence[Item],
) -> list[tuple[dict[str, Any], tuple[StepOutcome, ...]]]:
    """``[derive_values(calendar, settings, as_of, *item) for item in items]``, vectorised.

    Each item is ``(procedure, raw, pauses, apologies, steps)`` exactly as derive_values takes
    them; the result is the same list of (derived fields, step outcomes in ``seq`` order).
    Raises what derive_values raises (a moment outside the calendar)."""
    from chiso.dossiers.ingest import derive_values  # ingest calls this module

    items = list(items)
    batch, procedures = _batch(items, calendar.day_minutes)
    out = derive_columns(calendar, settings, as_of, batch, procedures)
    columns = (
        out.is_counted,
        out.settled,
        out.on_time,
        out.on_time_extended,
        out.late_cents,
        out.late_without_apology,
        out.is_eligible,
        out.full_online,
        out.is_fee_bearing,
        out.is_paid_online,
        out.is_paper,
        out.is_e_result,
        out.is_digitised,
        out.is_reused,
        out.responsible_seq,
        out.counted_on,
        out.fallback,
    )
    step_seq = batch.step_seq.tolist()
    step_used = out.step_used.tolist()
    step_overrun = out.step_overrun.tolist()
    step_starts = np.searchsorted(batch.step_owner, np.arange(len(items) + 1)).tolist()
    results: list[tuple[dict[str, Any], tuple[StepOutcome, ...]]] = []
    for i, row in enumerate(zip(*(c.tolist() for c in columns), strict=True)):
        if row[-1]:
            results.append(derive_values(calendar, settings, as_of, *items[i]))
            continue
        derived = {
            "counted_on": _day(row[15]),
            "is_counted": row[0],
            "settled": row[1],
            "on_time": row[2],
            "on_time_extended": row[3],
            "late_days": days_from_cents(row[4]),
            "late_without_apology": row[5],
            "is_eligible": row[6],
            "full_online": row[7],
            "is_fee_bearing": row[8],
            "is_paid_online": row[9],
            "is_paper": row[10],
            "is_e_result": row[11],
            "is_digitised": row[12],
            "is_reused": row[13],
            "responsible_seq": None if row[14] < 0 else row[14],
        }
        steps = tuple(
            StepOutcome(step_seq[k], step_used[k], step_overrun[k])
            for k in range(step_starts[i], step_starts[i + 1])
        )
        results.append((derived, steps))
    return results
