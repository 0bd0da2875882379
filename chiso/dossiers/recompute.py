"""Deriving every stored dossier again, after a rule, setting, calendar or catalogue change.

``recompute`` goes through the dossiers by blocks of consecutive ids (``stored_inputs.BLOCK``),
one transaction each. A block's raw columns, and those of its pauses, apologies and steps, come
as integers (moments as microseconds) in numpy arrays: from the block's packed copy when there
is one (``InputBlock``, kept by the previous recompute, forgotten by a trigger as soon as one of
its rows changes), else from the tables. They are derived at once by
:mod:`chiso.dossiers.vectorised` and compared with the derived columns already stored: only
the dossiers and steps whose values changed are written back (one bulk update per block and
table, :mod:`chiso.dossiers.bulk`). A calendar change moves some dossiers; rewriting the
unchanged ones was most of the cost, reading the tables most of the rest.
The rollups follow the same way: the changed dossiers' old contributions are subtracted and
their new ones added in the block's transaction (:class:`rollups.Deltas`, as the ingest does;
both sides counted from the arrays, ``stored_inputs.counters``), so they always equal a
rebuild (tests/dossiers) without one; ``rebuild_rollups=True``
(``chiso dossiers recompute --rebuild-rollups``) rebuilds them from scratch instead, for a
database whose rollups were changed by hand. The open dossiers' deadlines (``OpenDossier``) are
rewritten in every block from the same arrays (``vectorised.open_limits``): a calendar change
moves them even when nothing derived as of now changes.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.scope import require_reform_office
from chiso.audit.actions import record
from chiso.dossiers import delay_rollups, openclock, rollups
from chiso.dossiers.bulk import delete_where_in, insert_rows, update_by_id
from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.ingest import (
    DERIVED_FIELDS,
    PAUSE_FIELDS,
    RAW_FIELDS,
    Progress,
    derive_values,
    stored_contributions,
)
from chiso.dossiers.models import Apology, Dossier, OpenDossier, Pause, Procedure, StepEvent
from chiso.dossiers.rules import RuleSettings
from chiso.dossiers.stored_inputs import (
    BLOCK,
    FIELD_MOVED_BIT,
    NULL,
    SHIFT,
    SYNCED_BIT,
    Inputs,
    blocks,
    counters,
    flag_changes,
    judged_late,
    lock_tables,
    pack_derived,
    read_block,
    read_tables,
    store_block,
)
from chiso.dossiers.vectorised import (
    NA,
    Array,
    Batch,
    Derived,
    OpenLimits,
    ProcedureRules,
    days_from_cents,
    derive_columns,
    open_limits,
)
from chiso.dossiers.workcalendar import WorkCalendar, local

# Stored moments are read in UTC; Việt Nam has kept UTC+7 since 1975, so local time is UTC +
# 7 h for every moment after the guard below. Older moments go through derive_values.
_LOCAL_OFFSET_US = 7 * 3600 * 1_000_000
_GUARD_US = int(datetime.datetime(1976, 1, 1, tzinfo=datetime.UTC).timestamp()) * 1_000_000
_EPOCH = datetime.date(1970, 1, 1)
# DERIVED_FIELDS as Derived names them, and the positions converted when writing.
_SOURCE = {"late_days": "late_cents"}
_COLUMNS = ("field_code", *DERIVED_FIELDS)  # what the recompute may write to a dossier
# The columns of _COLUMNS that place a late dossier in the delay causes (as bits).
_CAUSE_COLUMNS = sum(
    1 << _COLUMNS.index(c)
    for c in ("field_code", "counted_on", "is_counted", "on_time", "responsible_seq")
)


def _local(values: Array) -> tuple[Array, Array]:
    """UTC microseconds as local ones (NA when NULL), and which are too old for the offset."""
    missing = values == NULL
    return np.where(missing, NA, values + _LOCAL_OFFSET_US), ~missing & (values < _GUARD_US)


class _Chunk:
    """One block's inputs as the deriver's batch, and what the stored rows say."""

    def __init__(self, inputs: Inputs, index: dict[int, int]):
        rows, pauses, apologies, steps = (
            inputs.dossiers,
            inputs.pauses,
            inputs.apologies,
            inputs.steps,
        )
        ids = rows[:, 0]
        self.ids = ids
        codes, flags = rows[:, 2], rows[:, 3]
        self.field_changed = ((flags >> FIELD_MOVED_BIT) & 1).astype(bool)
        self.synced = (flags >> SYNCED_BIT) & 1
        self.stored_flags = flags >> SHIFT
        self.stored_days = rows[:, 4]
        self.stored_cents = rows[:, 5]
        moments = [_local(rows[:, c]) for c in range(6, 11)]
        too_old = np.logical_or.reduce([old for _m, old in moments])
        item_moments = [
            (pauses, _local(pauses[:, 2]), _local(pauses[:, 3])),
            (apologies, _local(apologies[:, 1]), _local(apologies[:, 2])),
            (steps, _local(steps[:, 2]), _local(steps[:, 3])),
        ]
        owners = []
        for table, (_a, old_a), (_b, old_b) in item_moments:
            owner = np.searchsorted(ids, table[:, 0])
            too_old[owner[old_a | old_b]] = True
            owners.append(owner)
        self.too_old = too_old
        self.step_ids = steps[:, 5]
        self.agency = rows[:, 1] & (2**32 - 1)
        self.step_stored = steps[:, 4]  # used << 32 | overrun
        self.batch = Batch(
            procedure=np.array([index[p] for p in (rows[:, 1] >> 32).tolist()], dtype=np.int64),
            status=codes >> 48,
            channel=(codes >> 32) & 0xFFFF,
            received=moments[0][0],
            due_initial=moments[1][0],
            due_at=moments[2][0],
            finished_at=moments[3][0],
            returned_at=moments[4][0],
            fee_positive=(flags & 1).astype(bool),
            paid_online=(codes >> 16) & 0xFFFF,
            result_channel=codes & 0xFFFF,
            e_result=((flags >> 1) & 1).astype(bool),
            digitised=((flags >> 2) & 1).astype(bool),
            reused=((flags >> 3) & 1).astype(bool),
            pause_owner=owners[0],
            pause_kind=pauses[:, 1],
            pause_requested=item_moments[0][1][0],
            pause_completed=item_moments[0][2][0],
            apology_owner=owners[1],
            apology_issued=item_moments[1][1][0],
            apology_new=item_moments[1][2][0],
            step_owner=owners[2],
            step_seq=steps[:, 1] >> 32,
            step_started=item_moments[2][1][0],
            step_ended=item_moments[2][2][0],
            step_allotted=steps[:, 1] & (2**32 - 1),
        )


def _write_chunk(
    chunk: _Chunk,
    out: Derived,
    procedures: list[Procedure],
    fallback_rows: list[tuple[Any, ...]],
    fallback_steps: list[tuple[int, int, int]],
) -> int:
    """Write the changed dossiers and steps of a chunk, and the fallback rows, and move the
    rollups by the changed dossiers' old and new contributions; return how many dossiers
    changed (a fallback row counts as changed). ``procedures`` are in the order of the
    batch's procedure numbers."""
    ok = ~out.fallback
    flags = pack_derived(out)
    columns_changed = np.where(ok, _changed_columns(chunk, out, flags), 0)
    dossier_changed = columns_changed != 0
    owner = chunk.batch.step_owner
    step_changed = ok[owner] & (((out.step_used << 32) | out.step_overrun) != chunk.step_stored)
    steps_changed = np.zeros(len(chunk.ids), dtype=bool)  # per dossier: one of its steps
    steps_changed[owner[step_changed]] = True
    changed = dossier_changed | steps_changed
    picked = np.flatnonzero(dossier_changed)
    # The rollup contributions of a dossier whose field moved (its old field is not in the
    # arrays) or left to rules.py are read back before and after writing; the others come
    # from the arrays (reading them all back was a fifth of a recompute after a calendar
    # change, docs/performance.md).
    moved = chunk.field_changed[picked]
    read_back = chunk.ids[picked[moved]].tolist() + [row[0] for row in fallback_rows]
    old = stored_contributions("pk", read_back)
    # The delay causes count each late dossier under its responsible step: they move for a
    # dossier late before or after whose lateness, day, field or responsible step changed, or
    # one of whose steps did (a step's overrun can change while its dossier's row does not).
    late = judged_late(chunk.stored_flags) | judged_late(flags)
    causes = late & (((columns_changed & _CAUSE_COLUMNS) != 0) | steps_changed)
    touched = chunk.ids[causes].tolist() + [row[0] for row in fallback_rows]
    old_causes = delay_rollups.grouped(touched)
    update_by_id(Dossier._meta.db_table, _COLUMNS, fallback_rows)
    for mask in np.unique(columns_changed[picked]).tolist():
        some = picked[columns_changed[picked] == mask]
        names = [name for bit, name in enumerate(_COLUMNS) if mask >> bit & 1]
        values = [_column(name, chunk, out, some, procedures) for name in names]
        rows = list(zip(chunk.ids[some].tolist(), *values, strict=True))
        update_by_id(Dossier._meta.db_table, names, rows)
    deltas = rollups.Deltas()
    for d in old:
        deltas.add(d, -1)
    for d in stored_contributions("pk", read_back):
        deltas.add(d, +1)
    _add_changes(deltas, chunk, out, flags, picked[~moved], procedures)
    rollups.apply(deltas)
    steps = np.flatnonzero(step_changed)
    step_rows = list(fallback_steps)
    step_rows += zip(
        chunk.step_ids[steps].tolist(),
        out.step_used[steps].tolist(),
        out.step_overrun[steps].tolist(),
        strict=True,
    )
    update_by_id(StepEvent._meta.db_table, ("used_minutes", "overrun_minutes"), step_rows)
    delay_rollups.apply(delay_rollups.grouped(touched), old_causes)
    return int(changed.sum()) + len(fallback_rows)


def _changed_columns(chunk: _Chunk, out: Derived, flags: Array) -> Array:
    """Per dossier, one bit per column of ``_COLUMNS`` (in that order) whose derived value
    (``out``, its flags packed in ``flags``) differs from the stored one. An UPDATE rewrites
    the index entries of every column it sets, changed or not, and a calendar change moves
    only the clock's few columns: writing just those took 0,9 s instead of 1,6 s at 10⁶
    (docs/performance.md)."""
    changes = flag_changes(chunk.stored_flags, flags)
    changes["field_code"] = chunk.field_changed
    changes["counted_on"] = out.counted_on != chunk.stored_days
    changes["late_days"] = out.late_cents != chunk.stored_cents
    mask = np.zeros(len(chunk.ids), dtype=np.int64)
    for bit, name in enumerate(_COLUMNS):
        mask |= changes[name].astype(np.int64) << bit
    return mask


def _column(
    name: str, chunk: _Chunk, out: Derived, picked: Array, procedures: list[Procedure]
) -> list[Any]:
    """The new values of column ``name`` of the ``picked`` dossiers, as they are stored."""
    if name == "field_code":
        return [procedures[p].field_code for p in chunk.batch.procedure[picked].tolist()]
    values = getattr(out, _SOURCE.get(name, name))[picked].tolist()
    if name == "counted_on":
        return [_EPOCH + datetime.timedelta(days=v) for v in values]
    if name == "late_days":
        return [days_from_cents(v) for v in values]
    if name == "responsible_seq":
        return [None if v < 0 else v for v in values]
    return values


def _add_changes(
    deltas: rollups.Deltas,
    chunk: _Chunk,
    out: Derived,
    flags: Array,
    picked: Array,
    procedures: list[Procedure],
) -> None:
    """Add to ``deltas`` the ``picked`` dossiers' contributions from their new derived values
    (``out``, its flags packed in ``flags``) less those from their stored ones, summed per
    daily rollup row."""
    if not len(picked):
        return
    channel, synced = chunk.batch.channel[picked], chunk.synced[picked]
    old = counters(chunk.stored_flags[picked], chunk.stored_cents[picked], channel, synced)
    new = counters(flags[picked], out.late_cents[picked], channel, synced)
    keys = np.stack(
        [
            np.tile(chunk.batch.procedure[picked], 2),
            np.tile(chunk.agency[picked], 2),
            np.concatenate([chunk.stored_days[picked], out.counted_on[picked]]),
        ],
        axis=1,
    )
    rows, where = np.unique(keys, axis=0, return_inverse=True)
    sums = np.zeros((len(rows), old.shape[1]), dtype=np.int64)
    np.add.at(sums, where.ravel(), np.concatenate([-old, new]))
    moving = sums.any(axis=1)
    for (p, agency, day), counts in zip(rows[moving].tolist(), sums[moving].tolist(), strict=True):
        procedure = procedures[p]
        key = (agency, procedure.pk, _EPOCH + datetime.timedelta(days=day))
        deltas.add_counts(key, procedure.field_code, counts)


def _day(days: int) -> datetime.date:
    """A day given as days since 1970 by OpenLimits (-1: date.min, beyond: date.max)."""
    if days < 0:
        return datetime.date.min
    if days >= (datetime.date.max - _EPOCH).days:
        return datetime.date.max
    return _EPOCH + datetime.timedelta(days=days)


def _write_open(
    chunk: _Chunk, out: Derived, limits: OpenLimits, field_codes: list[str], lo: int, hi: int
) -> None:
    """Make the OpenDossier rows of the block's id range those of its dossiers counted and
    still open once derived, thresholds from the arrays (openclock's, exactly), writing only
    the rows that differ (after a calendar change most do not; writing them all was a third of
    a recompute read from block copies); the rows the arrays leave to rules.py go through
    openclock.refresh, which reads what was written."""
    python = out.fallback | limits.fallback
    picked = np.flatnonzero(out.is_counted & ~out.settled & ~python)
    months = out.counted_on[picked].astype("datetime64[D]").astype("datetime64[M]")
    columns = zip(
        chunk.ids[picked].tolist(),
        chunk.agency[picked].tolist(),
        chunk.batch.procedure[picked].tolist(),
        months.astype("datetime64[D]").astype(object).tolist(),
        limits.deadline[picked].tolist(),
        limits.deadline_extended[picked].tolist(),
        limits.late_from[picked].tolist(),
        limits.late_from_extended[picked].tolist(),
        limits.exact[picked].tolist(),
        strict=True,
    )
    rows = [
        (pk, agency, field_codes[p], month, t, t_ext, _day(late), _day(late_ext), exact)
        for pk, agency, p, month, t, t_ext, late, late_ext, exact in columns
    ]
    in_range = OpenDossier.objects.filter(dossier_id__gte=lo, dossier_id__lte=hi)
    old = set(in_range.values_list(*openclock.COLUMNS))
    new = set(rows)
    delete_where_in(OpenDossier._meta.db_table, "dossier_id", [r[0] for r in old - new])
    insert_rows(OpenDossier._meta.db_table, openclock.COLUMNS, sorted(new - old))
    openclock.refresh(chunk.ids[python].tolist())


def _fallback(
    calendar: WorkCalendar,
    settings: RuleSettings,
    as_of: datetime.datetime,
    procedures: dict[int, Procedure],
    pks: list[int],
) -> tuple[list[tuple[Any, ...]], list[tuple[int, int, int]]]:
    """The rows the arrays leave to rules.py (moments outside the calendar or before 1976):
    derived one by one with derive_values, which raises where the calendar ends. Written
    whether changed or not: they are rare."""
    rows: list[tuple[Any, ...]] = []
    step_rows: list[tuple[int, int, int]] = []
    for dossier in Dossier.objects.filter(pk__in=pks).values("pk", "procedure_id", *RAW_FIELDS):
        pk = dossier["pk"]
        procedure = procedures[dossier["procedure_id"]]
        steps = list(
            StepEvent.objects.filter(dossier_id=pk).values_list(
                "seq", "started_at", "ended_at", "allotted_minutes", "pk"
            )
        )
        derived, outcomes = derive_values(
            calendar,
            settings,
            as_of,
            procedure,
            dossier,
            Pause.objects.filter(dossier_id=pk).values_list(*PAUSE_FIELDS),
            Apology.objects.filter(dossier_id=pk).values_list("issued_at", "new_due_at"),
            steps,
        )
        rows.append((pk, procedure.field_code, *(derived[f] for f in DERIVED_FIELDS)))
        by_seq = {o.seq: o for o in outcomes}
        step_rows += [
            (s[4], by_seq[s[0]].used_minutes, by_seq[s[0]].overrun_minutes) for s in steps
        ]
    return rows, step_rows


def _spans(chunk: int, open_only: bool) -> tuple[int, Iterable[tuple[int | None, int, int]]]:
    """How many dossiers a recompute derives, and the id ranges it goes through, one
    transaction each: (block number, first id, last id). A full run goes block by block
    (``chunk`` ids each: the copies are per block). The daily refresh reads its few open rows
    from the tables, never a block's copy (which holds every row, settled or not, and costs
    more to read than they do), ``chunk`` open dossiers at a time: by id span, it read the
    items of every block (2,2 s against 1,1 s at 10⁶ on PostgreSQL)."""
    if not open_only:
        return Dossier.objects.count(), blocks(chunk)
    ids = list(Dossier.objects.filter(settled=False).order_by("pk").values_list("pk", flat=True))
    starts = range(0, len(ids), chunk)
    return len(ids), [(None, ids[at], ids[min(at + chunk, len(ids)) - 1]) for at in starts]


class FullRecomputeNeeded(Exception):
    """An open-only recompute would leave the dossiers of a procedure in two fields."""


@dataclass(frozen=True)
class RecomputeReport:
    dossiers: int  # dossiers derived again
    changed: int  # dossiers written back (derived values, field or a step changed)
    fallback: int  # dossiers left to rules.py one by one (vectorised.py's fallback)
    derive_seconds: float  # reading, deriving, comparing and writing (the rest: the rebuilds)


def recompute(
    *,
    actor: Any = None,
    progress: Progress | None = None,
    chunk: int = BLOCK,
    rebuild_rollups: bool = False,
    open_only: bool = False,
) -> RecomputeReport:
    """Derive every dossier again (after a rule, calendar or catalogue change), write back
    those whose derived values changed with their rollup changes, rebuild the open dossiers'
    deadlines (and, with ``rebuild_rollups``, every rollup row from scratch). The command line
    (``actor=None``) or the reform office only. The audit row ``dossiers.recompute`` says how
    many dossiers there were and how many changed (and how many rollup rows a rebuild made).

    ``open_only`` derives only the dossiers whose outcome is not settled, as of now: the
    daily refresh (``chiso dossiers recompute --open``). A dossier still being processed is
    measured at the moment it was last derived (R2), so without it the late list and an open
    dossier's late days stay as they were at its last import; settled dossiers do not change
    with time. It refuses to run when a procedure has moved to another field since the
    dossiers were derived (:class:`FullRecomputeNeeded`): only a full run moves them all. It
    reads the tables, never the block copies (they hold every row of a block; the open ones
    are a few per cent), and keeps none.

    ``chunk`` is the number of ids (open dossiers, with ``open_only``) per transaction; block
    copies are read and kept only at the default, the block size of the triggers that forget
    them (tests use small chunks)."""
    if actor is not None:
        require_reform_office(actor)
    if open_only and Dossier.objects.exclude(field_code=F("procedure__field_code")).exists():
        raise FullRecomputeNeeded(
            _(
                "A procedure has moved to another field since the dossiers were derived: "
                "run a full recompute (chiso dossiers recompute) instead."
            )
        )
    calendar = current_calendar()
    settings = rule_settings()
    as_of = local(timezone.now())
    procedures = {p.pk: p for p in Procedure.objects.all()}
    index = {pk: i for i, pk in enumerate(procedures)}
    rules = [ProcedureRules.of(p, calendar.day_minutes) for p in procedures.values()]
    ordered = list(procedures.values())
    field_codes = [p.field_code for p in ordered]
    fields = {pk: p.field_code for pk, p in procedures.items()}
    total, spans = _spans(chunk, open_only)
    done = changed = fallen = 0
    fields_moved = False
    started = time.perf_counter()
    for number, lo, hi in spans:
        with transaction.atomic():
            lock_tables()
            stored = read_block(number, fields) if number is not None and chunk == BLOCK else None
            inputs = read_tables(lo, hi, open_only) if stored is None else stored
            if not len(inputs.dossiers):
                continue
            part = _Chunk(inputs, index)
            out = derive_columns(calendar, settings, as_of, part.batch, rules)
            out.fallback |= part.too_old
            fallback = part.ids[out.fallback].tolist()
            fallen += len(fallback)
            extra_rows, extra_steps = (
                _fallback(calendar, settings, as_of, procedures, fallback) if fallback else ([], [])
            )
            written = _write_chunk(part, out, ordered, extra_rows, extra_steps)
            changed += written
            limits = open_limits(calendar, settings, part.batch, rules)
            _write_open(part, out, limits, field_codes, lo, hi)
            fields_moved |= bool(part.field_changed.any())
            # Keep a copy of the block as now written, unless the stored one is still there
            # (nothing written: no trigger fired), only its open rows were read, or some were
            # left to rules.py (their values are not in the arrays).
            if number is not None and chunk == BLOCK and not fallback:
                if stored is None or written:
                    store_block(number, inputs.with_derived(out), fields)
        done += len(inputs.dossiers)
        if progress is not None:
            progress(min(done, total), total)
    seconds = time.perf_counter() - started
    with transaction.atomic():
        data: dict[str, Any] = {"dossiers": done, "changed": changed}
        if open_only:
            data["open_only"] = True
        if rebuild_rollups:
            data["rollups"] = rollups.rebuild()
        elif fields_moved:
            rollups.follow_procedure_fields()
        record("dossiers.recompute", actor=actor, data=data)
    return RecomputeReport(
        dossiers=done, changed=changed, fallback=fallen, derive_seconds=round(seconds, 3)
    )
