"""Benchmark dossier ingest, recompute and score-card queries, with DuckDB as the reference.

    .venv/bin/python benchmarks/dossiers.py [--dossiers 100000] [--seed 766]
    scripts/with-postgres .venv/bin/python benchmarks/dossiers.py --dossiers 100000

On a fresh database (a temporary SQLite file, or the PostgreSQL of ``DATABASE_URL``, which
must be a throwaway one: the script migrates it and writes into it) the script:

1. generates ``--dossiers`` synthetic dossiers in the DVCQG vocabulary (10⁵, 10⁶, 10⁷…), each
   with 3 processing steps, a fee list, sometimes a supplement request and, for about 80 %, the
   applicant's contact, over 20 agencies and 10 procedures of 2024, half as a JSON Lines file
   and half as a CSV file (streamed to disk: memory does not grow with ``--dossiers``);
2. times ``chiso.dossiers.ingest.import_file`` on each (parse, validate, derive, store the
   dossier, its steps and pauses, maintain the rollups, checkpoint) and prints dossiers/s;
3. times ``recompute`` (derive every dossier again, move the rollups by the changes) right
   after the import and after a calendar change (both from the block copies the import kept),
   then with every copy deleted (from the tables), and, separately, ``rollups.rebuild`` (the
   aggregate alone);
4. times the province and agency score cards for a year, a quarter and a month (p50, p95 over
   ``--queries`` runs), and the data of the province dashboard for the year (score card, monthly
   trend, agencies ranked by their own score cards, late dossiers by field);
5. loads the same dossiers' derived columns into DuckDB (in memory) and times the same rollup
   aggregation (``analytics.rollup_sql``) and a year score-card query on DuckDB's rollups, and
   prints the ratios (chiso's full recompute and its rollup rebuild, each over DuckDB's
   aggregation); it checks that DuckDB's rollups equal chiso's.

The first line names the machine, the commit and the load average (the machine may be shared);
the last one the load average again. Times are wall-clock (``time.perf_counter``) on whatever machine runs it; see
docs/performance.md for recorded figures.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(tmp: Path) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["CHISO_DATA_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    django.setup()
    # Measured as deployed (DEBUG=0): with DEBUG on, Django formats and keeps the SQL of every
    # query, 0,7 s of a 5,5 s recompute at 10⁶ (docs/performance.md, session 7). The rest of
    # the development settings stay (static files served from the apps for the pages).
    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def catalogue() -> tuple[list[str], list[str]]:
    from decimal import Decimal

    from chiso.dossiers.models import Procedure
    from chiso.org.models import Agency, AgencyType

    kind, _ = AgencyType.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    agencies = []
    for i in range(20):
        code = f"bench-{i:02d}"
        Agency.objects.get_or_create(code=code, defaults={"name": f"Cơ quan {i}", "type": kind})
        agencies.append(code)
    procedures = []
    for i in range(10):
        code = f"B.{i:03d}"
        Procedure.objects.get_or_create(
            code=code,
            defaults={
                "name": f"Thủ tục {i}",
                "field_code": f"F{i % 4}",
                "field_name": f"Lĩnh vực {i % 4}",
                "level": "tinh",
                "time_limit": Decimal(3 + i),
                "time_unit": "working_day",
                "online": "full",
                "full_online_eligible": i % 2 == 0,
                "has_fee": i % 3 == 0,
                "paper_result": i % 4 != 3,
            },
        )
        procedures.append(code)
    return agencies, procedures


CSV_FIELDS = (
    "MaHoSo",
    "MaTTHC",
    "DonViXuLy",
    "TrangThaiHoSo",
    "KenhThucHien",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "DanhSachLePhi",
    "DuocThanhToanTrucTuyen",
    "HinhThucTra",
    "DaSoHoaKetQua",
    "QuaTrinhXuLy",
    "DanhSachHoSoBoSung",
    "ChuHoSo",
    "LoaiDoiTuong",
    "SoDienThoai",
    "Email",
    "DiaChi",
)


def generate(
    n: int, seed: int, agencies: list[str], procedures: list[str], prefix: str
) -> Iterator[dict[str, Any]]:
    import datetime

    rng = random.Random(seed)
    start = datetime.datetime(2024, 1, 2, 8, 0)
    for i in range(n):
        received = start + datetime.timedelta(days=rng.randrange(360), minutes=rng.randrange(480))
        due = received + datetime.timedelta(days=rng.randrange(3, 15))
        finished = received + datetime.timedelta(days=rng.randrange(0, 16), hours=rng.randrange(8))
        fmt = "%Y%m%d%H%M%S"
        steps = []
        t = received
        for s in range(1, 4):
            end = t + datetime.timedelta(hours=rng.randrange(1, 40))
            steps.append(
                {
                    "ThuTu": s,
                    "VaiTro": ["mot_cua", "chuyen_vien", "lanh_dao_phong"][s - 1],
                    "NguoiXuLy": f"Người {rng.randrange(50)}",
                    "NgayBatDau": t.strftime(fmt),
                    "NgayKetThuc": end.strftime(fmt),
                    "ThoiHanBuocXuLy": 1,
                }
            )
            t = end
        rec: dict[str, Any] = {
            "MaHoSo": f"{prefix}{i:08d}",
            "MaTTHC": rng.choice(procedures),
            "DonViXuLy": rng.choice(agencies),
            "TrangThaiHoSo": 10 if rng.random() < 0.97 else 4,
            "KenhThucHien": rng.choice([1, 2, 2, 3]),
            "NgayTiepNhan": received.strftime(fmt),
            "NgayHenTra": due.strftime(fmt),
            "NgayKetThucXuLy": finished.strftime(fmt),
            "DanhSachLePhi": [{"Gia": rng.choice([0, 50000])}],
            "DuocThanhToanTrucTuyen": rng.choice([0, 1, 2]),
            "HinhThucTra": rng.choice([1, 2]),
            "DaSoHoaKetQua": rng.choice([0, 1]),
            "QuaTrinhXuLy": steps,
        }
        if rng.random() < 0.8:  # the applicant's contact, as most one-stop systems send it
            organisation = rng.random() < 0.15
            rec.update(
                {
                    "ChuHoSo": f"Công ty {i}" if organisation else f"Nguyễn Văn {i}",
                    "LoaiDoiTuong": 2 if organisation else 1,
                    "SoDienThoai": f"09{rng.randrange(10**8):08d}",
                    "Email": f"nguoi{i}@example.vn",
                    "DiaChi": f"{rng.randrange(1, 200)} Lê Lợi, phường {rng.randrange(1, 20)}",
                }
            )
        if rec["TrangThaiHoSo"] == 4:
            rec["NgayKetThucXuLy"] = None
        if rng.random() < 0.05:
            rec["DanhSachHoSoBoSung"] = [
                {
                    "NgayYeuCauBoSung": (received + datetime.timedelta(hours=2)).strftime(fmt),
                    "NgayCongDanBoSung": (received + datetime.timedelta(days=1)).strftime(fmt),
                }
            ]
        yield rec


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with path.open("w") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def write_csv(path: Path, records: Iterable[dict[str, Any]]) -> None:
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        w.writeheader()
        for r in records:
            w.writerow(
                {
                    k: json.dumps(v, ensure_ascii=False)
                    if isinstance(v, list)
                    else ("" if v is None else v)
                    for k, v in r.items()
                }
            )


def machine_state() -> str:
    """The commit (and whether the tree has uncommitted changes) and the load average."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        commit, dirty = "?", ""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"commit {commit}{' + uncommitted changes' if dirty else ''}; load average {load}"


def timed(run: Callable[[], object], count: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``count`` runs."""
    samples = []
    for _ in range(count):
        t = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t) * 1000)
    return percentiles(samples)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return statistics.median(ordered), p95


def write_ceiling(batch_size: int = 2000, limit: int = 200_000) -> tuple[int, float, float]:
    """The database's floor for the ingest: the rows just stored (at most ``limit`` dossiers
    with every row hanging on them: steps, pauses, apologies, applicants, open-dossier rows;
    and the rollup rows) read back as ready tuples, deleted, and written again with the
    ingest's statements (``bulk.insert_rows``: executemany or COPY; the rollups through
    ``upsert_rows``), one transaction per ``batch_size`` dossiers with its checkpoint, the same
    indexes, and no Python work per row inside the timer. Returns (dossiers, seconds, CPU
    seconds of this process)."""
    from django.apps import apps
    from django.db import transaction

    from chiso.dossiers.bulk import db_moments, insert_rows, upsert_rows
    from chiso.dossiers.models import Dossier, ImportRun

    moment = db_moments()
    models = list(apps.get_app_config("dossiers").get_models())
    hanging = [m for m in models if "dossier" in {f.name for f in m._meta.concrete_fields}]
    rollup_models = [m for m in models if m.__name__.endswith("Rollup")]

    def ready(model: Any, query: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
        fields = [f for f in model._meta.concrete_fields if model is Dossier or f.name != "id"]
        columns = [f.column for f in fields]
        dated = [i for i, f in enumerate(fields) if f.get_internal_type() == "DateTimeField"]
        rows = []
        for row in query.values_list(*columns):
            cells = list(row)
            for i in dated:
                cells[i] = None if cells[i] is None else moment(cells[i])
            rows.append(tuple(cells))
        return columns, rows

    # Dossiers keep their ids, so no lookup is needed.
    dossier_columns, dossiers = ready(Dossier, Dossier.objects.order_by("pk")[:limit])
    if not dossiers:
        return 0, 0.0, 0.0
    top = dossiers[-1][0]
    kids = []
    for model in hanging:
        columns, rows = ready(model, model.objects.filter(dossier_id__lte=top).order_by("pk"))
        at = columns.index("dossier_id")
        per: dict[int, list[tuple[Any, ...]]] = {}
        for row in rows:
            per.setdefault(row[at], []).append(row)
        kids.append((model._meta.db_table, columns, per))
    rollup_tables = []
    for model in rollup_models:
        columns, rows = ready(model, model.objects.order_by("pk"))
        key = [model._meta.get_field(f).column for f in model._meta.constraints[0].fields]
        table = model._meta.db_table
        sums = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in model.COUNTERS)
        rollup_tables.append((table, columns, rows, key, sums))
    with transaction.atomic():
        for model in hanging:
            model.objects.filter(dossier_id__lte=top).delete()
        Dossier.objects.filter(pk__lte=top).delete()
        for model in rollup_models:
            model.objects.all().delete()
    batches = []
    count = -(-len(dossiers) // batch_size)
    for k in range(count):
        part = dossiers[k * batch_size : (k + 1) * batch_size]
        items = [
            (table, columns, [r for d in part for r in per.get(d[0], ())])
            for table, columns, per in kids
        ]
        # The rollup rows spread evenly over the batches, each written once (an upsert).
        rollup_parts = [
            (table, columns, rows[k * len(rows) // count : (k + 1) * len(rows) // count], key, sums)
            for table, columns, rows, key, sums in rollup_tables
        ]
        batches.append((part, items, rollup_parts))
    run = ImportRun.objects.create(file_hash="ceiling", filename="ceiling")
    cpu = time.process_time()
    t = time.perf_counter()
    for part, items, rollup_parts in batches:
        with transaction.atomic():
            insert_rows(Dossier._meta.db_table, dossier_columns, part)
            for table, columns, rows in items:
                insert_rows(table, columns, rows)
            for table, columns, rows, key, sums in rollup_parts:
                upsert_rows(table, columns, rows, key, sums)
            run.last_line += len(part)
            run.save(update_fields=["last_line", "updated_at"])
    seconds = time.perf_counter() - t
    cpu = time.process_time() - cpu
    run.delete()
    return len(dossiers), seconds, cpu


def write_floor(
    batch_size: int = 2000, limit: int = 200_000, *, logged: bool = False
) -> tuple[int, float]:
    """The least an ingest of these dossiers with their steps can cost on this database: the
    first ``limit`` stored dossiers and their steps, read back as ready tuples, inserted into
    empty copies of the two tables (same columns, indexes and triggers) in key order by the driver
    itself (sqlite3 ``executemany``, psycopg ``COPY``), one transaction per ``batch_size``
    dossiers; no Django, and none of the applicant, pause, rollup, open-dossier and checkpoint
    rows the ingest also writes. On PostgreSQL the copies are temporary tables (``LIKE …
    INCLUDING ALL``: not WAL-logged, no foreign keys), so its floor is lower still than what the
    real tables allow; with ``logged`` they are ordinary tables with the foreign keys of the real
    ones, as the ingest writes (on SQLite the copies always are). Returns (dossiers, seconds)."""
    from django.db import connection, transaction

    from chiso.dossiers.models import Dossier, StepEvent

    tables = [Dossier._meta.db_table, StepEvent._meta.db_table]
    connection.ensure_connection()
    raw = connection.connection
    copies = {t: f"floor_{t}" for t in tables}
    with connection.cursor() as cursor:
        top = cursor.execute(
            f"SELECT MAX(id) FROM (SELECT id FROM {tables[0]} ORDER BY id LIMIT {limit}) AS t"
        ).fetchone()[0]
        if top is None:
            return 0, 0.0
        for table, copy in copies.items():
            if connection.vendor == "postgresql":
                kind = "" if logged else "TEMPORARY"
                cursor.execute(f"CREATE {kind} TABLE {copy} (LIKE {table} INCLUDING ALL)")
                if logged:
                    parents = {"agency_id": "org_agency", "procedure_id": "dossiers_procedure"}
                    if table == tables[1]:
                        parents = {"dossier_id": copies[tables[0]]}
                    for column, parent in parents.items():
                        cursor.execute(
                            f"ALTER TABLE {copy} ADD FOREIGN KEY ({column}) REFERENCES"
                            f" {parent} (id) DEFERRABLE INITIALLY DEFERRED"
                        )
                cursor.execute(  # the insert trigger forgetting block copies (migration 0009)
                    f"CREATE TRIGGER floor_forget AFTER INSERT ON {copy} REFERENCING NEW TABLE"
                    f" AS changed FOR EACH STATEMENT EXECUTE FUNCTION {table}_forget_blocks()"
                )
                continue
            schema = cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s AND sql IS NOT NULL",
                [table],
            ).fetchall()
            for kind, name, sql in sorted(schema, key=lambda r: r[0] != "table"):
                if kind == "trigger":  # unquoted names (migration 0009)
                    sql = sql.replace(f" ON {table} ", f" ON {copy} ", 1)
                    cursor.execute(sql.replace(name, f"floor_{name}", 1))
                    continue
                sql = sql.replace(f'"{table}"', f'"{copy}"', 1)
                cursor.execute(
                    sql if kind == "table" else sql.replace(f'"{name}"', f'"floor_{name}"', 1)
                )
        key = {tables[0]: "id", tables[1]: "dossier_id"}
        rows = {}
        for t in tables:
            cursor.execute(f"SELECT * FROM {t} WHERE {key[t]} <= %s ORDER BY id", [top])
            rows[t] = cursor.fetchall()
        # Where the step table keeps dossier_id differs: second on SQLite, last on PostgreSQL.
        at = [c[0] for c in cursor.description].index("dossier_id")
    steps_of: dict[int, list[Any]] = {}
    for row in rows[tables[1]]:
        steps_of.setdefault(row[at], []).append(row)
    dossiers = rows[tables[0]]
    width = {t: len(rows[t][0]) if rows[t] else 0 for t in tables}
    t = time.perf_counter()
    for k in range(0, len(dossiers), batch_size):
        part = dossiers[k : k + batch_size]
        steps = [s for d in part for s in steps_of.get(d[0], ())]
        with transaction.atomic():
            for table, batch in ((tables[0], part), (tables[1], steps)):
                if connection.vendor == "postgresql":
                    with raw.cursor().copy(f"COPY {copies[table]} FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["?"] * width[table])
                    raw.executemany(f'INSERT INTO "{copies[table]}" VALUES ({marks})', batch)
    seconds = time.perf_counter() - t
    with connection.cursor() as cursor:
        for copy in reversed(list(copies.values())):
            cursor.execute(f"DROP TABLE {copy}")
    return len(dossiers), seconds


def recompute_runs(dossiers: int) -> tuple[float, float, float]:
    """Time ``recompute`` (a) right after the import, when nothing changes: it reads the block
    copies (``InputBlock``) the import kept at its end; (b) after a week of days off declared
    in July 2024 (``CalendarDay``), which moves the dossiers open that week: it reads the
    copies, and keeps again those of the blocks it rewrites; (c) with every copy deleted: it
    reads the tables (what every recompute cost before the copies). Print the rows written and
    left to rules.py; return the three times."""
    import datetime

    from chiso.dossiers.actions import set_calendar_day
    from chiso.dossiers.models import InputBlock
    from chiso.dossiers.recompute import recompute

    def run(label: str) -> float:
        t = time.perf_counter()
        report = recompute()
        seconds = time.perf_counter() - t
        print(
            f"recompute {label}: {seconds:.2f} s = {dossiers / seconds:,.0f} dossiers/s; "
            f"{report.changed} written, {report.fallback} left to rules.py; "
            f"read, derive, compare, write: {report.derive_seconds:.2f} s",
            flush=True,
        )
        return seconds

    first = run("right after the import (reads the block copies the import kept)")
    for day in range(1, 6):
        set_calendar_day(datetime.date(2024, 7, day), is_working=False, actor=None)
    moved = run("after 01–05/07/2024 became days off (reads the copies)")
    InputBlock.objects.all().delete()
    cold = run("with every copy deleted (reads the tables, keeps copies)")
    derivation_rates()
    return first, moved, cold


def derivation_rates(limit: int = 20_000) -> None:
    """``derive_values`` once per dossier against ``derive_batch`` on the same ``limit``
    stored dossiers (with their items, read beforehand), checked equal."""
    from django.utils import timezone

    from chiso.dossiers.conf import current_calendar, rule_settings
    from chiso.dossiers.ingest import PAUSE_FIELDS, RAW_FIELDS, derive_values
    from chiso.dossiers.models import Apology, Dossier, Pause, Procedure, StepEvent
    from chiso.dossiers.vectorised import derive_batch
    from chiso.dossiers.workcalendar import local

    calendar, rules, as_of = current_calendar(), rule_settings(), local(timezone.now())
    procedures = {p.pk: p for p in Procedure.objects.all()}
    rows = list(Dossier.objects.order_by("pk").values("pk", "procedure_id", *RAW_FIELDS)[:limit])
    top = rows[-1]["pk"]
    items: dict[str, dict[int, list[Any]]] = {"p": {}, "a": {}, "s": {}}
    for key, model, fields in (
        ("p", Pause, PAUSE_FIELDS),
        ("a", Apology, ("issued_at", "new_due_at")),
        ("s", StepEvent, ("seq", "started_at", "ended_at", "allotted_minutes")),
    ):
        for row in model.objects.filter(dossier_id__lte=top).values_list("dossier_id", *fields):
            items[key].setdefault(row[0], []).append(row[1:])
    batch = [
        (
            procedures[r["procedure_id"]],
            r,
            items["p"].get(r["pk"], []),
            items["a"].get(r["pk"], []),
            items["s"].get(r["pk"], []),
        )
        for r in rows
    ]
    t = time.perf_counter()
    one_by_one = [derive_values(calendar, rules, as_of, *item) for item in batch]
    slow = time.perf_counter() - t
    t = time.perf_counter()
    vectorised = derive_batch(calendar, rules, as_of, batch)
    fast = time.perf_counter() - t
    print(
        f"derivation of {len(batch)} stored dossiers: derive_values one by one "
        f"{len(batch) / slow:,.0f}/s, derive_batch {len(batch) / fast:,.0f}/s "
        f"({slow / fast:.1f}× faster; identical: {one_by_one == vectorised})"
    )


def children_cpu() -> float:
    """CPU seconds used by the ended child processes (the ingest's workers, once joined)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def compare_ingest(
    tmp: Path, n: int, seed: int, agencies: list[str], procedures: list[str]
) -> list[str]:
    """The same ``n`` dossiers (JSON Lines) imported by each ingest path in turn, each under
    new codes so that every run stores new dossiers: the per-record reference path
    (``fast=False``), the fast path in this process, and with 1 and 2 worker processes.
    Ratios in one run are what to compare on a shared machine. The dossiers are deleted
    afterwards and the rollups rebuilt."""
    from chiso.dossiers import rollups
    from chiso.dossiers.ingest import import_file
    from chiso.dossiers.models import Dossier

    lines = []
    base = None
    for label, options in (
        ("reference (fast=False)", {"fast": False}),
        ("fast, in process", {}),
        ("fast, 1 worker process", {"workers": 1}),
        ("fast, 2 worker processes", {"workers": 2}),
    ):
        path = tmp / f"compare-{len(lines)}.jsonl"
        write_jsonl(path, generate(n, seed, agencies, procedures, f"R{len(lines)}-"))
        cpu, workers = time.process_time(), children_cpu()
        t = time.perf_counter()
        import_file(path, **options)  # type: ignore[arg-type]
        dt = time.perf_counter() - t
        cpu, workers = time.process_time() - cpu, children_cpu() - workers
        base = base or dt
        lines.append(
            f"ingest path {label:25}: {n / dt:7,.0f} dossiers/s, {base / dt:4.2f}× the reference; "
            f"CPU {1e6 * cpu / n:4.0f} µs/dossier here + {1e6 * workers / n:4.0f} in workers "
            f"(= {n / (cpu + workers):6,.0f} dossiers per CPU-second), wall {dt:.2f} s"
        )
    # Leave the database as the main ingest left it for what is measured next.
    Dossier.objects.filter(code__startswith="R").delete()
    rollups.rebuild()
    return lines


def duckdb_with_dossiers() -> Any:
    """An in-memory DuckDB holding the derived columns of every stored dossier
    (``analytics.COLUMNS``), the reference engine's copy of the same data."""
    import duckdb
    import pandas as pd  # DuckDB loads a DataFrame fastest

    from chiso.dossiers import analytics

    con = duckdb.connect()
    types = {
        "agency_id": "INTEGER",
        "procedure_id": "INTEGER",
        "channel": "INTEGER",
        "counted_on": "DATE",
        "late_days": "DECIMAL(8,2)",
    }
    columns = ", ".join(f"{c} {types.get(c, 'BOOLEAN')}" for c in analytics.COLUMNS)
    con.execute(f"CREATE TABLE dossier ({columns})")
    frame = pd.DataFrame(analytics.export_rows(), columns=list(analytics.COLUMNS))
    con.register("frame", frame)
    con.execute("INSERT INTO dossier SELECT * FROM frame")
    return con


def duckdb_aggregation(con: Any) -> tuple[float, bool]:
    """The best of five timings of the rollup aggregation on DuckDB, and whether its result
    equals chiso's rollups."""
    from chiso.dossiers import analytics

    samples = []
    for _ in range(5):
        t = time.perf_counter()
        result = con.execute(analytics.rollup_sql("dossier")).fetchall()
        samples.append(time.perf_counter() - t)
    same = analytics.normalise(result) == analytics.normalise(analytics.run_on_django_db())
    return min(samples), same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="ingest worker processes (default: chosen as by `chiso dossiers import`)",
    )
    parser.add_argument(
        "--compare-ingest", type=int, default=0, help="also time each ingest path on N dossiers"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        setup(tmp)
        from django.db import connection
        from django.db.models import Q

        from chiso.dossiers import analytics, queries, rollups
        from chiso.dossiers.ingest import import_file
        from chiso.dossiers.models import DailyRollup, Dossier, StepEvent
        from chiso.dossiers.scorecard import parse_period, score_card
        from chiso.dossiers.stored_inputs import keep_copies
        from chiso.org.models import Agency

        print(
            f"# {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, database {connection.vendor} "
            f"{'.'.join(map(str, connection.get_database_version()))}"
        )
        print(f"# {machine_state()}")
        agencies, procedures = catalogue()
        half = args.dossiers // 2
        t = time.perf_counter()
        jsonl, csvf = tmp / "d.jsonl", tmp / "d.csv"
        write_jsonl(jsonl, generate(half, args.seed, agencies, procedures, "J"))
        write_csv(csvf, generate(args.dossiers - half, args.seed + 1, agencies, procedures, "C"))
        print(
            f"generated {args.dossiers} dossiers with 3 steps each in {time.perf_counter() - t:.1f} s"
        )
        for path, n in ((jsonl, half), (csvf, args.dossiers - half)):
            t = time.perf_counter()
            report = import_file(path, workers=args.workers)
            dt = time.perf_counter() - t
            print(
                f"ingest {path.suffix[1:]:5}: {report.accepted} dossiers "
                f"({report.quarantined} quarantined) in {dt:.2f} s = {n / dt:,.0f} dossiers/s "
                f"(+{3 * n / dt:,.0f} step events/s) with {report.workers} worker process(es), "
                f"then block copies kept: {report.copies_kept}"
            )
        if args.compare_ingest:
            for line in compare_ingest(tmp, args.compare_ingest, args.seed, agencies, procedures):
                print(line)
        count, seconds, cpu = write_ceiling()
        print(
            f"write ceiling: {count} ready dossiers with their rows in {seconds:.2f} s "
            f"= {count / seconds:,.0f} dossiers/s (no Python work per row; "
            f"CPU of this process {1e6 * cpu / count:.0f} µs/dossier)"
        )
        count, seconds = write_floor()
        print(
            f"write floor: {count} dossiers with their steps into empty copies of the two "
            f"tables, same indexes and triggers, by the driver alone in {seconds:.2f} s "
            f"= {count / seconds:,.0f} dossiers/s"
            + (" (temporary tables)" if connection.vendor == "postgresql" else "")
        )
        if connection.vendor == "postgresql":
            count, seconds = write_floor(logged=True)
            print(
                f"write floor into logged tables with foreign keys: {count} dossiers in "
                f"{seconds:.2f} s = {count / seconds:,.0f} dossiers/s"
            )
        print(
            f"stored: {Dossier.objects.count()} dossiers, {StepEvent.objects.count()} steps, "
            f"{DailyRollup.objects.count()} rollup rows"
        )
        # The write ceiling rewrote the stored rows, so the database forgot the block copies
        # the import kept: keep them again, as the import's end did.
        t = time.perf_counter()
        kept = keep_copies()
        print(
            f"block copies kept again after the ceiling: {kept} in {time.perf_counter() - t:.2f} s"
        )
        first, moved, cold = recompute_runs(args.dossiers)
        t = time.perf_counter()
        rollups.rebuild()
        rebuild = time.perf_counter() - t
        print(f"rollups.rebuild (aggregate alone): {rebuild:.3f} s")
        agency = Agency.objects.get(code=agencies[0])
        for label in ("2024", "2024-Q2", "2024-05"):
            period = parse_period(label)
            for who, target in (("province", None), ("agency", agency)):
                p50, p95 = timed(lambda: score_card(period, target), args.queries)  # noqa: B023
                print(f"score card {who:8} {label:8}: p50 {p50:7.1f} ms, p95 {p95:7.1f} ms")
        year = parse_period("2024")

        def dashboard() -> None:  # what views.dashboard computes for the province
            score_card(year)
            queries.monthly_trend(Q(), year.year)
            queries.ranking(Agency.objects.all(), year)
            queries.late_by_field(Q(), year)

        p50, p95 = timed(dashboard, max(3, args.queries // 4))
        print(f"province dashboard 2024 (20 agencies ranked): p50 {p50:7.1f} ms, p95 {p95:7.1f} ms")
        con = duckdb_with_dossiers()
        duck, same = duckdb_aggregation(con)
        print(
            f"DuckDB rollup aggregation: {duck:.3f} s (identical to chiso: {same}); "
            f"chiso rebuild / DuckDB = {rebuild / duck:.1f}×"
        )
        print(
            f"chiso full recompute / DuckDB: right after the import {first / duck:.1f}×, "
            f"after the calendar change {moved / duck:.1f}×, from the tables {cold / duck:.1f}×"
        )
        con.execute(f"CREATE TABLE rollup AS {analytics.rollup_sql('dossier')}")
        samples = []
        for _ in range(args.queries):
            t = time.perf_counter()
            con.execute(
                "SELECT SUM(n_received), SUM(n_late_extended), SUM(n_online) FROM rollup "
                "WHERE counted_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'"
            ).fetchall()
            samples.append((time.perf_counter() - t) * 1000)
        p50, p95 = percentiles(samples)
        print(f"DuckDB year counters from its rollups: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
        print(f"# {machine_state()}")


if __name__ == "__main__":
    main()
