"""Daily rollups (agency × procedure × day) and their monthly sums (agency × field × month):
kept up to date by ingest and recompute, rebuilt from scratch on demand.

A dossier contributes one vector of counters (:func:`contribution`) to the row of the day it
is counted on and to the row of that day's month. Ingest subtracts a re-sent dossier's old
vector and adds its new one, in the same transaction as the dossier itself (:func:`apply`),
and recompute does the same for the dossiers whose derived values changed;
:func:`rebuild` recomputes every daily row from the dossiers with one aggregate query and the
monthly rows from the daily ones, and the paths must always agree (tests/dossiers).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth

from chiso.dossiers import delay_rollups
from chiso.dossiers.bulk import insert_rows, quoted, temp_rows, upsert_rows
from chiso.dossiers.models import DailyRollup, Dossier, MonthlyRollup, Procedure, RollupCounters

Key = tuple[int, int, datetime.date]  # agency id, procedure id, day
MonthKey = tuple[int, str, datetime.date]  # agency id, field code, first day of the month
Vector = dict[str, Decimal | int]

# Each counter as a condition on the dossier's stored fields: the one definition both the
# incremental path and the rebuild use.
_SETTLED_LATE = Q(is_counted=True, settled=True, on_time=False)
CONDITIONS: dict[str, Q] = {
    "received": Q(is_counted=True),
    "settled": Q(is_counted=True, settled=True),
    "late": _SETTLED_LATE,
    "late_extended": Q(is_counted=True, settled=True, on_time_extended=False),
    "late_without_apology": Q(is_counted=True, settled=True, late_without_apology=True),
    "online": Q(is_counted=True, channel=2),
    "eligible": Q(is_counted=True, is_eligible=True),
    "full_online": Q(is_counted=True, full_online=True),
    "fee_bearing": Q(is_counted=True, is_fee_bearing=True),
    "paid_online": Q(is_counted=True, is_paid_online=True),
    "paper_result": Q(is_counted=True, is_paper=True),
    "e_result": Q(is_counted=True, is_e_result=True),
    "digitised": Q(is_counted=True, is_digitised=True),
    "reused": Q(is_counted=True, is_reused=True),
    "synced": Q(is_counted=True, synced=True),
}


def contribution(d: Any) -> Vector:
    """The counters one dossier adds to its day's row (mirrors :data:`CONDITIONS`). ``d`` is a
    :class:`Dossier` or any object with its fields as attributes (the ingest's rows)."""
    if not d.is_counted:
        return {}
    late = d.settled and d.on_time is False
    flags = {
        "received": True,
        "settled": d.settled,
        "late": late,
        "late_extended": d.settled and d.on_time_extended is False,
        "late_without_apology": d.settled and d.late_without_apology,
        "online": d.channel == 2,
        "eligible": d.is_eligible,
        "full_online": d.full_online,
        "fee_bearing": d.is_fee_bearing,
        "paid_online": d.is_paid_online,
        "paper_result": d.is_paper,
        "e_result": d.is_e_result,
        "digitised": d.is_digitised,
        "reused": d.is_reused,
        "synced": d.synced,
    }
    vector: Vector = {k: 1 for k, v in flags.items() if v}
    if late:
        vector["late_days"] = Decimal(d.late_days)
    return vector


def key_of(d: Any) -> Key:
    return (d.agency_id, d.procedure_id, d.counted_on)


class Deltas:
    """Counter changes per daily and per monthly rollup key, collected over a batch."""

    def __init__(self) -> None:
        self.by_key: dict[Key, dict[str, Decimal | int]] = defaultdict(lambda: defaultdict(int))
        self.fields: dict[Key, str] = {}
        self.by_month: dict[MonthKey, dict[str, Decimal | int]] = defaultdict(
            lambda: defaultdict(int)
        )

    def add(self, d: Any, sign: int) -> None:
        key = key_of(d)
        self.fields[key] = d.field_code
        row = self.by_key[key]
        month = self.by_month[(d.agency_id, d.field_code, d.counted_on.replace(day=1))]
        for name, value in contribution(d).items():
            row[name] += sign * value
            month[name] += sign * value

    def add_counts(self, key: Key, field_code: str, counts: list[int]) -> None:
        """Add counters given in ``DailyRollup.COUNTERS`` order (days late in hundredths) to
        the key's daily row and to its month's row: the recompute's changes, summed from its
        arrays (stored_inputs.counters)."""
        self.fields[key] = field_code
        row = self.by_key[key]
        month = self.by_month[(key[0], field_code, key[2].replace(day=1))]
        for name, count in zip(DailyRollup.COUNTERS, counts, strict=True):
            if count:
                value = Decimal(count).scaleb(-2) if name == "late_days" else count
                row[name] += value
                month[name] += value


def _sum(a: str, b: str, column: str) -> str:
    """SQL adding two counters. Days late are rounded to their two decimals: SQLite adds
    decimals as floating point, and the residue would keep an emptied row from reading 0."""
    late_days = connection.ops.quote_name("late_days")
    return f"ROUND({a} + {b}, 2)" if column == late_days else f"{a} + {b}"


def apply(deltas: Deltas) -> None:
    """Add the batch's deltas to the daily rows and to the monthly rows, one statement per
    table and kind of change; rows falling to zero are deleted. Runs inside the caller's
    transaction (ingest)."""
    _apply_to(
        DailyRollup,
        ("agency_id", "procedure_id", "day"),
        {k: (*k, deltas.fields[k]) for k in deltas.by_key},
        deltas.by_key,
    )
    _apply_to(
        MonthlyRollup,
        ("agency_id", "field_code", "month"),
        {k: k for k in deltas.by_month},
        deltas.by_month,
    )


def _apply_to(
    model: type[RollupCounters],
    key_columns: tuple[str, str, str],
    inserted: dict[Any, tuple[Any, ...]],
    by_key: dict[Any, dict[str, Decimal | int]],
) -> None:
    """Add ``by_key``'s deltas to ``model``'s rows keyed by ``key_columns`` (the last a date);
    ``inserted`` gives a new row's values before its counters (the key, and for daily rows
    the field code)."""
    keys = [k for k, v in by_key.items() if any(v.values())]
    if not keys:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    counters = quoted(*model.COUNTERS).split(", ")
    day = connection.ops.adapt_datefield_value
    grown, shrunk = [], []
    for key in keys:
        delta = [by_key[key].get(c, 0) for c in model.COUNTERS]
        if any(v < 0 for v in delta):
            shrunk.append((*delta, key[0], key[1], day(key[2])))
        else:
            first = inserted[key]
            grown.append((first[0], first[1], day(first[2]), *first[3:], *delta))
    extra = ["field_code"] if model is DailyRollup else []
    if grown:
        # A new key's row starts from its delta, an existing one adds it (a daily row keeps
        # the field code it was created with).
        upsert_rows(
            model._meta.db_table,
            [*key_columns, *extra, *model.COUNTERS],
            grown,
            list(key_columns),
            ", ".join(f"{c} = {_sum(f'{table}.{c}', f'excluded.{c}', c)}" for c in counters),
        )
    if shrunk and connection.vendor == "postgresql":
        _shrink_postgresql(model, key_columns, shrunk)
    elif shrunk:
        # A negative delta removes a re-sent dossier's old contribution, so its row exists;
        # an INSERT would trip the counters' non-negative checks before any conflict.
        key_sql = " AND ".join(f"{quoted(c)} = %s" for c in key_columns)
        adds = ", ".join(f"{c} = {_sum(c, '%s', c)}" for c in counters)
        zero = " AND ".join(f"{c} = 0" for c in counters)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {adds} WHERE {key_sql}", shrunk)
            cursor.executemany(
                f"DELETE FROM {table} WHERE {key_sql} AND {zero}", [r[-3:] for r in shrunk]
            )


def _shrink_postgresql(
    model: type[RollupCounters], key_columns: tuple[str, str, str], rows: list[tuple[Any, ...]]
) -> None:
    """:func:`_apply_to`'s rows with a negative delta (counters, then the key), on PostgreSQL:
    added by one ``UPDATE … FROM`` a temporary table, the rows falling to zero deleted by one
    ``DELETE … USING`` (an ``executemany`` went to the server once per row: 2,6 s of a
    recompute after a calendar change)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with temp_rows(model._meta.db_table, [*model.COUNTERS, *key_columns], rows) as temp:
        counters = quoted(*model.COUNTERS).split(", ")
        adds = ", ".join(f"{c} = {_sum(f'{table}.{c}', f'{temp}.{c}', c)}" for c in counters)
        match = " AND ".join(f"{table}.{k} = {temp}.{k}" for k in quoted(*key_columns).split(", "))
        zero = " AND ".join(f"{table}.{c} = 0" for c in counters)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {adds} FROM {temp} WHERE {match}")
            cursor.execute(f"DELETE FROM {table} USING {temp} WHERE {match} AND {zero}")


def follow_procedure_fields() -> int:
    """Give the daily rows the field code their procedure now has (a procedure moved to another
    field: its dossiers' monthly contributions moved with them, but a daily row keeps its key);
    return how many rows changed."""
    moved = DailyRollup.objects.exclude(field_code=F("procedure__field_code"))
    return moved.update(
        field_code=Subquery(
            Procedure.objects.filter(pk=OuterRef("procedure_id")).values("field_code")[:1]
        )
    )


def aggregate_rows() -> list[dict[str, Any]]:
    """Rollup rows recomputed from the dossiers by the database (the reference)."""
    # Annotations are prefixed: several counters share a name with a Dossier field.
    sums: dict[str, Sum] = {
        "n_" + name: Sum(
            Case(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        for name, cond in CONDITIONS.items()
    }
    sums["n_late_days"] = Sum(
        Case(
            When(_SETTLED_LATE, then="late_days"),
            default=Value(Decimal(0)),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    )
    rows = (
        Dossier.objects.filter(is_counted=True)
        .values("agency_id", "procedure_id", "field_code", "counted_on")
        .annotate(**sums)
        .order_by()
    )
    return [
        {
            **{k: r[k] for k in ("agency_id", "procedure_id", "field_code", "counted_on")},
            **{c: r["n_" + c] or 0 for c in DailyRollup.COUNTERS},
        }
        for r in rows
    ]


@transaction.atomic
def rebuild() -> int:
    """Replace every daily rollup row by the recomputation from the dossiers, in one
    INSERT … SELECT (the portable SQL of chiso.dossiers.analytics), then the monthly rows by
    the daily ones' sums, and the delay causes (:func:`delay_rollups.rebuild`); return the
    daily row count."""
    from chiso.dossiers.analytics import CONDITIONS as SQL

    DailyRollup.objects.all().delete()
    qn = connection.ops.quote_name
    sums = [
        f"SUM(CASE WHEN {SQL['late']} THEN late_days ELSE 0 END)"
        if c == "late_days"
        else f"SUM(CASE WHEN {SQL[c]} THEN 1 ELSE 0 END)"
        for c in DailyRollup.COUNTERS
    ]
    columns = ["agency_id", "procedure_id", "field_code", "day", *DailyRollup.COUNTERS]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(DailyRollup._meta.db_table)} ({', '.join(map(qn, columns))}) "
            f"SELECT agency_id, procedure_id, field_code, counted_on, {', '.join(sums)} "
            f"FROM {qn(Dossier._meta.db_table)} WHERE is_counted "
            "GROUP BY agency_id, procedure_id, field_code, counted_on"
        )
    rebuild_monthly()
    delay_rollups.rebuild()
    return DailyRollup.objects.count()


def monthly_rows() -> list[tuple[Any, ...]]:
    """The monthly rows as the daily rows sum up, in :func:`rebuild_monthly`'s column order."""
    rows = (
        DailyRollup.objects.annotate(month=TruncMonth("day"))
        .values("agency_id", "field_code", "month")
        .annotate(**{"n_" + c: Sum(c) for c in DailyRollup.COUNTERS})
        .order_by()
    )
    return [
        (
            r["agency_id"],
            r["field_code"],
            r["month"],
            *(r["n_" + c] for c in DailyRollup.COUNTERS),
        )
        for r in rows
    ]


@transaction.atomic
def rebuild_monthly() -> int:
    """Replace every monthly row by the sums of the daily rows; return the row count."""
    MonthlyRollup.objects.all().delete()
    rows = monthly_rows()
    columns = ("agency_id", "field_code", "month", *MonthlyRollup.COUNTERS)
    insert_rows(MonthlyRollup._meta.db_table, columns, rows)
    return len(rows)
