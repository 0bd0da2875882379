"""Benchmark the score cards and the province dashboard at up to 10⁷ dossiers, DuckDB the reference.

    .venv/bin/python benchmarks/scorecards.py [--dossiers 40000] [--base 20000]
    .venv/bin/python benchmarks/scorecards.py --dossiers 10000000 --base 1000000 --queries 20
    scripts/with-postgres .venv/bin/python benchmarks/scorecards.py --dossiers 10000000 ...

On a fresh database (a temporary SQLite file, or the throwaway PostgreSQL of ``DATABASE_URL``)
the script:

1. ingests ``--base`` synthetic dossiers of 2024 (benchmarks/dossiers.py's generator: 20
   agencies, 10 procedures, 3 steps each, a supplement request for 5 %, 3 % still open) through
   the real importer (``import_file``, one JSON Lines file);
2. grows the data to ``--dossiers`` with set-based SQL copies, **not** through the importer
   (10⁷ through it takes hours here): copy k (1, 2, …) of the base dossiers gets new codes,
   its own 20 new agencies and receipt, due and end moments shifted by k days, so the copies
   spread over 20·(k+1) agencies and into early 2025 like a bigger province's data would. A
   copy keeps the derived columns of its original (computed for the unshifted dates), and its
   pauses and apology letters are copied too; steps and applicants are not (no score card
   reads them);
3. rebuilds the rollups (``rollups.rebuild``: daily and monthly) and the open dossiers'
   deadlines (``openclock.rebuild``) from the dossiers, timed;
4. times p50/p95 over ``--queries`` runs of the province and agency score cards
   (``score_card``) for the year 2024, its second quarter and May, and of the province
   dashboard's data (what ``views.dashboard`` computes: the agencies with dossiers, the
   province card and every agency's in one batch, the monthly trend, the ranking, the late
   dossiers by field);
5. loads the same monthly rollups and open-dossier rows into DuckDB (in memory) and times the
   score card's two aggregations there (counters per agency over the period's months, open
   dossiers on time at the period's end per agency): chiso's p95 over DuckDB's is printed.

With ``--keep DIR`` the SQLite database is built in DIR and kept there; run again with the same
DIR, the script skips steps 1–3 and times the queries on it (a 10⁷ build takes about 15 minutes
here: build once while the machine is busy, measure when it is idle).

The first and last lines give the machine, the commit and the load average.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import dossiers as base  # noqa: E402  (benchmarks/dossiers.py: generator, setup, timing)

AGENCIES_PER_COPY = 20


def shift(column: str, days: int, vendor: str, date: bool = False) -> str:
    """SQL moving a datetime (or date) column ``days`` days later, NULL staying NULL."""
    if vendor == "postgresql":
        return f"{column} + INTERVAL '{days} days'" if not date else f"{column} + {days}"
    return f"{'date' if date else 'datetime'}({column}, '+{days} days')"


def copy_agencies(copy: int, base_ids: list[int]) -> dict[int, int]:
    """Copy ``copy``'s 20 new agencies, mapped from the base ones."""
    from chiso.org.models import Agency, AgencyType

    kind = AgencyType.objects.get(code="bench")
    out = {}
    for i, pk in enumerate(base_ids):
        agency, _ = Agency.objects.get_or_create(
            code=f"bench-{copy:02d}-{i:02d}",
            defaults={"name": f"Cơ quan {copy}.{i}", "type": kind},
        )
        out[pk] = agency.pk
    return out


def grow(copy: int, base_ids: list[int]) -> int:
    """Insert copy ``copy`` of the base dossiers (codes without '~'), with their pauses and
    apologies, in three INSERT … SELECT statements; return the dossiers copied."""
    from django.db import connection, transaction

    from chiso.dossiers.models import Apology, Dossier, Pause

    vendor = connection.vendor
    qn = connection.ops.quote_name
    agencies = copy_agencies(copy, base_ids)
    agency_sql = "CASE agency_id " + " ".join(f"WHEN {a} THEN {b}" for a, b in agencies.items())
    agency_sql += " END"
    moved = {"received_at", "due_initial", "due_at", "finished_at", "returned_at", "updated_at"}
    columns = [f.column for f in Dossier._meta.concrete_fields if f.column not in ("id", "code")]
    select = []
    for c in columns:
        if c == "agency_id":
            select.append(agency_sql)
        elif c in moved:
            select.append(shift(qn(c), copy, vendor))
        elif c == "counted_on":
            select.append(shift(qn(c), copy, vendor, date=True))
        else:
            select.append(qn(c))
    dossier = qn(Dossier._meta.db_table)
    suffix = f"'~{copy}'"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {dossier} (code, {', '.join(map(qn, columns))}) "
            f"SELECT code || {suffix}, {', '.join(select)} FROM {dossier} "
            "WHERE code NOT LIKE '%~%'"
        )
        count = cursor.rowcount
        join = (
            f"JOIN {dossier} o ON o.id = i.dossier_id "
            f"JOIN {dossier} n ON n.code = o.code || {suffix}"
        )
        pause = qn(Pause._meta.db_table)
        cursor.execute(
            f"INSERT INTO {pause} (dossier_id, kind, requested_at, completed_at) "
            f"SELECT n.id, i.kind, {shift('i.requested_at', copy, vendor)}, "
            f"{shift('i.completed_at', copy, vendor)} FROM {pause} i {join}"
        )
        apology = qn(Apology._meta.db_table)
        cursor.execute(
            f"INSERT INTO {apology} (dossier_id, issued_at, new_due_at, reason) "
            f"SELECT n.id, {shift('i.issued_at', copy, vendor)}, "
            f"{shift('i.new_due_at', copy, vendor)}, i.reason FROM {apology} i {join}"
        )
    return count


def stopwatch(label: str, run: Callable[[], Any]) -> Any:
    t = time.perf_counter()
    out = run()
    print(f"{label}: {time.perf_counter() - t:.2f} s", flush=True)
    return out


def duckdb_reference(queries: int) -> dict[str, tuple[float, float]]:
    """p50/p95 (ms) in DuckDB of the score card's two aggregations for each period, over the
    same monthly rollups and open-dossier rows."""
    import duckdb
    import pandas as pd

    from chiso.dossiers.models import MonthlyRollup, OpenDossier
    from chiso.dossiers.scorecard import parse_period

    con = duckdb.connect()
    counters = list(MonthlyRollup.COUNTERS)
    monthly = pd.DataFrame(
        list(MonthlyRollup.objects.values_list("agency_id", "month", *counters)),
        columns=["agency_id", "month", *counters],
    )
    opened = pd.DataFrame(
        list(OpenDossier.objects.values_list("agency_id", "month", "late_from_extended")),
        columns=["agency_id", "month", "late_from_extended"],
    )
    for frame in (monthly, opened):
        for column in ("month", "late_from_extended"):
            if column in frame:
                frame[column] = pd.to_datetime(frame[column].astype(str), errors="coerce")
    con.register("monthly_frame", monthly)
    con.register("open_frame", opened)
    con.execute("CREATE TABLE monthly AS SELECT * FROM monthly_frame")
    con.execute("CREATE TABLE open_dossier AS SELECT * FROM open_frame")
    sums = ", ".join(f"SUM({c})" for c in counters)
    out = {}
    for label in ("2024", "2024-Q2", "2024-05"):
        period = parse_period(label)
        first, last = period.first.isoformat(), period.last.isoformat()

        def card(a: str = first, b: str = last) -> None:
            con.execute(
                f"SELECT agency_id, {sums} FROM monthly "
                f"WHERE month BETWEEN DATE '{a}' AND DATE '{b}' GROUP BY agency_id"
            ).fetchall()
            con.execute(
                "SELECT agency_id, COUNT(*) FROM open_dossier WHERE month BETWEEN "
                f"DATE '{a}' AND DATE '{b}' AND late_from_extended > DATE '{b}' "
                "GROUP BY agency_id"
            ).fetchall()

        out[label] = base.timed(card, queries)
    return out


def build(args: argparse.Namespace, tmp: Path) -> list[str]:
    """Steps 1–3 of the module docstring; return the base agencies' codes."""
    from django.db import connection

    from chiso.dossiers import openclock, rollups
    from chiso.dossiers.ingest import import_file
    from chiso.dossiers.models import DailyRollup, Dossier, MonthlyRollup, OpenDossier
    from chiso.org.models import Agency

    copies = max(0, -(-args.dossiers // args.base) - 1)
    agencies, procedures = base.catalogue()
    path = tmp / "base.jsonl"
    base.write_jsonl(path, base.generate(args.base, args.seed, agencies, procedures, "J"))
    report = stopwatch(f"ingest {args.base} dossiers (import_file)", lambda: import_file(path))
    path.unlink()
    print(f"  accepted {report.accepted}, quarantined {report.quarantined}")
    base_ids = list(
        Agency.objects.filter(code__in=agencies).order_by("code").values_list("pk", flat=True)
    )
    t = time.perf_counter()
    for k in range(1, copies + 1):
        grow(k, base_ids)
    if copies:
        print(
            f"grow by {copies} SQL copies (new agencies, +k days): {time.perf_counter() - t:.1f} s",
            flush=True,
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Dossier.objects.count()
    stopwatch("rollups.rebuild (daily + monthly)", rollups.rebuild)
    stopwatch("openclock.rebuild (open dossiers' deadlines)", openclock.rebuild)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"stored: {total} dossiers ({args.base} ingested + {total - args.base} copied), "
        f"{Agency.objects.count()} agencies, {DailyRollup.objects.count()} daily and "
        f"{MonthlyRollup.objects.count()} monthly rollup rows, "
        f"{OpenDossier.objects.count()} open dossiers",
        flush=True,
    )
    return agencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=40_000, help="total after the copies")
    parser.add_argument("--base", type=int, default=20_000, help="ingested through import_file")
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--queries", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="build in this directory, or reuse its data")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    with nullcontext(str(args.keep)) if args.keep else tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        base.setup(tmp)
        from django.db import connection
        from django.db.models import Q

        from chiso.dossiers import queries
        from chiso.dossiers.models import Dossier
        from chiso.dossiers.scorecard import parse_period, score_card, score_cards
        from chiso.org.models import Agency

        print(
            f"# {platform.platform()}, Python {platform.python_version()}, "
            f"{os.cpu_count()} CPUs, database {connection.vendor} "
            f"{'.'.join(map(str, connection.get_database_version()))}"
        )
        print(f"# {base.machine_state()}", flush=True)
        if Dossier.objects.exists():
            print(f"reusing the {Dossier.objects.count()} dossiers of {tmp}", flush=True)
            agencies, _procedures = base.catalogue()
        else:
            agencies = build(args, tmp)
        reference = duckdb_reference(args.queries)
        agency = Agency.objects.get(code=agencies[0])
        for label in ("2024", "2024-Q2", "2024-05"):
            period = parse_period(label)
            score_card(period)  # warm the caches (framework, calendar)
            for who, target in (("province", None), ("agency", agency)):
                p50, p95 = base.timed(lambda p=period, a=target: score_card(p, a), args.queries)
                duck = reference[label][1]
                print(
                    f"score card {who:8} {label:8}: p50 {p50:7.1f} ms, p95 {p95:7.1f} ms"
                    + (
                        f"  (DuckDB p95 {duck:.2f} ms, ratio {p95 / duck:.1f}×)"
                        if not target
                        else ""
                    ),
                    flush=True,
                )
        year = parse_period("2024")

        def dashboard() -> None:  # what views.dashboard computes for the province
            ranked = queries.with_dossiers(Agency.objects.all(), year)
            cards = score_cards(year, ranked, province=True)
            queries.years()
            queries.monthly_trend(Q(), year.year)
            queries.rank(ranked, cards)
            queries.late_by_field(Q(), year)

        p50, p95 = base.timed(dashboard, max(3, args.queries // 4))
        ranked = len(queries.with_dossiers(Agency.objects.all(), year))
        print(
            f"province dashboard 2024 ({ranked} agencies ranked): "
            f"p50 {p50:7.1f} ms, p95 {p95:7.1f} ms"
        )
        for label, part in (
            (
                "  of which the cards (province + every agency)",
                lambda: score_cards(
                    year, queries.with_dossiers(Agency.objects.all(), year), province=True
                ),
            ),
            ("  of which monthly_trend", lambda: queries.monthly_trend(Q(), 2024)),
            ("  of which late_by_field", lambda: queries.late_by_field(Q(), year)),
            (
                "  of which with_dossiers",
                lambda: queries.with_dossiers(Agency.objects.all(), year),
            ),
        ):
            p50, p95 = base.timed(part, max(3, args.queries // 4))
            print(f"{label}: p50 {p50:7.1f} ms, p95 {p95:7.1f} ms")
        field = Dossier.objects.values_list("field_code", flat=True).first()

        def late_list(agencies: Q, state: str = "", number: int = 1) -> Callable[[], None]:
            def read() -> None:  # what views.late_list reads for one page
                page, _counts = queries.late_page(agencies, year, "", state, number)
                queries.responsible_steps(list(page.object_list))

            return read

        one = Q(agency_id=Agency.objects.order_by("code").values_list("pk", flat=True)[0])

        def field_page() -> None:  # what views.field_page reads
            where = Q(field_code=field)
            queries.rates_by_agency(where, year)
            queries.monthly_trend(where, year.year)
            queries.late_by_procedure(where, year)
            queries.delay_causes(where, year)

        for label, page_data in (
            ("late list 2024, first page (province)", late_list(Q())),
            ("late list 2024, page 50 (province)", late_list(Q(), number=50)),
            ("late list 2024, open overdue (province)", late_list(Q(), "open")),
            ("late list 2024, first page (one agency)", late_list(one)),
            (f"field page 2024 ({field})", field_page),
            ("  of which delay_causes", lambda: queries.delay_causes(Q(field_code=field), year)),
        ):
            p50, p95 = base.timed(page_data, max(3, args.queries // 4))
            print(f"{label}: p50 {p50:7.1f} ms, p95 {p95:7.1f} ms")
        print(f"# {base.machine_state()}")


if __name__ == "__main__":
    main()
