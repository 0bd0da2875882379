"""The rollup counters as portable SQL, for analytics engines other than Django's database.

The same text runs on SQLite, PostgreSQL, ClickHouse (chDB) and DuckDB over a table holding
the dossiers' derived columns (:data:`COLUMNS`), and must give the same rows as
:func:`chiso.dossiers.rollups.aggregate_rows` (tests/dossiers/test_engines.py). It is how a
national deployment would compute the score card on a ClickHouse copy of the dossiers
(docs/scale.md) without a second definition of any metric.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from chiso.dossiers.models import DailyRollup, Dossier

# Each counter's condition, mirroring rollups.CONDITIONS (checked by the tests).
CONDITIONS: dict[str, str] = {
    "received": "is_counted",
    "settled": "is_counted AND settled",
    "late": "is_counted AND settled AND NOT on_time",
    "late_extended": "is_counted AND settled AND NOT on_time_extended",
    "late_without_apology": "is_counted AND settled AND late_without_apology",
    "online": "is_counted AND channel = 2",
    "eligible": "is_counted AND is_eligible",
    "full_online": "is_counted AND full_online",
    "fee_bearing": "is_counted AND is_fee_bearing",
    "paid_online": "is_counted AND is_paid_online",
    "paper_result": "is_counted AND is_paper",
    "e_result": "is_counted AND is_e_result",
    "digitised": "is_counted AND is_digitised",
    "reused": "is_counted AND is_reused",
    "synced": "is_counted AND synced",
}
COLUMNS = (
    "agency_id",
    "procedure_id",
    "counted_on",
    "is_counted",
    "settled",
    "on_time",
    "on_time_extended",
    "late_days",
    "late_without_apology",
    "channel",
    "is_eligible",
    "full_online",
    "is_fee_bearing",
    "is_paid_online",
    "is_paper",
    "is_e_result",
    "is_digitised",
    "is_reused",
    "synced",
)


def rollup_sql(table: str) -> str:
    """SELECT … GROUP BY agency, procedure, day over ``table``, counters named as in
    :class:`DailyRollup`, ordered by the key."""
    # Aliases are prefixed: ClickHouse lets an alias shadow the column of the same name.
    sums = [
        f"SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS n_{name}" for name, cond in CONDITIONS.items()
    ]
    sums.append(f"SUM(CASE WHEN {CONDITIONS['late']} THEN late_days ELSE 0 END) AS n_late_days")
    return (
        f"SELECT agency_id, procedure_id, counted_on, {', '.join(sums)} FROM {table} "
        "WHERE is_counted GROUP BY agency_id, procedure_id, counted_on "
        "ORDER BY agency_id, procedure_id, counted_on"
    )


def export_rows() -> list[tuple[Any, ...]]:
    """The dossiers' derived columns, in :data:`COLUMNS` order, to load into another engine."""
    return list(Dossier.objects.order_by("pk").values_list(*COLUMNS))


def run_on_django_db() -> list[tuple[Any, ...]]:
    """The portable SQL on the application's own database (SQLite or PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(rollup_sql(Dossier._meta.db_table))
        return list(cursor.fetchall())


def normalise(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows as (agency, procedure, ISO day, counters in DailyRollup.COUNTERS order) with
    integers and two-decimal strings, so that every engine's types compare equal."""
    names = ["agency_id", "procedure_id", "counted_on", *CONDITIONS, "late_days"]
    out = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        out.append(
            (
                int(values["agency_id"]),
                int(values["procedure_id"]),
                str(values["counted_on"]),
                *(
                    f"{float(values[c]):.2f}" if c == "late_days" else int(values[c])
                    for c in DailyRollup.COUNTERS
                ),
            )
        )
    return sorted(out)
