"""The same metric definitions give identical numbers on the application database (SQLite or
PostgreSQL, whichever the run uses), on ClickHouse (embedded chDB) and on DuckDB."""

from __future__ import annotations

import datetime
import json
import random
from typing import Any

import pytest

from chiso.dossiers import analytics, rollups
from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import DailyRollup
from tests.dossiers.helpers import make_procedures, record


@pytest.fixture
def demo_year(world: Any) -> None:
    """3 000 varied dossiers over 2024: every counter is exercised."""
    make_procedures()
    rng = random.Random(2024)
    records = []
    for i in range(3000):
        day = datetime.date(2024, 1, 2) + datetime.timedelta(days=rng.randrange(360))
        finished = rng.choice(
            [None, f"{day:%Y%m%d}160000", f"{day + datetime.timedelta(days=9):%Y%m%d}100000"]
        )
        records.append(
            record(
                f"E{i}",
                MaTTHC=rng.choice(["1.000001", "2.000002"]),
                DonViXuLy=rng.choice(["stp", "sxd", "snv"]),
                TrangThaiHoSo=rng.choice([3, 7, 10]) if finished else 4,
                KenhThucHien=rng.choice([1, 2, 3]),
                NgayTiepNhan=f"{day:%Y%m%d}090000",
                NgayHenTra=f"{day + datetime.timedelta(days=5):%Y%m%d}090000",
                NgayKetThucXuLy=finished,
                DuocThanhToanTrucTuyen=rng.choice([0, 1, 2]),
                HinhThucTra=rng.choice([1, 2]),
                DongBoDVCQG=rng.choice([0, 1]),
                HoSoCoThanhPhanSoHoa=rng.choice([0, 1]),
                DanhSachGiayToKetQua=rng.choice([[], [{"DuongDanTepTinKetQua": "kq.pdf"}]]),
                TaiLieuNop=rng.choice([[], [{"DuongDan": "a.pdf"}]]),
            )
        )
    ingest_records(records)


def reference() -> list[tuple[Any, ...]]:
    return sorted(
        (
            r.agency_id,
            r.procedure_id,
            r.day.isoformat(),
            *(
                f"{r.late_days:.2f}" if c == "late_days" else getattr(r, c)
                for c in DailyRollup.COUNTERS
            ),
        )
        for r in DailyRollup.objects.all()
    )


CLICKHOUSE_TYPES = {
    "agency_id": "UInt32",
    "procedure_id": "UInt32",
    "counted_on": "Date",
    "channel": "UInt8",
    "late_days": "Decimal(8, 2)",
    "on_time": "Nullable(Bool)",
    "on_time_extended": "Nullable(Bool)",
}


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return f"'{value}'"


@pytest.mark.django_db
def test_clickhouse_duckdb_and_the_database_agree_with_the_rollups(demo_year: None) -> None:
    import chdb.session
    import duckdb

    expected = reference()
    assert len(expected) > 500 and expected == analytics.normalise(rollups_as_rows())
    assert analytics.normalise(analytics.run_on_django_db()) == expected

    rows = analytics.export_rows()
    session = chdb.session.Session()
    columns = ", ".join(f"{c} {CLICKHOUSE_TYPES.get(c, 'Bool')}" for c in analytics.COLUMNS)
    session.query("CREATE DATABASE IF NOT EXISTS chiso")
    session.query(f"CREATE TABLE chiso.dossier ({columns}) ENGINE = Memory")
    for start in range(0, len(rows), 5000):
        values = ", ".join(
            "(" + ", ".join(_literal(v) for v in row) + ")" for row in rows[start : start + 5000]
        )
        session.query(f"INSERT INTO chiso.dossier VALUES {values}")
    result = session.query(analytics.rollup_sql("chiso.dossier"), "JSONCompact")
    clickhouse = [tuple(r) for r in json.loads(str(result))["data"]]
    assert analytics.normalise(clickhouse) == expected

    con = duckdb.connect()
    duck_columns = ", ".join(
        f"{c} {'INTEGER' if c in ('agency_id', 'procedure_id', 'channel') else 'DATE' if c == 'counted_on' else 'DECIMAL(8,2)' if c == 'late_days' else 'BOOLEAN'}"
        for c in analytics.COLUMNS
    )
    con.execute(f"CREATE TABLE dossier ({duck_columns})")
    con.executemany(f"INSERT INTO dossier VALUES ({', '.join('?' * len(analytics.COLUMNS))})", rows)
    assert analytics.normalise(con.execute(analytics.rollup_sql("dossier")).fetchall()) == expected


def rollups_as_rows() -> list[tuple[Any, ...]]:
    names = ["agency_id", "procedure_id", "counted_on", *analytics.CONDITIONS, "late_days"]
    return [tuple(r[n] for n in names) for r in rollups.aggregate_rows()]
