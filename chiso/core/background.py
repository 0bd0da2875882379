"""Work started by a request and done after it, in a thread of the same process.

Report files and dossier recomputes take longer than a request should; a deployment without
a worker still gets them done. The job's own row says its state, so a thread that dies with
its process leaves a row that the job's time-out marks failed.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chiso.audit.actions import record


def start_after_commit(name: str, run: Callable[[], object]) -> None:
    """Call ``run`` in a daemon thread named ``name`` once the current transaction commits
    (so that the thread sees the rows written in it), with the thread's own database
    connection, closed when ``run`` returns or raises."""

    def thread() -> None:
        close_old_connections()
        try:
            run()
        finally:
            connection.close()

    transaction.on_commit(lambda: threading.Thread(target=thread, name=name, daemon=True).start())


# The states both job models (reports.ReportJob, dossiers.RecomputeJob) share.
PENDING, RUNNING, FAILED = "pending", "running", "failed"


def claim(jobs: QuerySet[Any], pk: int) -> bool:
    """Move job ``pk`` from pending to running with one conditional UPDATE; False when another
    runner (a thread, ``run-pending``) got it first."""
    return bool(
        jobs.filter(pk=pk, status=PENDING).update(status=RUNNING, started_at=timezone.now())
    )


def fail_stale(
    jobs: QuerySet[Any],
    *,
    requested_at: str,
    minutes: int,
    now: datetime.datetime,
    code: str,
    action: str,
    actor: Any,
    reason: str,
) -> list[Any]:
    """Mark failed (error ``code``) the jobs of ``jobs`` still pending ``minutes`` after their
    ``requested_at`` field, or running that long after they started, with one audit row
    ``action`` per job (``reason``; old and new status and the minutes as data). The update is
    conditional on the status read, so a runner that finished meanwhile keeps its result.
    Returns the jobs marked, in request order."""
    cutoff = now - datetime.timedelta(minutes=minutes)
    stale = Q(status=PENDING, **{f"{requested_at}__lt": cutoff}) | Q(
        status=RUNNING, started_at__lt=cutoff
    )
    marked = []
    with transaction.atomic():
        for job in jobs.select_for_update().filter(stale).order_by(requested_at, "pk"):
            if not jobs.model.objects.filter(pk=job.pk, status=job.status).update(
                status=FAILED, error=code, finished_at=now
            ):
                continue
            record(
                action,
                actor=actor,
                obj=job,
                reason=reason,
                data={"status": [job.status, FAILED], "minutes": minutes},
            )
            job.status, job.error, job.finished_at = FAILED, code, now
            marked.append(job)
    return marked
