"""The delay causes by month (:class:`DelayCauseRollup`): what the field page's delay
attribution (``queries.delay_causes``) reads instead of joining every late dossier of the
period to its responsible step, whose cost grew with the late dossiers (1,4 s at 10⁶).

A dossier counts in one row when it is counted and late (``on_time`` False, settled or still
open: the late list's dossiers) and its responsible step (rules.py S2: the step that overran
first, ``StepEvent.seq = Dossier.responsible_seq``) is stored: the row of its agency, field,
procedure, month (``counted_on``'s first day: periods are whole months) and that step's
number, name, role, person and unit. A row holds how many dossiers and the sum of their
steps' overrun minutes.

It is kept exact set-based, never per row in Python: a writer takes :func:`grouped` of the
dossiers it is about to write, writes them (dossier rows and steps), takes :func:`grouped` of
the same dossiers again and hands both to :func:`apply`, which adds the difference (rows
falling to 0 are deleted). The ingest and the recompute do so in their transactions;
:func:`rebuild` recomputes every row with one ``INSERT … SELECT`` (the recompute's
``--rebuild-rollups``); tests/dossiers/test_delay_rollups.py checks the paths agree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from chiso.dossiers.bulk import chunks, quoted, temp_rows, upsert_rows
from chiso.dossiers.models import DelayCauseRollup, Dossier, StepEvent

# A step sent without its template step number: the unique key needs a value (NULLs are
# distinct in a unique index on SQLite and on PostgreSQL before 15), and numbers are >= 0.
NO_STEP_NUMBER = -1
KEY = (
    "field_code",
    "month",
    "agency_id",
    "procedure_id",
    "step_number",
    "name",
    "role",
    "person",
    "unit",
)
# A row's key (in KEY's order, month a date) → (late dossiers, overrun minutes).
Causes = dict[tuple[Any, ...], tuple[int, int]]


def _month(column: str) -> str:
    """SQL for the first day of the month of a date column, as a date."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def select_sql(where: str = "") -> str:
    """The rows of the late dossiers (alias ``d``) matching ``where`` (SQL, may be empty), in
    :data:`KEY` order followed by the count and the overrun: one aggregate query joining each
    dossier to its responsible step."""
    dossier = connection.ops.quote_name(Dossier._meta.db_table)
    step = connection.ops.quote_name(StepEvent._meta.db_table)
    return (
        f"SELECT d.field_code, {_month('d.counted_on')}, d.agency_id, d.procedure_id, "
        f"COALESCE(s.step_number, {NO_STEP_NUMBER}), s.name, s.role, s.person, s.unit, "
        "COUNT(*), SUM(s.overrun_minutes) "
        f"FROM {dossier} d JOIN {step} s ON s.dossier_id = d.id AND s.seq = d.responsible_seq "
        f"WHERE d.is_counted AND NOT d.on_time{f' AND ({where})' if where else ''} "
        f"GROUP BY d.field_code, {_month('d.counted_on')}, d.agency_id, d.procedure_id, "
        "s.step_number, s.name, s.role, s.person, s.unit"
    )


def _date(value: Any) -> datetime.date:
    """A month as SQLite's date() gives it (text) or PostgreSQL (a date)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def grouped(ids: Iterable[int]) -> Causes:
    """What the dossiers ``ids`` contribute to the rows, by key, as now stored."""
    out: Causes = {}
    with connection.cursor() as cursor:
        for part in chunks(list(ids)):
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(select_sql(f"d.id IN ({marks})"), list(part))
            for *key, count, overrun in cursor.fetchall():
                key[1] = _date(key[1])
                k = tuple(key)
                had = out.get(k, (0, 0))
                out[k] = (had[0] + count, had[1] + overrun)
    return out


def apply(new: Causes, old: Causes) -> None:
    """Add ``new`` and subtract ``old`` (:func:`grouped` of the same dossiers after and before
    their writes): one upsert, then the rows whose count fell to 0 deleted. Runs inside the
    caller's transaction."""
    day = connection.ops.adapt_datefield_value
    rows, shrunk = [], []
    for key in new.keys() | old.keys():
        after, before = new.get(key, (0, 0)), old.get(key, (0, 0))
        count, overrun = after[0] - before[0], after[1] - before[1]
        if count or overrun:
            stored = (key[0], day(key[1]), *key[2:])
            rows.append((*stored, count, overrun))
            if count < 0:
                shrunk.append(stored)
    if not rows:
        return
    table = connection.ops.quote_name(DelayCauseRollup._meta.db_table)
    # The counters have no non-negative check: a negative delta reaches an existing row
    # through the INSERT's conflict, which such a check would refuse first.
    counters = [connection.ops.quote_name(c) for c in DelayCauseRollup.COUNTERS]
    adds = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in counters)
    upsert_rows(
        DelayCauseRollup._meta.db_table, (*KEY, *DelayCauseRollup.COUNTERS), rows, KEY, adds
    )
    if shrunk and connection.vendor == "postgresql":
        # One statement, not one round trip per row.
        with temp_rows(DelayCauseRollup._meta.db_table, KEY, shrunk) as temp:
            match = " AND ".join(f"{table}.{k} = {temp}.{k}" for k in quoted(*KEY).split(", "))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {table} USING {temp} WHERE {match} AND {table}.{quoted('count')} = 0"
                )
    elif shrunk:
        key_sql = " AND ".join(f"{quoted(c)} = %s" for c in KEY)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {table} WHERE {key_sql} AND {quoted('count')} = 0", shrunk
            )


@transaction.atomic
def rebuild() -> int:
    """Replace every row by the recomputation from the dossiers and their steps (one
    ``INSERT … SELECT``); return the row count."""
    DelayCauseRollup.objects.all().delete()
    table = connection.ops.quote_name(DelayCauseRollup._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({quoted(*KEY, *DelayCauseRollup.COUNTERS)}) {select_sql()}"
        )
    return DelayCauseRollup.objects.count()
