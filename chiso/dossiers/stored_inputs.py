"""The recompute's inputs as arrays of 64-bit integers: read from the tables, or from their
packed copy (:class:`~chiso.dossiers.models.InputBlock`).

A block is the dossiers whose ids fall in ``[number × BLOCK, (number + 1) × BLOCK)``, with
their pauses, apologies and steps, in the layout :func:`dossier_sql` and :func:`items_sql`
give. Reading them from the tables is most of a recompute's cost: SQLite evaluates each value
at about 0,15 µs whatever the output format (docs/performance.md, session 5), PostgreSQL's
index scans and expressions cost more. So the recompute stores each block it has derived, with
the derived values it has just written (:meth:`Inputs.with_derived`), and reads that copy next
time unless a trigger has deleted it because one of its rows changed (migration 0009).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Max, Min

from chiso.dossiers.models import (
    Apology,
    DailyRollup,
    Dossier,
    InputBlock,
    Pause,
    Procedure,
    StepEvent,
)
from chiso.dossiers.rules import FINANCIAL, SUPPLEMENT
from chiso.dossiers.vectorised import Array, Derived

BLOCK = 16_384  # ids per block: the triggers of migration 0009 divide by the same number
NULL = -(2**62)  # a NULL moment in the integer columns; no datetime comes near it
# Small values travel packed into one integer: the raw codes (PositiveSmallIntegerField,
# < 2**15) in 16-bit fields and the flags one bit each. The stored derived flags are packed in
# the layout pack_derived builds from the new values: a dossier is unchanged iff they are equal.
RAW_FLAGS = ("d.fee_total > 0", "d.e_result", "d.digitised", "d.reused_data", "d.synced")
SYNCED_BIT = RAW_FLAGS.index("d.synced")
FIELD_MOVED_BIT = len(RAW_FLAGS)
DERIVED_FLAGS = (
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
NULLABLE = ("on_time", "on_time_extended")  # two bits each: 0, 1, or 2 for NULL
SHIFT = FIELD_MOVED_BIT + 1  # where the stored derived flags start
# Widths of the arrays: dossiers (id, procedure << 32 | agency, codes, flags, counted_on, late
# cents, five moments), pauses (dossier, kind, two moments), apologies (dossier, two moments),
# steps (dossier, seq << 32 | allotted, two moments, used << 32 | overrun, id).
WIDTHS = {"dossiers": 11, "pauses": 4, "apologies": 3, "steps": 6}


def bigint(expression: str) -> str:
    return f"CAST({expression} AS BIGINT)"


def _bit(expression: str) -> str:
    return f"CAST(CAST({expression} AS INTEGER) AS BIGINT)"  # PostgreSQL casts bool to int only


def moment(column: str) -> str:
    """SQL giving a datetime column as integer microseconds since 1970 (UTC), or NULL."""
    if connection.vendor == "postgresql":
        value = f"CAST(EXTRACT(EPOCH FROM {column}) * 1000000 AS BIGINT)"
    else:  # Django's text "YYYY-MM-DD HH:MM:SS[.ffffff]", in UTC
        seconds = (
            f"unixepoch({column})"
            if sqlite3.sqlite_version_info >= (3, 38)
            else f"CAST(strftime('%%s', {column}) AS INTEGER)"
        )
        value = f"{seconds} * 1000000 + CAST(substr({column}, 21, 6) AS INTEGER)"
    return f"COALESCE({value}, {NULL})"


def _named(columns: Sequence[str]) -> str:
    """The select list with the columns named c0, c1, … (what _read reads them by)."""
    return ", ".join(f"{c} AS c{i}" for i, c in enumerate(columns))


def dossier_sql(open_only: bool = False) -> str:
    """The dossiers with ids between two parameters (``open_only``: those whose outcome is not
    settled), one row of ``WIDTHS["dossiers"]`` integers each, by id."""
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        counted_on = "(d.counted_on - DATE '1970-01-01')"
    else:
        counted_on = "CAST(julianday(d.counted_on) - 2440587.5 AS INTEGER)"
    codes = " + ".join(
        f"{bigint('d.' + c)} * {2 ** (16 * k)}"
        for k, c in enumerate(("result_channel", "paid_online", "channel", "status"))
    )
    parts = [*RAW_FLAGS, "d.field_code <> p.field_code", *(f"d.{c}" for c in DERIVED_FLAGS)]
    flags = [f"{_bit(c)} * {2**k}" for k, c in enumerate(parts)]
    at = len(parts)
    for name in NULLABLE:
        flags.append(f"COALESCE({_bit('d.' + name)}, 2) * {2**at}")
        at += 2
    flags.append(f"COALESCE({bigint('d.responsible_seq')} + 1, 0) * {2**at}")
    columns = [
        bigint("d.id"),
        f"{bigint('d.procedure_id')} * {2**32} + d.agency_id",
        codes,
        " + ".join(flags),
        bigint(counted_on),
        bigint("ROUND(d.late_days * 100)"),
        *(
            moment(f"d.{c}")
            for c in ("received_at", "due_initial", "due_at", "finished_at", "returned_at")
        ),
    ]
    return (
        f"SELECT {_named(columns)} FROM {qn(Dossier._meta.db_table)} d"
        f" JOIN {qn(Procedure._meta.db_table)} p ON p.id = d.procedure_id"
        f" WHERE d.id BETWEEN %s AND %s{' AND NOT d.settled' if open_only else ''} ORDER BY d.id"
    )


def items_sql(table: str, columns: Sequence[str], order: str, open_only: bool) -> str:
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
        f"SELECT {_named([bigint('dossier_id'), *columns])} FROM {table}"
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


def pack_derived(out: Derived) -> Array:
    """The new derived flags and responsible seq, packed as dossier_sql packs the stored ones
    (from bit SHIFT on)."""
    packed = np.zeros(len(out.fallback), dtype=np.int64)
    at = 0
    for name in DERIVED_FLAGS:
        packed |= getattr(out, name).astype(np.int64) << at
        at += 1
    for name in NULLABLE:  # never None once derived
        packed |= getattr(out, name).astype(np.int64) << at
        at += 2
    return packed | ((out.responsible_seq + 1) << at)


def flag_changes(stored: Array, new: Array) -> dict[str, Array]:
    """Which of the derived values packed as :func:`pack_derived` packs them differ between
    ``stored`` and ``new``, by field name (the flags, ``on_time``, ``on_time_extended`` and
    ``responsible_seq``)."""
    diff = stored ^ new
    changes = {name: ((diff >> k) & 1).astype(bool) for k, name in enumerate(DERIVED_FLAGS)}
    at = len(DERIVED_FLAGS)
    for name in NULLABLE:
        changes[name] = ((diff >> at) & 3) != 0
        at += 2
    changes["responsible_seq"] = (diff >> at) != 0
    return changes


def judged_late(packed: Array) -> Array:
    """Which dossiers, from their derived values packed as :func:`pack_derived` packs them, are
    counted and judged late (``on_time`` False), settled or not: the late list's dossiers."""
    at = len(DERIVED_FLAGS)
    counted = ((packed >> DERIVED_FLAGS.index("is_counted")) & 1).astype(bool)
    return counted & (((packed >> at) & 3) == 0)


# The rollup counters that are one derived flag of a counted dossier (rollups.CONDITIONS).
_COUNTED_FLAGS = {
    "eligible": "is_eligible",
    "full_online": "full_online",
    "fee_bearing": "is_fee_bearing",
    "paid_online": "is_paid_online",
    "paper_result": "is_paper",
    "e_result": "is_e_result",
    "digitised": "is_digitised",
    "reused": "is_reused",
}


def counters(packed: Array, cents: Array, channel: Array, synced: Array) -> Array:
    """What each dossier adds to its day's rollup row, one column per ``DailyRollup.COUNTERS``
    (late days in hundredths), from its derived flags packed as :func:`pack_derived` packs
    them, its days late × 100, channel and synced flag: rollups.contribution for many
    dossiers at once (tests/dossiers/test_input_blocks.py holds them equal)."""

    def flag(name: str) -> Array:
        return (packed >> DERIVED_FLAGS.index(name)) & 1

    at = len(DERIVED_FLAGS)
    counted = flag("is_counted")
    settled = counted & flag("settled")
    late = settled & judged_late(packed)  # on_time False, not NULL (2)
    values = {
        "received": counted,
        "settled": settled,
        "late": late,
        "late_extended": settled & (((packed >> (at + 2)) & 3) == 0),
        "late_days": late * cents,
        "late_without_apology": settled & flag("late_without_apology"),
        "online": counted & (channel == 2),
        "synced": counted & synced,
        **{counter: counted & flag(name) for counter, name in _COUNTED_FLAGS.items()},
    }
    return np.stack([values[c].astype(np.int64) for c in DailyRollup.COUNTERS], axis=1)


@dataclass(frozen=True)
class Inputs:
    """The rows of some dossiers and of their pauses, apologies and steps, by dossier id (and
    seq for the steps); columns as ``WIDTHS`` says."""

    dossiers: Array
    pauses: Array
    apologies: Array
    steps: Array

    def with_derived(self, out: Derived) -> Inputs:
        """These inputs once ``out``, derived from them, has been written: the stored derived
        values of the dossiers and steps replaced, and their field no longer moved (the
        recompute writes the procedure's field with them)."""
        dossiers, steps = self.dossiers.copy(), self.steps.copy()
        raw = dossiers[:, 3] & ((1 << FIELD_MOVED_BIT) - 1)
        dossiers[:, 3] = raw | (pack_derived(out) << SHIFT)
        dossiers[:, 4] = out.counted_on
        dossiers[:, 5] = out.late_cents
        steps[:, 4] = (out.step_used << 32) | out.step_overrun
        return Inputs(dossiers, self.pauses, self.apologies, steps)


def read_tables(lo: int, hi: int, open_only: bool) -> Inputs:
    """The inputs of the dossiers with ids from ``lo`` to ``hi`` (``open_only``: of those whose
    outcome is not settled), read from the tables."""
    qn = connection.ops.quote_name
    bounds = (lo, hi, lo, hi) if open_only else (lo, hi)
    dossiers = _read(dossier_sql(open_only), (lo, hi), WIDTHS["dossiers"])
    pause_kind = f"CASE kind WHEN '{SUPPLEMENT}' THEN 0 WHEN '{FINANCIAL}' THEN 1 ELSE 2 END"
    pauses = _read(
        items_sql(
            qn(Pause._meta.db_table),
            (bigint(pause_kind), moment("requested_at"), moment("completed_at")),
            "dossier_id",
            open_only,
        ),
        bounds,
        WIDTHS["pauses"],
    )
    apologies = _read(
        items_sql(
            qn(Apology._meta.db_table),
            (moment("issued_at"), moment("new_due_at")),
            "dossier_id",
            open_only,
        ),
        bounds,
        WIDTHS["apologies"],
    )
    steps = _read(
        items_sql(
            qn(StepEvent._meta.db_table),
            (
                f"{bigint('seq')} * {2**32} + allotted_minutes",
                moment("started_at"),
                moment("ended_at"),
                f"{bigint('used_minutes')} * {2**32} + overrun_minutes",
                bigint("id"),
            ),
            "dossier_id, seq",
            open_only,
        ),
        bounds,
        WIDTHS["steps"],
        keys=2,
    )
    return Inputs(dossiers, pauses, apologies, steps)


def _array(value: bytes | memoryview, name: str) -> Array:
    return np.frombuffer(bytes(value), dtype="<i8").reshape(-1, WIDTHS[name])


def read_block(number: int, fields: Mapping[int, str]) -> Inputs | None:
    """Block ``number``'s stored copy, or None when there is none; ``fields`` the field code of
    every procedure now: the dossiers of a procedure whose field differs from the one written
    with them are marked moved, as dossier_sql marks them."""
    sql = (
        "SELECT fields, dossiers, pauses, apologies, steps"
        f" FROM {connection.ops.quote_name(InputBlock._meta.db_table)} WHERE number = %s"
    )
    if connection.vendor == "postgresql":
        # In binary: as text, bytea travels as hexadecimal digits, twice the size, and parsing
        # them took longer than the rest of a block's recompute. Django's cursors bind
        # parameters on the client, which rules binary results out: a plain psycopg cursor.
        import psycopg

        connection.ensure_connection()
        with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
            raw.execute(sql, (number,), binary=True)
            row = raw.fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, (number,))
            row = cursor.fetchone()
    if row is None:
        return None
    written = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    dossiers, pauses, apologies, steps = (
        _array(value, name) for value, name in zip(row[1:], WIDTHS, strict=True)
    )
    moved = [int(p) for p, code in written.items() if fields.get(int(p)) != code]
    dossiers = dossiers.copy()
    dossiers[:, 3] &= ~(1 << FIELD_MOVED_BIT)
    dossiers[:, 3] |= np.isin(dossiers[:, 1] >> 32, moved).astype(np.int64) << FIELD_MOVED_BIT
    return Inputs(dossiers, pauses, apologies, steps)


def store_block(number: int, inputs: Inputs, fields: Mapping[int, str]) -> None:
    """Keep ``inputs`` (all of block ``number``'s rows, as written) as the block's copy, with
    the field code written to the dossiers of each of its procedures (``fields``)."""
    procedures = np.unique(inputs.dossiers[:, 1] >> 32).tolist()
    written = {str(p): fields[p] for p in procedures}
    packed = {
        name: np.ascontiguousarray(getattr(inputs, name), dtype="<i8").tobytes() for name in WIDTHS
    }
    InputBlock.objects.filter(number=number).delete()
    if connection.vendor != "postgresql":
        InputBlock.objects.create(number=number, fields=written, **packed)
        return
    # In binary, as read_block reads them: Django's cursors bind parameters on the client,
    # which sends bytea as hexadecimal text in the statement, twice the size for the server to
    # parse (a third of a recompute that rewrote every copy).
    import psycopg
    from psycopg.types.json import Jsonb

    table = connection.ops.quote_name(InputBlock._meta.db_table)
    sql = (
        f"INSERT INTO {table} (number, fields, {', '.join(packed)}, written_at)"
        f" VALUES (%s, %s, {', '.join(['%b'] * len(packed))}, now())"
    )
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as raw:
        raw.execute(sql, (number, Jsonb(written), *packed.values()))


def lock_tables() -> None:
    """On PostgreSQL, keep the input tables from changing until the transaction ends: what is
    derived from a block, and the copy kept of it, must be what was read. Writers wait (tens
    of milliseconds a block once its copy is kept); readers do not. The tables are locked in
    the order the ingest writes them. SQLite needs nothing: its transactions are IMMEDIATE
    (settings.py), one writer at a time from the first read."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table) for m in (Dossier, Pause, Apology, StepEvent)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def blocks(size: int) -> Iterator[tuple[int, int, int]]:
    """(number, first id, last id) of every block of ``size`` ids from the lowest stored
    dossier id to the highest (some may hold no dossier)."""
    bounds = Dossier.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return
    for number in range(bounds["lo"] // size, bounds["hi"] // size + 1):
        yield number, number * size, (number + 1) * size - 1


def keep_copies() -> int:
    """Keep a copy, as the tables say, of every block that has none; return how many were
    kept. An import ends with it: its writes made the database forget the copies of the blocks
    it touched, and reading them is what a recompute's time goes on. A block holding a dossier
    whose procedure has moved field since it was derived is left to the next recompute (which
    moves it): its copy could not say which dossiers still carry the old field."""
    fields = dict(Procedure.objects.values_list("pk", "field_code"))
    kept = set(InputBlock.objects.values_list("number", flat=True))
    count = 0
    for number, lo, hi in blocks(BLOCK):
        if number in kept:
            continue
        with transaction.atomic():
            lock_tables()
            inputs = read_tables(lo, hi, open_only=False)
            moved = (inputs.dossiers[:, 3] >> FIELD_MOVED_BIT) & 1
            if len(inputs.dossiers) and not moved.any():
                store_block(number, inputs, fields)
                count += 1
    return count
