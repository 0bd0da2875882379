"""``chiso report_jobs run-pending | cleanup``: the background report jobs, for a worker or cron.

    * * * * *  chiso report_jobs run-pending
    30 2 * * *  chiso report_jobs cleanup [--days N]

``run-pending``: the web process runs each job in a background thread as soon as it is asked
for; this is for deployments that prefer a separate worker, and picks up jobs whose process
stopped before starting them. Prints one line per job; exit status 1 when one of them failed.

``cleanup``: marks failed the jobs pending or running for more than
``CHISO_REPORT_JOB_TIMEOUT_MINUTES`` minutes (their process died; one audit row each), then
deletes the files of jobs finished more than ``CHISO_REPORT_JOB_DAYS`` days ago (``--days``
overrides it) and marks those jobs expired; one audit row with the counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chiso.reports.jobs import clean_up_expired, fail_timed_out, run_pending, timeout_minutes
from chiso.reports.models import ReportJob


def _vi(count: int) -> str:
    """Vietnamese groups thousands with a dot (1.497.437)."""
    return f"{count:,}".replace(",", ".")


def _en(count: int, one: str, many: str) -> str:
    """English groups with a comma and says "1 job", "2 jobs"."""
    return f"{count:,} {one if count == 1 else many}"


class Command(BaseCommand):
    help = "Run the pending background report jobs (XLSX tables, PDF reports, scorecard ZIPs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run-pending", "cleanup"])
        parser.add_argument(
            "--days",
            type=int,
            help="cleanup: keep files this many days (default: CHISO_REPORT_JOB_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "cleanup":
            self._clean_up(options["days"])
            return
        failed = []

        def report(job: ReportJob) -> None:
            if job.status == ReportJob.Status.FAILED:
                failed.append(job)
                self.stdout.write(
                    f"{job.key} {job.kind} {job.year}: LỖI / FAILED: {job.error_message}"
                )
            else:
                self.stdout.write(
                    f"{job.key} {job.kind} {job.year} {job.block_code}: "
                    f"{job.done}/{job.total}, {job.size:,} bytes"
                )

        count = run_pending(report)
        self.stdout.write(f"{count} việc / jobs run")
        if failed:
            raise CommandError(f"{len(failed)} việc lỗi / jobs failed")

    def _clean_up(self, days: int | None) -> None:
        minutes = timeout_minutes()
        if minutes is None:  # also refused by `chiso check` (chiso/core/checks.py)
            raise CommandError(
                "CHISO_REPORT_JOB_TIMEOUT_MINUTES phải là một số phút nguyên lớn hơn 0 / "
                "must be a whole number of minutes above 0"
            )
        try:
            # The refusal and the stored messages in Vietnamese, as the other commands.
            with translation.override("vi"):
                timed_out = fail_timed_out(actor=None)
                done = clean_up_expired(actor=None, days=days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        failed = len(timed_out)
        self.stdout.write(
            f"{_vi(failed)} việc quá {_vi(minutes)} phút chưa xong, đánh dấu lỗi / "
            f"{_en(failed, 'job', 'jobs')} unfinished after {_en(minutes, 'minute', 'minutes')} "
            "marked failed"
        )
        self.stdout.write(
            f"{_vi(done.jobs)} việc hết hạn, {_vi(done.files)} tệp đã xoá, {_vi(done.bytes)} byte "
            f"(giữ {_vi(done.days)} ngày) / {_en(done.jobs, 'job', 'jobs')} expired, "
            f"{_en(done.files, 'file', 'files')} deleted, {_en(done.bytes, 'byte', 'bytes')} "
            f"(kept {_en(done.days, 'day', 'days')})"
        )
