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

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chiso.org.models import Block
from chiso.reports.jobs import clean_up_expired, fail_timed_out, run_pending, timeout_minutes
from chiso.reports.models import ReportJob


def _vi(count: int) -> str:
    """Vietnamese groups thousands with a dot (1.497.437)."""
    return f"{count:,}".replace(",", ".")


def _en(count: int, one: str, many: str) -> str:
    """English groups with a comma and says "1 job", "2 jobs"."""
    return f"{count:,} {one if count == 1 else many}"


def _days(text: str) -> int:
    """``--days``: a whole number of days, 0 or more (refused in both languages, as the
    command's other lines)."""
    try:
        days = int(text)
    except ValueError:
        days = -1
    if days < 0:
        raise argparse.ArgumentTypeError(
            f"số ngày lưu tệp báo cáo phải là số nguyên, không được là số âm: {text!r} / the "
            f"number of days to keep report files must be a whole number, not negative: {text!r}"
        )
    return days


def _block_name(job: ReportJob) -> str:
    """The name of the job's block that year ("Khối sở, ban, ngành"), as the pages show it;
    the code when the block is gone, nothing for a job of the whole province."""
    if not job.block_code:
        return ""
    block = Block.objects.filter(code=job.block_code, year=job.year).first()
    return block.name if block else job.block_code


class Command(BaseCommand):
    help = "Run the pending background report jobs (XLSX tables, PDF reports, scorecard ZIPs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run-pending", "cleanup"])
        parser.add_argument(
            "--days",
            type=_days,
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
                with translation.override("vi"):
                    self.stdout.write(
                        f"{job.key} {job.kind} {job.year} {_block_name(job)}: LỖI / FAILED: "
                        f"{job.error_message}"
                    )
            else:
                size = job.size or 0
                self.stdout.write(
                    f"{job.key} {job.kind} {job.year} {_block_name(job)}: "
                    f"{job.done}/{job.total}, {_vi(size)} byte / {_en(size, 'byte', 'bytes')}"
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
