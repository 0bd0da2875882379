"""Generating official outputs in the background, with progress (docs/reports.md).

``request_job`` records what a user asked for; ``run_job`` makes the file, storing its progress
(done/total) in the database after each step (each agency, for a ZIP of scorecards) so the
progress page can show it; a failure is stored with its message. Two ways to run jobs:

- in the web process: the view calls :func:`start_in_background` once the request's transaction
  has committed, which runs the job in a daemon thread;
- by a worker or cron: ``chiso report_jobs run-pending`` (:func:`run_pending`).

Finished files are kept ``CHISO_REPORT_JOB_DAYS`` days; ``chiso report_jobs cleanup``
(:func:`clean_up_expired`) then deletes them and marks their jobs expired.

A job whose process died (a restarted web server kills its threads) would stay pending or
running for ever: after ``CHISO_REPORT_JOB_TIMEOUT_MINUTES`` minutes :func:`fail_timed_out`
marks it failed (``error`` holds the code ``timed-out:<minutes>``; the page words it in the
reader's language, ``ReportJob.error_message``) and its page offers to generate it again. The
cleanup command does it for every job; the job's page does it for its own job when it loads.

A job is claimed with one conditional UPDATE (pending → running), so a thread and a worker never
run the same job twice, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import logging
import os
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.audit.actions import record
from chiso.core.background import claim, fail_stale, start_after_commit
from chiso.core.checks import whole_minutes
from chiso.reports.data import ranked_scores
from chiso.reports.models import TIMED_OUT, ReportJob, timed_out_message
from chiso.reports.pdf import province_pdf_for, scorecard_pdf
from chiso.reports.xlsx import result_table_xlsx
from chiso.results.models import ResultSet
from chiso.results.queries import visible_result_sets

log = logging.getLogger(__name__)

Kind = ReportJob.Kind
Status = ReportJob.Status


class NoResults(Exception):
    """The user may not see results for this year and block (the view answers 404)."""


def _result_set(sets: QuerySet[ResultSet], year: int, block: str) -> ResultSet | None:
    return sets.filter(year=year, block__code=block).first()


def file_name(kind: str, year: int, result_set: ResultSet | None) -> str:
    """The Vietnamese download name, as the direct downloads name their files."""
    if kind == Kind.PROVINCE_PDF:
        return f"Báo cáo chỉ số CCHC năm {year}.pdf"
    block = result_set.block.name if result_set else ""
    if kind == Kind.BLOCK_XLSX:
        return f"Kết quả chỉ số CCHC {year} - {block}.xlsx"
    return f"Phiếu kết quả chỉ số CCHC {year} - {block}.zip"


@transaction.atomic
def request_job(user: Any, kind: str, year: int, block: str = "") -> ReportJob:
    """Record a pending job of ``kind`` for ``user``, after the same checks as the direct
    downloads: a role is needed, and the user must see results of that year (and block).

    Raises ``PermissionDenied`` without a role, :class:`NoResults` when nothing is visible.
    """
    scope.require_any_role(user)
    if kind not in Kind.values:
        raise NoResults
    sets = visible_result_sets(user)
    result_set = None
    if kind == Kind.PROVINCE_PDF:
        block = ""
        if not sets.filter(year=year).exists():
            raise NoResults
    else:
        result_set = _result_set(sets, year, block)
        if result_set is None:
            raise NoResults
    job = ReportJob.objects.create(
        key=secrets.token_urlsafe(24),
        kind=kind,
        year=year,
        block_code=block,
        file_name=file_name(kind, year, result_set),
        requested_by=user,
        requested_at=timezone.now(),
    )
    record(
        "reports.job.requested",
        actor=user,
        obj=job,
        data={"kind": kind, "year": year, "block": block},
    )
    return job


def _progress(job: ReportJob, done: int, total: int) -> None:
    # Its own statement, committed at once: the progress page reads it while the job runs.
    ReportJob.objects.filter(pk=job.pk).update(done=done, total=total)
    job.done, job.total = done, total


def _write_scorecards(
    job: ReportJob, result_set: ResultSet, sets: QuerySet[ResultSet], target: Any
) -> None:
    scores = ranked_scores(result_set)
    _progress(job, 0, len(scores))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, score in enumerate(scores, start=1):
            name = f"{number:02d} - {score.agency.name}.pdf"
            archive.writestr(name, scorecard_pdf(score, sets))
            _progress(job, number, len(scores))


def _produce(job: ReportJob, target: Any) -> None:
    """Write the job's file to the open binary file ``target``, reporting progress."""
    sets = visible_result_sets(job.requested_by)
    if job.kind == Kind.PROVINCE_PDF:
        _progress(job, 0, 1)
        content = province_pdf_for(job.year, sets)
        if content is None:
            raise NoResults(_("There are no results of %(year)s.") % {"year": job.year})
        target.write(content)
        _progress(job, 1, 1)
        return
    result_set = _result_set(sets, job.year, job.block_code)
    if result_set is None:
        raise NoResults(
            _("There are no results of block %(block)s in %(year)s.")
            % {"block": job.block_code, "year": job.year}
        )
    if job.kind == Kind.BLOCK_XLSX:
        _progress(job, 0, 1)
        target.write(result_table_xlsx(result_set, viewer=job.requested_by))
        _progress(job, 1, 1)
    else:
        _write_scorecards(job, result_set, sets, target)


def _execute(job: ReportJob) -> ReportJob:
    job.refresh_from_db()
    job.path.parent.mkdir(parents=True, exist_ok=True)
    partial = job.path.with_suffix(".part")
    try:
        with partial.open("wb") as target:
            _produce(job, target)
        os.replace(partial, job.path)
    except Exception as exc:  # every failure is the user's to see, not a silent dead thread
        log.exception("report job %s failed", job.pk)
        partial.unlink(missing_ok=True)
        ReportJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED,
            error=str(exc) or exc.__class__.__name__,
            finished_at=timezone.now(),
        )
    else:
        ReportJob.objects.filter(pk=job.pk).update(
            status=Status.DONE, size=job.path.stat().st_size, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def run_job(job: ReportJob) -> ReportJob:
    """Run one pending job to its end (done or failed) and return it as stored.

    Not atomic on purpose: progress and the final state must be visible to other requests
    while it runs. A job someone else has claimed is returned as it is.
    """
    if not claim(ReportJob.objects.all(), job.pk):
        job.refresh_from_db()
        return job
    return _execute(job)


def run_pending(report: Callable[[ReportJob], Any] = lambda job: None) -> int:
    """Run every pending job, oldest first; ``report`` is called after each. Returns how many
    this call ran (jobs claimed meanwhile by another runner are skipped)."""
    count = 0
    for job in ReportJob.objects.filter(status=Status.PENDING).order_by("requested_at", "pk"):
        if claim(ReportJob.objects.all(), job.pk):
            report(_execute(job))
            count += 1
    return count


def _run_by_pk(pk: int) -> None:
    job = ReportJob.objects.filter(pk=pk).first()
    if job is not None:
        run_job(job)


def start_in_background(job: ReportJob) -> None:
    """Run ``job`` in a daemon thread of this process once the current transaction commits
    (so the thread sees the job's row). A job whose process dies stays pending or running
    until :func:`fail_timed_out`; ``chiso report_jobs run-pending`` runs the pending ones."""
    pk = job.pk
    start_after_commit(f"report-job-{pk}", lambda: _run_by_pk(pk))


def timeout_minutes() -> int | None:
    """``CHISO_REPORT_JOB_TIMEOUT_MINUTES``, or ``None`` when it is not a whole number above 0
    (the system check ``chiso.E001`` refuses such a value at start-up, chiso/core/checks.py)."""
    return whole_minutes(settings.CHISO_REPORT_JOB_TIMEOUT_MINUTES)


def fail_timed_out(
    *,
    actor: Any,
    jobs: QuerySet[ReportJob] | None = None,
    minutes: int | None = None,
    now: datetime | None = None,
) -> list[ReportJob]:
    """Mark failed every job of ``jobs`` (default: all) still pending, or running, more than
    ``minutes`` (``CHISO_REPORT_JOB_TIMEOUT_MINUTES``) after it was asked for, or started; one
    audit row per job, the message as its reason. Returns the jobs marked.

    The command line (``actor=None``) and the reform office may do it for any job, anyone else
    only for their own (the job page does it for the job it shows). A runner still alive that
    finishes later stores its result over the failure (``_execute``), so no file is lost.
    """
    wait = timeout_minutes() if minutes is None else minutes
    if wait is None:
        # Refused by the system check at start-up; a server started without the check
        # (gunicorn runs none) must still show its pages, so nothing times out here.
        log.error("CHISO_REPORT_JOB_TIMEOUT_MINUTES is not a whole number above 0: ignored")
        return []
    if wait <= 0:
        raise ValueError(_("The report job timeout must be a positive number of minutes."))
    chosen = ReportJob.objects.all() if jobs is None else jobs
    if actor is not None and not scope.is_reform_office(actor):
        chosen = chosen.filter(requested_by_id=actor.pk)
    return fail_stale(
        chosen,
        requested_at="requested_at",
        minutes=wait,
        now=now or timezone.now(),
        code=TIMED_OUT.format(minutes=wait),
        action="reports.job.timed_out",
        actor=actor,
        reason=timed_out_message(wait),  # the audit row's reason, in the actor's language
    )


@dataclass(frozen=True)
class Cleanup:
    """What :func:`clean_up_expired` did: jobs marked expired, files deleted, bytes freed."""

    days: int
    jobs: int
    files: int
    bytes: int


def clean_up_expired(
    *, actor: Any, days: int | None = None, now: datetime | None = None
) -> Cleanup:
    """Mark every job finished more than ``days`` (``CHISO_REPORT_JOB_DAYS``) ago expired,
    delete its file, and write one audit row with the counts (even when nothing expired, so the
    trail shows the cleanup ran).

    The rows change first, in one transaction: once a job is expired its page offers to generate
    it again instead of a download, so a file deleted afterwards is never a broken link. Only
    the reform office (or the command line, ``actor=None``) may do it.
    """
    if actor is not None:
        scope.require_reform_office(actor)
    keep = settings.CHISO_REPORT_JOB_DAYS if days is None else days
    if keep < 0:
        raise ValueError(_("The number of days to keep report files cannot be negative."))
    cutoff = (now or timezone.now()) - timedelta(days=keep)
    with transaction.atomic():
        old = ReportJob.objects.select_for_update().filter(
            status=Status.DONE, finished_at__lt=cutoff
        )
        jobs = list(old)
        ReportJob.objects.filter(pk__in=[j.pk for j in jobs]).update(status=Status.EXPIRED)
        present = [j.path for j in jobs if j.path.is_file()]
        freed = sum(path.stat().st_size for path in present)
        result = Cleanup(days=keep, jobs=len(jobs), files=len(present), bytes=freed)
        record(
            "reports.jobs.cleaned",
            actor=actor,
            data={"days": keep, "jobs": result.jobs, "files": result.files, "bytes": freed},
        )
    for path in present:
        path.unlink(missing_ok=True)
    return result
