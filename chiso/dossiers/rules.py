"""Every rule that turns a dossier's raw fields into what is counted, in one place.

Pure functions over :class:`DossierInput` (naive local datetimes, see workcalendar.py); no
database. Sources: [Q5] the national portal's formula description quoted in
service-index-766.md §2 (group 2 and groups 3–5), dossier-schema.md §4 for step attribution.
Where sources disagree or are silent, the choice is a :class:`RuleSettings` field whose default
is the portal's behaviour (read from Django settings by ``chiso.dossiers.conf``).

This module is the readable reference. :mod:`chiso.dossiers.vectorised` is its fast twin (the
same rules over whole batches with numpy, used by the recompute) and must give exactly the
same values; tests/dossiers/test_vectorised.py checks it. Change a rule here first, then there.

R1  End time = the first terminal moment: ``finished_at`` (NgayKetThucXuLy: processed 9,
    returned 10, withdrawn 7, stopped 8), else ``returned_at`` (NgayTra) [Q5].
R2  Not finished ⇒ measured at ``as_of`` (the end of the period, or now if earlier); such an
    outcome is not *settled* and rollups do not count it [Q5].
R3  A supplement request still pending ⇒ its request time is the end time (settled) [Q5].
R4  More than one supplement request ⇒ late (``multiple_supplements_late``, portal: yes) [Q5].
R5  The citizen's supplement time (request → resubmission) is subtracted from elapsed working
    time [Q5]; the wait for a financial obligation too only if ``subtract_financial_wait``
    (portal: no, it names supplements only).
R6  On time ⇔ elapsed working time − paused ≤ working time from the clock start to the due
    date; no due date ⇒ the legal time limit of the procedure [Q5]. The clock starts at receipt,
    or at the next working day's opening when received after the cut-off (workcalendar.py).
R7  Two views: against the original due date (``due_initial``) and against the extended one
    (the latest apology's new date, else ``due_at``). The portal compares with the synced
    NgayHenTra, i.e. the extended date (``portal_view = "extended"``); dossier-schema.md §4.3
    notes this was not confirmed.
R8  Days late = (elapsed − allowed) in working days, against the original due date.
R9  Channel: KenhThucHien 2 online, 3 post, anything else direct [Q5 3.3].
R10 End-to-end online (toàn trình) = submitted online, result returned online or by post, and
    paid online when a fee is due (dossier-schema.md ``is_full_online``); counted over dossiers of
    procedures flagged eligible [Q4].
R11 Paid online: DuocThanhToanTrucTuyen 1 (portal) or 2 (provincial gateway) over dossiers of
    fee-bearing procedures whose fees are not all zero [Q5 3.6].
R12 Electronic result over dossiers of procedures returning a paper result [Q5 4.1].
R13 Digitised = components digitised and, when a paper result is due, an electronic result
    [Q5 4.2]; reused data = HoSoCoThanhPhanSoHoa over all dossiers [Q5 4.3].
R14 Late without apology: late against the original due date with no apology letter issued
    by that date (dossier-schema.md §4.5, [L5]: the letter must precede the missed date).
R15 Dossiers never received (status 3, Không được tiếp nhận) are not counted at all.
S1  Step working time = working minutes from start to end (or ``as_of``) minus the pauses
    overlapping it; overrun = max(0, used − allotted); a step is late when it overran
    (Phiếu kiểm soát quá trình [P1]).
S2  A late dossier is attributed to the first step at whose end the cumulative time used
    exceeds the cumulative time allotted and that itself overran; if none, to the step with
    the largest overrun (dossier-schema.md §4.4). The step carries role, person and unit, so an
    inter-agency step is attributed to the other agency.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from chiso.dossiers.workcalendar import WorkCalendar

NOT_RECEIVED = 3
SUPPLEMENT = "bo_sung"
FINANCIAL = "nghia_vu_tai_chinh"


@dataclass(frozen=True)
class RuleSettings:
    multiple_supplements_late: bool = True
    subtract_financial_wait: bool = False
    portal_view: str = "extended"  # or "original"


@dataclass(frozen=True)
class PauseInput:
    kind: str
    requested_at: datetime.datetime
    completed_at: datetime.datetime | None


@dataclass(frozen=True)
class StepInput:
    seq: int
    started_at: datetime.datetime
    ended_at: datetime.datetime | None
    allotted_minutes: int


@dataclass(frozen=True)
class DossierInput:
    received_at: datetime.datetime
    status: int
    channel: int = 1
    due_initial: datetime.datetime | None = None
    due_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None
    returned_at: datetime.datetime | None = None
    time_limit: Decimal = Decimal(0)
    time_unit: str = "working_day"
    pauses: Sequence[PauseInput] = ()
    apologies: Sequence[tuple[datetime.datetime, datetime.datetime]] = ()  # (issued, new due)
    steps: Sequence[StepInput] = ()
    fee_total: Decimal = Decimal(0)
    has_fee: bool = False
    paid_online: int = 0
    result_channel: int = 1
    paper_result: bool = True
    e_result: bool = False
    digitised: bool = False
    reused_data: bool = False
    full_online_eligible: bool = False


@dataclass(frozen=True)
class StepOutcome:
    seq: int
    used_minutes: int
    overrun_minutes: int


@dataclass(frozen=True)
class Outcome:
    counted: bool
    settled: bool
    on_time: bool | None  # original due date
    on_time_extended: bool | None
    late_days: Decimal
    online: bool
    eligible: bool
    full_online: bool
    fee_bearing: bool
    paid_online: bool
    e_result: bool
    digitised: bool
    reused: bool
    late_without_apology: bool
    steps: tuple[StepOutcome, ...] = field(default=())
    responsible_seq: int | None = None

    def late_in(self, view: str) -> bool:
        on_time = self.on_time_extended if view == "extended" else self.on_time
        return on_time is False


def end_time(d: DossierInput) -> datetime.datetime | None:
    """R1/R3: the moment the clock stopped for good, or None while the dossier is open."""
    if d.finished_at is not None:
        return d.finished_at
    if d.returned_at is not None:
        return d.returned_at
    pending = [p for p in d.pauses if p.kind == SUPPLEMENT and p.completed_at is None]
    if pending:
        return min(p.requested_at for p in pending)
    return None


def _paused_minutes(
    cal: WorkCalendar,
    pauses: Sequence[PauseInput],
    start: datetime.datetime,
    end: datetime.datetime,
    kinds: set[str],
) -> int:
    """Working minutes of completed pauses of ``kinds`` inside [start, end] (R5, S1)."""
    total = 0
    for p in pauses:
        if p.kind not in kinds or p.completed_at is None:
            continue
        a, b = max(p.requested_at, start), min(p.completed_at, end)
        total += cal.working_minutes(a, b)
    return total


def legal_due(
    cal: WorkCalendar, start: datetime.datetime, limit: Decimal, unit: str
) -> datetime.datetime:
    """The due date from the legal time limit when the dossier carries none (R6)."""
    if unit == "working_hour":
        return cal.add_working_minutes(start, int(limit * 60))
    if unit == "day":
        return start + datetime.timedelta(days=float(limit))
    return cal.add_working_days(start, float(limit))


def _to_days(cal: WorkCalendar, minutes: int) -> Decimal:
    return (Decimal(minutes) / Decimal(cal.day_minutes)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def steps_outcome(
    cal: WorkCalendar, d: DossierInput, as_of: datetime.datetime
) -> tuple[StepOutcome, ...]:
    """S1 for each step of the log."""
    kinds = {SUPPLEMENT, FINANCIAL}  # a step owner does not wait on the applicant's time
    out = []
    for s in d.steps:
        end = s.ended_at or as_of
        used = max(
            0,
            cal.working_minutes(s.started_at, end)
            - _paused_minutes(cal, d.pauses, s.started_at, end, kinds),
        )
        out.append(StepOutcome(s.seq, used, max(0, used - s.allotted_minutes)))
    return tuple(out)


def responsible_step(d: DossierInput, steps: Sequence[StepOutcome]) -> int | None:
    """S2: the ``seq`` of the step a late dossier is attributed to, or None."""
    allotted = {s.seq: s.allotted_minutes for s in d.steps}
    used_total = allotted_total = 0
    for s in steps:
        used_total += s.used_minutes
        allotted_total += allotted[s.seq]
        if used_total > allotted_total and s.overrun_minutes > 0:
            return s.seq
    worst = max(steps, key=lambda s: s.overrun_minutes, default=None)
    return worst.seq if worst is not None and worst.overrun_minutes > 0 else None


def derive(
    cal: WorkCalendar,
    d: DossierInput,
    as_of: datetime.datetime,
    settings: RuleSettings = RuleSettings(),
) -> Outcome:
    """Every derived value of one dossier measured at ``as_of`` (R1–R15, S1–S2)."""
    counted = d.status != NOT_RECEIVED
    end = end_time(d)
    settled = end is not None
    if end is None or end > as_of:
        end, settled = as_of, False
    start = cal.clock_start(d.received_at)
    kinds = {SUPPLEMENT} | ({FINANCIAL} if settings.subtract_financial_wait else set())
    elapsed = cal.working_minutes(start, end) - _paused_minutes(cal, d.pauses, start, end, kinds)
    original = d.due_initial or d.due_at or legal_due(cal, start, d.time_limit, d.time_unit)
    extended = max([d.due_at or original, original, *(new for _i, new in d.apologies)])
    allowed = cal.working_minutes(start, original)
    allowed_ext = cal.working_minutes(start, extended)
    supplements = sum(1 for p in d.pauses if p.kind == SUPPLEMENT)
    forced_late = settings.multiple_supplements_late and supplements > 1
    on_time = elapsed <= allowed and not forced_late
    on_time_ext = elapsed <= allowed_ext and not forced_late
    apologised = any(issued <= original for issued, _new in d.apologies)
    fee_bearing = d.has_fee and d.fee_total > 0
    paid = d.paid_online in (1, 2)
    online = d.channel == 2
    full_online = online and d.result_channel in (2, 3) and (paid or not fee_bearing)
    steps = steps_outcome(cal, d, as_of)
    late = not on_time
    return Outcome(
        counted=counted,
        settled=settled,
        on_time=on_time,
        on_time_extended=on_time_ext,
        late_days=_to_days(cal, max(0, elapsed - allowed)) if late else Decimal("0.00"),
        online=online,
        eligible=d.full_online_eligible,
        full_online=d.full_online_eligible and full_online,
        fee_bearing=fee_bearing,
        paid_online=fee_bearing and paid,
        e_result=d.paper_result and d.e_result,
        digitised=d.digitised and (d.e_result or not d.paper_result),
        reused=d.reused_data,
        late_without_apology=late and not apologised,
        steps=steps,
        responsible_seq=responsible_step(d, steps) if late else None,
    )
