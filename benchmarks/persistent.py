"""Recompute and the dossier pages on a persistent benchmark database, DuckDB the reference.

    .venv/bin/python benchmarks/persistent.py --dir /var/tmp/chiso-1e6 [--dossiers 1000000]
    .venv/bin/python benchmarks/persistent.py --dir /var/tmp/chiso-1e6 --pages-only  # 3. only
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/persistent.py --dir /var/tmp/pg-1e6

``benchmarks/dossiers.py`` builds its database in a temporary directory and throws it away;
at 10⁶ the import alone takes ten minutes. This script keeps it: the first run migrates the
database (a SQLite file in ``--dir``, or the PostgreSQL of ``DATABASE_URL``, which must be a
throwaway one) and imports ``--dossiers`` synthetic dossiers (the generator of
``benchmarks/dossiers.py``, with one worker process); later runs reuse it. Then it times:

1. ``recompute``: from the block copies with nothing changed, after five days off and after
   their removal, from the tables (copies deleted), and ``recompute(open_only=True)`` twice,
   the daily refresh (``recompute_runs``);
2. the same rollup aggregation with DuckDB over the same derived columns (the reference of
   ``benchmarks/dossiers.py``), and the ratios;
3. the dossier pages a user opens (dashboard, agency, field, late list, a dossier) through
   Django's test client as a reform-office user, median and worst of five requests.

The first and last lines give the commit and the load average. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import dossiers as base  # noqa: E402  (benchmarks/dossiers.py: generator, setup, timing)


def build(tmp: Path, count: int, chronological: bool = False) -> None:
    """Import ``count`` dossiers unless the database has some already. With ``chronological``
    they are stored in the order they were received (the first half of the year from the JSON
    Lines file, the second from the CSV), as a one-stop system's daily feed stores them, instead
    of the generator's random order; a calendar change then moves dossiers with neighbouring
    ids."""
    from chiso.dossiers.ingest import import_file
    from chiso.dossiers.models import Dossier

    if Dossier.objects.exists():
        return
    agencies, procedures = base.catalogue()
    half = count // 2
    parts = [
        list(base.generate(half, 766, agencies, procedures, "J")),
        list(base.generate(count - half, 767, agencies, procedures, "C")),
    ]
    if chronological:
        every = sorted(parts[0] + parts[1], key=lambda r: r["NgayTiepNhan"])
        parts = [every[:half], every[half:]]
    files = ((tmp / "d.jsonl", base.write_jsonl), (tmp / "d.csv", base.write_csv))
    for (path, write), records in zip(files, parts, strict=True):
        write(path, records)
        t = time.perf_counter()
        report = import_file(path, workers=1)
        print(
            f"imported {report.accepted} dossiers from {path.name} in {time.perf_counter() - t:.0f} s",
            flush=True,
        )
        path.unlink()


def recompute_runs() -> dict[str, float]:
    """Each kind of recompute once (the first run may also move the open dossiers measured at a
    later moment): full from the block copies, nothing changed; after five days off declared in
    July 2024 and after they are removed again (both from the copies, rewriting the blocks they
    move); from the tables with every copy deleted; then the daily open-only refresh twice."""
    import datetime

    from chiso.dossiers.actions import set_calendar_day
    from chiso.dossiers.models import InputBlock
    from chiso.dossiers.recompute import recompute

    days = [datetime.date(2024, 7, d) for d in range(1, 6)]
    times: dict[str, float] = {}

    def run(label: str, **kwargs: Any) -> None:
        t, cpu = time.perf_counter(), time.process_time()
        report = recompute(**kwargs)
        times[label] = time.perf_counter() - t
        print(
            f"recompute, {label}: {times[label]:.2f} s (CPU of this process "
            f"{time.process_time() - cpu:.2f} s), {report.dossiers} dossiers, "
            f"{report.changed} changed",
            flush=True,
        )

    run("full, first")
    run("full, nothing changed")
    for day in days:
        set_calendar_day(day, is_working=False, actor=None)
    run("full, after 01–05/07/2024 became days off")
    for day in days:
        set_calendar_day(day, is_working=None, actor=None)
    run("full, after the days off were removed")
    InputBlock.objects.all().delete()
    run("full, every block copy deleted (from the tables)")
    run("full, nothing changed, copies kept again")
    run("open-only", open_only=True)
    run("open-only, again", open_only=True)
    return times


def duckdb_aggregation() -> float:
    duck, same = base.duckdb_aggregation(base.duckdb_with_dossiers())
    print(f"DuckDB rollup aggregation: {duck:.3f} s (identical to chiso: {same})")
    return duck


def pages() -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    from chiso.accounts.models import Membership, Role
    from chiso.dossiers.models import Dossier
    from chiso.org.models import Agency

    settings.ALLOWED_HOSTS = ["*"]
    agency = Agency.objects.order_by("code").first()
    user, _ = get_user_model().objects.get_or_create(username="bench-office")
    Membership.objects.get_or_create(user=user, role=Role.REFORM_OFFICE, agency=agency)
    client = Client()
    client.force_login(user)
    late = Dossier.objects.filter(on_time=False).first()
    assert agency is not None and late is not None
    for url in (
        "/dossiers/?period=2024",
        "/dossiers/?period=2024-05",
        f"/dossiers/agency/{agency.code}/?period=2024",
        f"/dossiers/fields/{late.field_code}/?period=2024",
        "/dossiers/late/?period=2024",
        "/dossiers/late/?period=2024&state=open",
        f"/dossiers/late/?period=2024&agency={agency.code}",
        "/dossiers/late/?period=2024&page=50",
        f"/dossiers/agency/{agency.code}/due-soon/",
        f"/dossiers/d/{late.code}/",
    ):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
            times.append((time.perf_counter() - t) * 1000)
        print(
            f"{url:58} {response.status_code}  median {statistics.median(times):7.1f} ms, "
            f"worst {max(times):7.1f} ms",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, required=True, help="kept between runs")
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument(
        "--chronological", action="store_true", help="import the dossiers in order of receipt"
    )
    parser.add_argument(
        "--pages-only", action="store_true", help="time the pages only (no recompute, no DuckDB)"
    )
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    base.setup(args.dir)
    from django.db import connection

    from chiso.dossiers.models import Dossier

    print(f"# {connection.vendor}; {base.machine_state()}", flush=True)
    build(args.dir, args.dossiers, args.chronological)
    print(f"# {Dossier.objects.count()} dossiers; {base.machine_state()}", flush=True)
    if not args.pages_only:
        times = recompute_runs()
        duck = duckdb_aggregation()
        for label, seconds in times.items():
            print(f"recompute, {label} / DuckDB = {seconds / duck:.1f}×")
    pages()
    print(f"# {base.machine_state()}")


if __name__ == "__main__":
    main()
