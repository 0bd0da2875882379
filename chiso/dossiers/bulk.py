"""Fast bulk writes for the ingest and the recompute: one statement per table per batch.

Django's ``bulk_create`` builds one big ``INSERT … VALUES`` per 999-parameter slice, and its
``bulk_update`` writes ``CASE WHEN id = … THEN …`` for every field, which SQLite and PostgreSQL
evaluate row by row against every branch: quadratic in the batch size. Here rows are plain
tuples already in database form:

- SQLite: one prepared statement run with ``executemany`` (in process, no round trip);
- PostgreSQL: ``COPY … FROM STDIN`` (psycopg 3), straight into the table for inserts, into a
  temporary table followed by one ``UPDATE … FROM`` or ``INSERT … SELECT … ON CONFLICT`` for
  updates and upserts.

Callers hold the transaction (the temporary tables are dropped at commit). Values must be what
the backend accepts (datetimes through :func:`db_moments`).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connection

_temp_names = itertools.count(1)
# Adapted moments by the identity of the datetime: the parser gives the same object for the same
# text (parsing._MOMENTS), and hashing an aware datetime asks its zone for the offset. The entry
# keeps its datetime alive, so its id cannot be reused by another object while it is stored.
_moments: dict[int, tuple[datetime.datetime, Any]] = {}


def quoted(*names: str) -> str:
    return ", ".join(connection.ops.quote_name(n) for n in names)


def db_moments() -> Callable[[datetime.datetime | None], Any]:
    """A function giving an aware datetime as the backend stores it (SQLite: UTC text, as
    Django writes it; PostgreSQL: itself). Asked once per batch: the connection proxy is slow."""
    if connection.vendor != "sqlite":
        return _same
    adapt: Callable[[datetime.datetime], Any]
    if settings.USE_TZ:
        zone = connection.timezone  # what Django's adapt_datetimefield_value does, unrolled

        def adapt(value: datetime.datetime) -> Any:
            if value.tzinfo is not None:
                value = value.astimezone(zone).replace(tzinfo=None)
            return str(value)

    else:
        adapt = connection.ops.adapt_datetimefield_value

    def stored(value: datetime.datetime | None) -> Any:
        # Memoised: the same moments recur across the steps and items of a file.
        if value is None:
            return None
        found = _moments.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        if len(_moments) >= 500_000:
            _moments.clear()
        stored_value = adapt(value)
        _moments[id(value)] = (value, stored_value)
        return stored_value

    return stored


def _same(value: Any) -> Any:
    return value


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """INSERT ``rows`` (tuples in ``columns`` order) into ``table``; a duplicate key raises
    IntegrityError as a plain INSERT would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY bypasses Django's cursor wrapper: translate its errors (a duplicate key is
            # IntegrityError, which the push API answers with 409).
            with connection.wrap_database_errors:
                with cursor.cursor.copy(
                    f"COPY {connection.ops.quote_name(table)} ({quoted(*columns)}) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {connection.ops.quote_name(table)} ({quoted(*columns)}) VALUES ({marks})",
            rows,
        )


def update_by_id(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE ``columns`` of ``table`` from ``rows`` = (id, values in ``columns`` order)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        with temp_rows(table, ("id", *columns), rows) as temp, connection.cursor() as cursor:
            assignments = ", ".join(f"{qn(c)} = {temp}.{qn(c)}" for c in columns)
            cursor.execute(
                f"UPDATE {qn(table)} SET {assignments} FROM {temp} WHERE {qn(table)}.id = {temp}.id"
            )
        return
    with connection.cursor() as cursor:
        assignments = ", ".join(f"{qn(c)} = %s" for c in columns)
        cursor.executemany(
            f"UPDATE {qn(table)} SET {assignments} WHERE id = %s",
            [(*row[1:], row[0]) for row in rows],
        )


def upsert_rows(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    conflict: Sequence[str],
    assignments: str,
) -> None:
    """INSERT ``rows`` into ``table`` or, for a row whose ``conflict`` columns exist already,
    UPDATE it by ``assignments`` (SQL that may name ``excluded.<column>``). A key may appear
    once in ``rows``."""
    if not rows:
        return
    qn = connection.ops.quote_name
    upsert = f"ON CONFLICT ({quoted(*conflict)}) DO UPDATE SET {assignments}"
    if connection.vendor == "postgresql":
        with temp_rows(table, columns, rows) as temp, connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {qn(table)} ({quoted(*columns)}) "
                f"SELECT {quoted(*columns)} FROM {temp} {upsert}"
            )
        return
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {qn(table)} ({quoted(*columns)}) VALUES ({marks}) {upsert}", rows
        )


@contextmanager
def temp_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Iterator[str]:
    """PostgreSQL: ``rows`` copied (``COPY``) into a new temporary table with ``table``'s
    ``columns`` and types; yields its name for one set-based statement (an ``executemany``
    costs one round trip per row), and drops it."""
    temp = f"chiso_rows_{next(_temp_names)}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "
            f"SELECT {quoted(*columns)} FROM {connection.ops.quote_name(table)} WITH NO DATA"
        )
        with connection.wrap_database_errors:
            with cursor.cursor.copy(f"COPY {temp} ({quoted(*columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        yield temp
        cursor.execute(f"DROP TABLE {temp}")


def delete_where_in(table: str, column: str, values: Sequence[Any]) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for part in chunks(values):
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"DELETE FROM {qn(table)} WHERE {qn(column)} IN ({marks})", part)


def chunks(values: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    """``values`` in slices small enough for any SQLite's parameter limit."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
