"""Fast bulk writes: one prepared statement run with ``executemany``.

Django's ``bulk_update`` writes ``CASE WHEN id = … THEN …`` for every field, which SQLite and
PostgreSQL evaluate row by row against every branch: quadratic in the batch size, and the main
cost of a recompute (79 s for 10 000 dossiers before, see docs/performance.md). An ``UPDATE …
WHERE id = %s`` per row, sent as one ``executemany``, is linear.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def update_rows(objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Write ``fields`` of ``objs`` (all of one model, all saved) in one statement per row."""
    if not objs:
        return
    meta = objs[0]._meta
    concrete: list[Any] = [meta.get_field(name) for name in fields]
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(f.column)} = %s" for f in concrete)
    pk: Any = meta.pk
    sql = f"UPDATE {qn(meta.db_table)} SET {assignments} WHERE {qn(pk.column)} = %s"
    params: list[list[Any]] = [
        [f.get_db_prep_save(getattr(o, f.attname), connection) for f in concrete] + [o.pk]
        for o in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
