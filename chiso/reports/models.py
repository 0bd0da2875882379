"""Report jobs: official outputs generated in the background, with their progress.

A job is asked for by one user and seen by that user only; it reads the result sets that user
may see (``visible_result_sets``) when it runs. The file lies under ``MEDIA_ROOT/reports/<key>``
(the key is random and also names the job in its URLs) and is only ever sent as an attachment.
Rows are written only by :mod:`chiso.reports.jobs`.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# ``error`` of a job failed for taking too long: a code, not a sentence, so that the message
# is written when it is shown, in the reader's language (review s5, L2).
TIMED_OUT = "timed-out:{minutes}"
_TIMED_OUT = re.compile(r"^timed-out:(\d+)$")


def timed_out_message(minutes: int) -> str:
    """What a job failed after ``minutes`` minutes tells its requester (active language)."""
    return gettext(
        "Not finished after %(minutes)s minutes: the process making it has probably stopped. "
        "Generate it again."
    ) % {"minutes": minutes}


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        BLOCK_XLSX = "block_xlsx", _("Result table of a block (XLSX)")
        PROVINCE_PDF = "province_pdf", _("Province report of a year (PDF)")
        SCORECARDS_ZIP = "scorecards_zip", _("Every agency's scorecard of a block (ZIP of PDFs)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        # The file was deleted after CHISO_REPORT_JOB_DAYS (``chiso report_jobs cleanup``).
        EXPIRED = "expired", _("Expired")

    key = models.CharField(_("key"), max_length=64, unique=True)
    kind = models.CharField(_("kind of report"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    block_code = models.CharField(_("block code"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    done = models.PositiveIntegerField(_("steps done"), default=0)
    total = models.PositiveIntegerField(_("steps in all"), default=0)
    error = models.TextField(_("error"), blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="report_jobs",
    )
    requested_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} {self.block_code}".strip()

    @property
    def path(self) -> Path:
        """Where the finished file lies (server-made name, never the user's)."""
        return Path(settings.MEDIA_ROOT) / "reports" / self.key

    @property
    def error_message(self) -> str:
        """Why the job failed, for its page: a time-out in the reader's language; any other
        failure as stored (the exception's message), as are time-outs stored as sentences by
        earlier versions."""
        timed_out = _TIMED_OUT.match(self.error)
        return timed_out_message(int(timed_out.group(1))) if timed_out else self.error

    @property
    def is_active(self) -> bool:
        """Still waiting or running: the progress page keeps polling."""
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0
