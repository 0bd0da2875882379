"""Recomputing the dossiers in the background, with progress (``/dossiers/recompute/``).

The same pattern as the report jobs (chiso/reports/jobs.py): the page records a job
(:func:`chiso.dossiers.actions.request_recompute`) and calls :func:`start_in_background`, which
runs :func:`run_job` in a daemon thread once the request's transaction has committed. The job
is claimed with one conditional UPDATE (pending → running), so two runners never run it twice;
it calls :func:`chiso.dossiers.recompute.recompute` as the user who asked, storing the progress
after each chunk, and ends done (with the counts) or failed. A failure the page expects is
stored as a code (:data:`FULL_NEEDED`, :data:`NOT_REFORM_OFFICE`, ``timed-out:<minutes>``) and
worded by :func:`error_message` in the reader's language: the job's thread has no active
language (review s5-2, M1). Any other failure is stored as the exception's message.

A job whose process died (a restarted web server kills its threads) would stay pending or
running for ever and block every later one: after ``DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES``
(default 60; a full recompute of 10⁶ dossiers takes a few minutes, docs/performance.md)
:func:`fail_timed_out` marks it failed; the recompute page does it when it loads.

The alternative without a browser is cron: ``chiso dossiers recompute --open`` daily.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.audit.models import AuditEvent
from chiso.core.background import claim, fail_stale, start_after_commit
from chiso.core.checks import whole_minutes
from chiso.dossiers.actions import ACTIVE
from chiso.dossiers.models import Dossier, RecomputeJob
from chiso.dossiers.recompute import FullRecomputeNeeded, recompute

log = logging.getLogger(__name__)

Status = RecomputeJob.Status
CALENDAR_ACTIONS = ("dossiers.calendar.set", "dossiers.calendar.removed")
IMPORT_ACTIONS = ("dossiers.import", "dossiers.push")
# The codes a failed job stores in ``error`` (see error_message).
FULL_NEEDED = "full-recompute-needed"
NOT_REFORM_OFFICE = "not-reform-office"
TIMED_OUT = "timed-out:{minutes}"
_TIMED_OUT = re.compile(r"^timed-out:(\d+)$")


def timeout_minutes() -> int:
    """``DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES`` (``CHISO_RECOMPUTE_TIMEOUT_MINUTES``). A value
    that is not a whole number above 0 is refused at start-up (chiso/core/checks.py); a server
    started without the checks uses 60 rather than failing the recompute page."""
    return whole_minutes(getattr(settings, "DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES", 60)) or 60


def _progress(job: RecomputeJob, done: int, total: int) -> None:
    # Its own statement, committed at once: the page polls it while the job runs.
    RecomputeJob.objects.filter(pk=job.pk).update(done=done, total=total)
    job.done, job.total = done, total


def error_message(job: RecomputeJob) -> str:
    """Why ``job`` failed, in the active language: the browser's words for a stored code (a
    FullRecomputeNeeded asks for the button of the page, not the command line); any other
    failure as stored."""
    if job.error == FULL_NEEDED:
        return _(
            "A procedure has moved to another field since the dossiers were last computed: "
            "press “Recompute every dossier” on this page."
        )
    if job.error == NOT_REFORM_OFFICE:
        return _("Only the reform office may recompute the dossiers.")
    timed_out = _TIMED_OUT.match(job.error)
    return timed_out_message(int(timed_out.group(1))) if timed_out else job.error


def _fail(job: RecomputeJob, error: str) -> None:
    """Store ``error`` (a code or a message); the audit row's reason is its wording in the
    site's language, as no reader's language is known in the job's thread."""
    job.error = error
    with translation.override(settings.LANGUAGE_CODE):
        reason = error_message(job)
    with transaction.atomic():
        RecomputeJob.objects.filter(pk=job.pk).update(
            status=Status.FAILED, error=error, finished_at=timezone.now()
        )
        record(
            "dossiers.recompute.failed",
            actor=job.requested_by,
            obj=job,
            reason=reason,
            data={"open_only": job.open_only},
        )


def _execute(job: RecomputeJob) -> RecomputeJob:
    job.refresh_from_db()
    dossiers = Dossier.objects.filter(settled=False) if job.open_only else Dossier.objects.all()
    _progress(job, 0, dossiers.count())
    try:
        report = recompute(
            actor=job.requested_by,
            progress=lambda done, total: _progress(job, done, total),
            open_only=job.open_only,
        )
    except PermissionDenied:  # the requester left the reform office meanwhile
        _fail(job, NOT_REFORM_OFFICE)
    except FullRecomputeNeeded:  # expected: error_message says what to do
        _fail(job, FULL_NEEDED)
    except Exception as exc:  # every failure is the user's to see, not a silent dead thread
        log.exception("recompute job %s failed", job.pk)
        _fail(job, str(exc) or exc.__class__.__name__)
    else:
        # Unconditional: a job marked failed by the timeout while still alive keeps its result.
        RecomputeJob.objects.filter(pk=job.pk).update(
            status=Status.DONE,
            dossiers=report.dossiers,
            changed=report.changed,
            done=report.dossiers,
            total=report.dossiers,
            error="",
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job


def run_job(job: RecomputeJob) -> RecomputeJob:
    """Run one pending job to its end (done or failed) and return it as stored.

    Not atomic on purpose: progress and the final state must be visible to other requests
    while it runs (``recompute`` commits chunk by chunk). A job someone else has claimed is
    returned as it is."""
    if not claim(RecomputeJob.objects.all(), job.pk):
        job.refresh_from_db()
        return job
    return _execute(job)


def _run_by_pk(pk: int) -> None:
    job = RecomputeJob.objects.filter(pk=pk).first()
    if job is not None:
        run_job(job)


def start_in_background(job: RecomputeJob) -> None:
    """Run ``job`` in a daemon thread of this process once the current transaction commits
    (so that the thread sees the job's row)."""
    pk = job.pk
    start_after_commit(f"recompute-job-{pk}", lambda: _run_by_pk(pk))


def timed_out_message(minutes: int) -> str:
    """What a job failed by :func:`fail_timed_out` says."""
    return _(
        "Not finished after %(minutes)s minutes: the process running it has probably stopped. "
        "Start the recompute again."
    ) % {"minutes": minutes}


def fail_timed_out(
    *, actor: Any, minutes: int | None = None, now: datetime | None = None
) -> list[RecomputeJob]:
    """Mark failed every job still pending, or running, more than ``minutes``
    (``DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES``) after it was asked for, or started; one audit
    row per job with the message (in the actor's language) as its reason; the job stores the
    code ``timed-out:<minutes>``. Returns the jobs marked. Called by the
    recompute page (reform office only) before it shows the jobs."""
    wait = timeout_minutes() if minutes is None else minutes
    return fail_stale(
        RecomputeJob.objects.all(),
        requested_at="created_at",
        minutes=wait,
        now=now or timezone.now(),
        code=TIMED_OUT.format(minutes=wait),
        action="dossiers.recompute.timed_out",
        actor=actor,
        reason=timed_out_message(wait),
    )


def active_job() -> RecomputeJob | None:
    """The job waiting or running, if any (there is at most one)."""
    return RecomputeJob.objects.filter(status__in=ACTIVE).select_related("requested_by").first()


def last_recompute(*, full: bool = False) -> AuditEvent | None:
    """The latest finished recompute (its ``dossiers.recompute`` audit row, whether run here
    or by ``chiso dossiers recompute``); with ``full``, the latest that derived every dossier
    (not ``--open``)."""
    rows = AuditEvent.objects.filter(action="dossiers.recompute")
    if full:
        rows = rows.exclude(data__has_key="open_only")
    return rows.order_by("-at", "-id").first()


def last_calendar_change() -> AuditEvent | None:
    return AuditEvent.objects.filter(action__in=CALENDAR_ACTIONS).order_by("-at", "-id").first()


def last_import() -> AuditEvent | None:
    """The latest file import or pushed batch of dossiers (each derives its own dossiers)."""
    return AuditEvent.objects.filter(action__in=IMPORT_ACTIONS).order_by("-at", "-id").first()


def calendar_changed_since_recompute() -> bool:
    """Whether a calendar day changed after the latest full recompute (or none ever ran):
    the settled dossiers, and the rollups, still count the old calendar."""
    change = last_calendar_change()
    if change is None:
        return False
    full = last_recompute(full=True)
    return full is None or full.at < change.at
