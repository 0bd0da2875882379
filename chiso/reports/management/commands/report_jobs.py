"""``chiso report_jobs run-pending``: run the report jobs still waiting, for a worker or cron.

    * * * * *  chiso report_jobs run-pending

The web process runs each job in a background thread as soon as it is asked for; this command
is for deployments that prefer a separate worker, and picks up jobs whose process stopped
before starting them. Prints one line per job; exit status 1 when one of them failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.reports.jobs import run_pending
from chiso.reports.models import ReportJob


class Command(BaseCommand):
    help = "Run the pending background report jobs (XLSX tables, PDF reports, scorecard ZIPs)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run-pending"])

    def handle(self, *args: Any, **options: Any) -> None:
        failed = []

        def report(job: ReportJob) -> None:
            if job.status == ReportJob.Status.FAILED:
                failed.append(job)
                self.stdout.write(f"{job.key} {job.kind} {job.year}: LỖI / FAILED: {job.error}")
            else:
                self.stdout.write(
                    f"{job.key} {job.kind} {job.year} {job.block_code}: "
                    f"{job.done}/{job.total}, {job.size:,} bytes"
                )

        count = run_pending(report)
        self.stdout.write(f"{count} việc / jobs run")
        if failed:
            raise CommandError(f"{len(failed)} việc lỗi / jobs failed")
