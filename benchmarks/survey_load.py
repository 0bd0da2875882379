"""Load test of survey submissions: locust on loopback against gunicorn on PostgreSQL.

    scripts/with-postgres .venv/bin/python benchmarks/survey_load.py \
        [--forms 6000] [--users 60] [--seconds 30] [--workers 4]

The PostgreSQL of ``DATABASE_URL`` must be a throwaway one: the script migrates it and writes
into it. Steps:

1. migrate; create two agencies, the shipped questionnaires, an open campaign and ``--forms``
   online invitations (one token per simulated respondent);
2. start gunicorn (``--workers`` sync workers, DEBUG off) on a free loopback port;
3. run locust headless (bounded by ``--users``, ``--seconds`` and the number of tokens): each
   request is ``POST /api/surveys/responses/<token>`` with a whole SIPAS form, the path a
   respondents' tool or e-form service uses;
4. stop gunicorn and compare: responses stored as submitted must equal the 201 answers counted by
   locust (zero lost responses); print submissions/s, p50/p95/p99 and failures.

Targets of the issue: ≥ 200 submissions/s on the 2-core machine, p99 < 300 ms, none lost.
Locust itself and PostgreSQL share the same two cores as gunicorn, so the figures are a floor.
This file is also the locustfile (locust imports it and finds :class:`Respondent`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOKENS_ENV = "CHISO_SURVEY_TOKENS"
SCALES = [
    "tc_noi_lam_viec",
    "tc_thong_tin",
    "tc_truc_tuyen",
    "tt_giay_to",
    "tt_phi",
    "tt_thoi_han",
    "cc_thai_do",
    "cc_huong_dan",
    "kq_chinh_xac",
    "kq_thoi_gian",
    "gy_tiep_nhan",
    "hai_long_chung",
]


def form(i: int) -> dict[str, Any]:
    """A complete SIPAS form, varied a little by ``i``."""
    answers: dict[str, Any] = {code: 3 + (i + n) % 3 for n, code in enumerate(SCALES)}
    # The respondent group question is left out: the server fills it from the invitation's
    # group (citizens), and refuses an answer that contradicts it.
    answers.update(
        kenh_nop=1 + i % 3,
        so_lan_di_lai=1 + i % 3,
        cc_phien_ha=1,
        kq_dung_han=1,
        gy_da_gop_y=2,
        can_cai_thien=[1 + i % 6],
    )
    return {"answers": answers}


# -- the locustfile part --------------------------------------------------------------------

# Only when locust loads this file: importing locust monkey-patches the standard library
# (gevent), which the orchestration below must not suffer.
if "locust" in sys.modules:
    from locust import FastHttpUser, constant, events, task
    from locust.exception import StopUser

    _tokens: list[str] = []

    @events.init.add_listener
    def _load_tokens(environment: Any, **_kwargs: Any) -> None:
        path = os.environ.get(TOKENS_ENV)
        if path:
            _tokens.extend(reversed(Path(path).read_text().split()))

    class Respondent(FastHttpUser):
        """One simulated respondent per token; each token is used once."""

        wait_time = constant(0)

        @task
        def submit(self) -> None:
            if not _tokens:
                raise StopUser
            token = _tokens.pop()
            with self.client.post(
                f"/api/surveys/responses/{token}",
                json=form(len(_tokens)),
                # as the province's TLS proxy does; without it DEBUG=0 redirects to https
                headers={"X-Forwarded-Proto": "https"},
                name="/api/surveys/responses/[token]",
                catch_response=True,
            ) as response:
                if response.status_code != 201:
                    response.failure(f"{response.status_code}: {(response.text or '')[:200]}")


# -- the orchestration part -----------------------------------------------------------------


def prepare(forms: int) -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from chiso.org.models import Agency, AgencyType
    from chiso.surveys.actions import (
        create_campaign,
        issue_invitations,
        open_campaign,
        ship_templates,
    )

    kind, _ = AgencyType.objects.get_or_create(code="so", defaults={"name": "Sở"})
    agencies = [
        Agency.objects.get_or_create(code=code, defaults={"name": name, "type": kind})[0]
        for code, name in (("stp", "Sở Tư pháp"), ("sxd", "Sở Xây dựng"))
    ]
    sipas = next(q for q in ship_templates() if q.code == "sipas-nguoi-dan")
    campaign = create_campaign(
        actor=None,
        year=2024,
        name=f"Tải thử {time.strftime('%H:%M:%S')}",
        questionnaires=[sipas],
        agencies=agencies,
    )
    open_campaign(campaign, actor=None)
    tokens: list[str] = []
    for n, agency in enumerate(agencies):
        share = forms // 2 + (forms % 2 if n == 0 else 0)
        for start in range(0, share, 5000):
            tokens += [
                i.token
                for i in issue_invitations(
                    campaign,
                    actor=None,
                    agency=agency,
                    group="citizen",
                    channel="online",
                    count=min(5000, share - start),
                    questionnaire=sipas,
                )
            ]
    os.environ["CHISO_BENCH_CAMPAIGN"] = str(campaign.pk)
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def warm_up(port: int, workers: int) -> None:
    """Load each worker's URLconf and API before measuring (the first request imports them)."""
    import urllib.error
    import urllib.request

    for _ in range(workers * 4):
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/khao-sat/warm-up/", headers={"X-Forwarded-Proto": "https"}
        )
        try:
            urllib.request.urlopen(request, timeout=30)
        except urllib.error.HTTPError:
            pass  # 404 is the expected answer


def stats(path: Path) -> dict[str, Any]:
    """Totals and percentiles (ms) from locust's final JSON stats."""
    (entry,) = [e for e in json.loads(path.read_text()) if e["name"].startswith("/api/surveys")]
    times = sorted((int(float(ms)), count) for ms, count in entry["response_times"].items())
    total = sum(count for _ms, count in times)

    def percentile(p: float) -> int | None:
        seen = 0
        for ms, count in times:
            seen += count
            if seen >= p * total:
                return ms
        return None

    elapsed = max(entry["last_request_timestamp"] - entry["start_time"], 1e-9)
    return {
        "requests": entry["num_requests"],
        "failures": entry["num_failures"],
        "per_s": entry["num_requests"] / elapsed,
        "p50": percentile(0.5),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=6000, help="tokens (upper bound of requests)")
    parser.add_argument("--users", type=int, default=60, help="concurrent locust users")
    parser.add_argument("--seconds", type=int, default=30, help="run time bound")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("run under scripts/with-postgres (a throwaway PostgreSQL)")
    started = time.perf_counter()
    tokens = prepare(args.forms)
    print(f"prepared {len(tokens)} invitations in {time.perf_counter() - started:.1f} s")
    from chiso.surveys.models import Response

    campaign_id = int(os.environ["CHISO_BENCH_CAMPAIGN"])
    tmp = Path(tempfile.mkdtemp(prefix="chiso-survey-load-"))
    (tmp / "tokens.txt").write_text("\n".join(tokens))
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "CHISO_BASE_URL": "https://127.0.0.1",
        "SECRET_KEY": "benchmark-only",
        "LOG_LEVEL": "WARNING",
        TOKENS_ENV: str(tmp / "tokens.txt"),
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "chiso.wsgi",
            "--workers",
            str(args.workers),
            "--preload",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        warm_up(port, args.workers)
        report = tmp / "locust.json"  # locust appends ".json" to the name given
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                __file__,
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "-u",
                str(args.users),
                "-r",
                str(args.users),
                "--run-time",
                f"{args.seconds}s",
                "--stop-timeout",
                "10",
                "--json-file",
                str(report.with_suffix("")),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    row = stats(report)
    requests, failures = row["requests"], row["failures"]
    accepted = requests - failures
    stored = Response.objects.filter(campaign_id=campaign_id, status="submitted").count()
    result = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "workers": args.workers,
        "users": args.users,
        "requests": requests,
        "failures": failures,
        "submissions_per_s": round(row["per_s"], 1),
        "p50_ms": row["p50"],
        "p95_ms": row["p95"],
        "p99_ms": row["p99"],
        "accepted": accepted,
        "stored": stored,
        "lost": accepted - stored,
    }
    print(json.dumps(result, indent=1))
    if stored != accepted:
        raise SystemExit("responses were lost")


if __name__ == "__main__":
    main()
