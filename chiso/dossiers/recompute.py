"""Deriving every stored dossier again, after a rule, setting, calendar or catalogue change.

``recompute`` streams the dossiers in chunks of consecutive ids. Each chunk's raw columns, and
those of its pauses, apologies and steps, are read as integers (moments as microseconds, by the
database) straight into numpy arrays, derived at once by :mod:`chiso.dossiers.vectorised`, and
compared with the derived columns already stored: only the dossiers and steps whose values
changed are written back (one bulk update per chunk and table, :mod:`chiso.dossiers.bulk`).
A calendar change moves some dossiers; rewriting the unchanged ones was most of the cost.
The rollups follow the same way: the changed dossiers' old contributions are subtracted and
their new ones added in the chunk's transaction (:class:`rollups.Deltas`, as the ingest does),
so they always equal a rebuild (tests/dossiers) without one; ``rebuild_rollups=True``
(``chiso dossiers recompute --rebuild-rollups``) rebuilds them from scratch instead, for a
database whose rollups were changed by hand. The open dossiers' deadlines (``OpenDossier``) are
rewritten in every chunk from the same arrays (``vectorised.open_limits``): a calendar change
moves them even when nothing derived as of now changes.
"""

from __future__ import annotations

import datetime
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.scope import require_reform_office
from chiso.audit.actions import record
from chiso.dossiers import openclock, rollups
from chiso.dossiers.bulk import insert_rows, update_by_id
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
from chiso.dossiers.rules import FINANCIAL, SUPPLEMENT, RuleSettings
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

CHUNK = 50_000
# Stored moments are read in UTC; Việt Nam has kept UTC+7 since 1975, so local time is UTC +
# 7 h for every moment after the guard below. Older moments go through derive_values.
_LOCAL_OFFSET_US = 7 * 3600 * 1_000_000
_GUARD_US = int(datetime.datetime(1976, 1, 1, tzinfo=datetime.UTC).timestamp()) * 1_000_000
_NULL = -(2**62)  # a NULL moment in the integer columns; no datetime comes near it
_EPOCH = datetime.date(1970, 1, 1)
# Reading is most of a recompute's cost (one Python object per value on SQLite), so small
# values travel packed into one integer: the raw codes (PositiveSmallIntegerField, < 2**15)
# in 16-bit fields and the flags one bit each. The stored derived flags are packed in the
# layout _pack_derived builds from the new values: a dossier is unchanged iff they are equal.
_RAW_FLAGS = ("d.fee_total > 0", "d.e_result", "d.digitised", "d.reused_data")
_FIELD_MOVED = "d.field_code <> p.field_code"
_DERIVED_FLAGS = (
    "is_counted",
    "settled",
    "late_without_apology",
    "is_eligible",
    "full_online",
    "is_fee_bearing",
    "is_paid_online",
    "is_paper",
    "is_e_result",
    "is_digitised",
    "is_reused",
)
_NULLABLE = ("on_time", "on_time_extended")  # two bits each: 0, 1, or 2 for NULL
_SHIFT = len(_RAW_FLAGS) + 1  # where the stored derived flags start
# DERIVED_FIELDS as Derived names them, and the positions converted when writing.
_SOURCE = {"late_days": "late_cents"}
_DAY = DERIVED_FIELDS.index("counted_on")
_LATE = DERIVED_FIELDS.index("late_days")
_SEQ = DERIVED_FIELDS.index("responsible_seq")


def _bigint(expression: str) -> str:
    return f"CAST({expression} AS BIGINT)"


def _bit(expression: str) -> str:
    return f"CAST(CAST({expression} AS INTEGER) AS BIGINT)"  # PostgreSQL casts bool to int only


def _moment(column: str) -> str:
    """SQL giving a datetime column as integer microseconds since 1970 (UTC), or _NULL."""
    if connection.vendor == "postgresql":
        value = f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)"
    else:  # Django's text "YYYY-MM-DD HH:MM:SS[.ffffff]", in UTC
        seconds = (
            f"unixepoch({column})"
            if sqlite3.sqlite_version_info >= (3, 38)
            else f"CAST(strftime('%%s', {column}) AS INTEGER)"
        )
        value = f"{seconds} * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER)"
    return f"COALESCE({value}, {_NULL})"


def _dossier_sql(table: str, procedures: str, open_only: bool = False) -> str:
    """id, procedure << 32 | agency, packed raw codes, packed flags, counted_on (days since 1970), late days
    × 100, and the five moments (_Chunk reads them in this order); with ``open_only``, of the
    dossiers whose outcome is not settled only."""
    if connection.vendor == "postgresql":
        counted_on = "(d.counted_on - DATE '1970-01-01')"
    else:
        counted_on = "CAST(julianday(d.counted_on) - 2440587.5 AS INTEGER)"
    codes = " + ".join(
        f"{_bigint('d.' + c)} * {2 ** (16 * k)}"
        for k, c in enumerate(("result_channel", "paid_online", "channel", "status"))
    )
    parts = [*_RAW_FLAGS, _FIELD_MOVED, *(f"d.{c}" for c in _DERIVED_FLAGS)]
    flags = [f"{_bit(c)} * {2**k}" for k, c in enumerate(parts)]
    at = len(parts)
    for name in _NULLABLE:
        flags.append(f"COALESCE({_bit('d.' + name)}, 2) * {2**at}")
        at += 2
    flags.append(f"COALESCE({_bigint('d.responsible_seq')} + 1, 0) * {2**at}")
    columns = [
        _bigint("d.id"),
        f"{_bigint('d.procedure_id')} * {2**32} + d.agency_id",
        codes,
        " + ".join(flags),
        _bigint(counted_on),
        _bigint("ROUND(d.late_days * 100)"),
        *(
            _moment(f"d.{c}")
            for c in ("received_at", "due_initial", "due_at", "finished_at", "returned_at")
        ),
    ]
    return (
        f"SELECT {_named(columns)} FROM {table} d JOIN {procedures} p ON p.id = d.procedure_id"
        f" WHERE d.id > %s{' AND NOT d.settled' if open_only else ''} ORDER BY d.id LIMIT %s"
    )


def _pack_derived(out: Derived) -> Array:
    """The new derived flags and responsible seq, packed as _dossier_sql packs the stored ones
    (from bit _SHIFT on)."""
    packed = np.zeros(len(out.fallback), dtype=np.int64)
    at = 0
    for name in _DERIVED_FLAGS:
        packed |= getattr(out, name).astype(np.int64) << at
        at += 1
    for name in _NULLABLE:  # never None once derived
        packed |= getattr(out, name).astype(np.int64) << at
        at += 2
    return packed | ((out.responsible_seq + 1) << at)


def _named(columns: Sequence[str]) -> str:
    """The select list with the columns named c0, c1, … (what _hex_rows reads them by)."""
    return ", ".join(f"{c} AS c{i}" for i, c in enumerate(columns))


def _items_sql(table: str, columns: Sequence[str], order: str, open_only: bool) -> str:
    """The items of the dossiers with ids between two parameters; with ``open_only``, of the
    open ones only (two more parameters: the same bounds), not of every dossier in between."""
    where = "dossier_id BETWEEN %s AND %s"
    if open_only:
        dossiers = connection.ops.quote_name(Dossier._meta.db_table)
        where += (
            f" AND dossier_id IN (SELECT id FROM {dossiers}"
            " WHERE id BETWEEN %s AND %s AND NOT settled)"
        )
    return (
        f"SELECT {_named([_bigint('dossier_id'), *columns])} FROM {table}"
        f" WHERE {where} ORDER BY {order}"
    )


def _read(sql: str, params: Sequence[int], width: int, keys: int = 1) -> Array:
    """The rows of ``sql`` (``width`` non-null BIGINT columns named c0, c1, …, ordered by the
    first ``keys``) as a 2-D int64 array.

    The database packs the rows itself into one value, 8 big-endian bytes per column and row
    (PostgreSQL ``int8send``; SQLite, which has no integer-to-blob function, 16 hexadecimal
    digits from ``printf``, two's complement for negatives), which numpy reads in one go:
    reading was most of a recompute, one Python object per value with SQLite's ``fetchall``,
    one message per row with PostgreSQL's ``COPY`` (docs/performance.md). The aggregates do
    not promise the subquery's order, so the rows are sorted again by their first ``keys``
    columns when they come out of order (stably: ties were in no set order anyway)."""
    names = [f"c{i}" for i in range(width)]
    if connection.vendor == "postgresql":
        packed = " || ".join(f"int8send({n})" for n in names)
        wrapped = f"SELECT string_agg({packed}, ''::bytea) FROM ({sql}) AS t"
    else:
        packed = f"printf('{'%%016llx' * width}', {', '.join(names)})"
        wrapped = f"SELECT group_concat({packed}, '') FROM ({sql})"
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        (value,) = cursor.fetchone()
    data = bytes.fromhex(value) if isinstance(value, str) else bytes(value or b"")
    rows = np.frombuffer(data, dtype=">i8").astype(np.int64).reshape(-1, width)
    step = np.diff(rows[:, :keys], axis=0)
    ordered = np.ones(len(step), dtype=bool)
    for k in reversed(range(keys)):  # lexicographic: a later key decides only on ties
        ordered = (step[:, k] > 0) | ((step[:, k] == 0) & ordered)
    if not ordered.all():
        rows = rows[np.lexsort(rows[:, keys - 1 :: -1].T)]
    return rows


def _local(values: Array) -> tuple[Array, Array]:
    """UTC microseconds as local ones (NA when NULL), and which are too old for the offset."""
    missing = values == _NULL
    return np.where(missing, NA, values + _LOCAL_OFFSET_US), ~missing & (values < _GUARD_US)


def _owned(ids: Array, items: Array) -> Array:
    """The rows of ``items`` (dossier id first) that belong to one of ``ids`` (sorted): items
    are read by id range, which also holds the settled dossiers an open-only run skips."""
    if not len(ids) or not len(items):
        return items[:0] if not len(ids) else items
    at = np.minimum(np.searchsorted(ids, items[:, 0]), len(ids) - 1)
    mine = ids[at] == items[:, 0]
    return items if mine.all() else items[mine]


class _Chunk:
    """One chunk's rows read as arrays, its batch for the deriver and what the stored rows say."""

    def __init__(self, rows: Array, index: dict[int, int], lo: int, hi: int, open_only: bool):
        ids = rows[:, 0]
        span = (lo, hi, lo, hi) if open_only else (lo, hi)
        self.ids = ids
        codes, flags = rows[:, 2], rows[:, 3]
        self.field_changed = ((flags >> len(_RAW_FLAGS)) & 1).astype(bool)
        self.stored_flags = flags >> _SHIFT
        self.stored_days = rows[:, 4]
        self.stored_cents = rows[:, 5]
        moments = [_local(rows[:, c]) for c in range(6, 11)]
        too_old = np.logical_or.reduce([old for _m, old in moments])
        qn = connection.ops.quote_name
        pauses = _read(
            _items_sql(
                qn(Pause._meta.db_table),
                (
                    _bigint(
                        f"CASE kind WHEN '{SUPPLEMENT}' THEN 0 WHEN '{FINANCIAL}' THEN 1 ELSE 2 END"
                    ),
                    _moment("requested_at"),
                    _moment("completed_at"),
                ),
                "dossier_id",
                open_only,
            ),
            span,
            4,
        )
        apologies = _read(
            _items_sql(
                qn(Apology._meta.db_table),
                (_moment("issued_at"), _moment("new_due_at")),
                "dossier_id",
                open_only,
            ),
            span,
            3,
        )
        steps = _read(
            _items_sql(
                qn(StepEvent._meta.db_table),
                (
                    f"{_bigint('seq')} * {2**32} + allotted_minutes",
                    _moment("started_at"),
                    _moment("ended_at"),
                    f"{_bigint('used_minutes')} * {2**32} + overrun_minutes",
                    _bigint("id"),
                ),
                "dossier_id, seq",
                open_only,
            ),
            span,
            6,
            keys=2,
        )
        pauses, apologies, steps = (_owned(ids, t) for t in (pauses, apologies, steps))
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
    field_codes: list[str],
    fallback_rows: list[tuple[Any, ...]],
    fallback_steps: list[tuple[int, int, int]],
) -> int:
    """Write the changed dossiers and steps of a chunk, and the fallback rows, and move the
    rollups by the changed dossiers' old and new contributions; return how many dossiers
    changed (a fallback row counts as changed)."""
    ok = ~out.fallback
    dossier_changed = ok & (
        chunk.field_changed
        | (_pack_derived(out) != chunk.stored_flags)
        | (out.counted_on != chunk.stored_days)
        | (out.late_cents != chunk.stored_cents)
    )
    owner = chunk.batch.step_owner
    step_changed = ok[owner] & (((out.step_used << 32) | out.step_overrun) != chunk.step_stored)
    changed = dossier_changed.copy()
    changed[owner[step_changed]] = True
    picked = np.flatnonzero(dossier_changed)
    rows: list[tuple[Any, ...]] = list(fallback_rows)
    columns = [getattr(out, _SOURCE.get(f, f))[picked].tolist() for f in DERIVED_FIELDS]
    procedure = chunk.batch.procedure[picked].tolist()
    for i, pk in enumerate(chunk.ids[picked].tolist()):
        values = [c[i] for c in columns]
        values[_DAY] = _EPOCH + datetime.timedelta(days=values[_DAY])
        values[_LATE] = days_from_cents(values[_LATE])
        values[_SEQ] = None if values[_SEQ] < 0 else values[_SEQ]
        rows.append((pk, field_codes[procedure[i]], *values))
    written = [row[0] for row in rows]
    old = stored_contributions("pk", written)
    update_by_id(Dossier._meta.db_table, ("field_code", *DERIVED_FIELDS), rows)
    deltas = rollups.Deltas()
    for d in old:
        deltas.add(d, -1)
    for d in stored_contributions("pk", written):
        deltas.add(d, +1)
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
    return int(changed.sum()) + len(fallback_rows)


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
    """Replace the OpenDossier rows of the chunk's id range by those of its dossiers counted
    and still open once derived, thresholds from the arrays (openclock's, exactly); the rows
    the arrays leave to rules.py go through openclock.refresh, which reads what was written."""
    OpenDossier.objects.filter(dossier_id__gte=lo, dossier_id__lte=hi).delete()
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
    insert_rows(OpenDossier._meta.db_table, openclock.COLUMNS, rows)
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
    chunk: int = CHUNK,
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
    dossiers were derived (:class:`FullRecomputeNeeded`): only a full run moves them all."""
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
    field_codes = [p.field_code for p in procedures.values()]
    qn = connection.ops.quote_name
    sql = _dossier_sql(qn(Dossier._meta.db_table), qn(Procedure._meta.db_table), open_only)
    total = Dossier.objects.filter(settled=False).count() if open_only else Dossier.objects.count()
    done = changed = fallen = last = 0
    fields_moved = False
    started = time.perf_counter()
    while True:
        with transaction.atomic():
            rows = _read(sql, (last, chunk), 11)
            if not len(rows):
                break
            lo, hi = int(rows[0, 0]), int(rows[-1, 0])
            last = hi
            part = _Chunk(rows, index, lo, hi, open_only)
            out = derive_columns(calendar, settings, as_of, part.batch, rules)
            out.fallback |= part.too_old
            fallback = part.ids[out.fallback].tolist()
            fallen += len(fallback)
            extra_rows, extra_steps = (
                _fallback(calendar, settings, as_of, procedures, fallback) if fallback else ([], [])
            )
            changed += _write_chunk(part, out, field_codes, extra_rows, extra_steps)
            limits = open_limits(calendar, settings, part.batch, rules)
            _write_open(part, out, limits, field_codes, lo, hi)
            fields_moved |= bool(part.field_changed.any())
        done += len(rows)
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
