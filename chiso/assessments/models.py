"""The annual evaluation round: self-assessment, approval, appraisal, explanation, council.

A :class:`Round` evaluates the agencies of one block under one published framework; each agency
gets an :class:`Assessment` with one :class:`ItemEntry` per leaf it scores itself. The stages
follow the national flow (par-index.md §1.4): self-assessment approved by the leadership,
appraisal, explanation (giải trình), a second appraisal, the council (Hội đồng thẩm định), then
the results. Rows are written only by :mod:`chiso.assessments.actions`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """Where an assessment stands; a round moves its assessments along these stages."""

    DRAFT = "draft", _("Self-assessment in progress")
    SUBMITTED = "submitted", _("Submitted, awaiting the leader's approval")
    APPROVED = "approved", _("Approved by the agency leader")
    APPRAISAL_1 = "appraisal_1", _("Appraisal round 1")
    EXPLANATION = "explanation", _("Explanation")
    APPRAISAL_2 = "appraisal_2", _("Appraisal round 2")
    COUNCIL = "council", _("Appraisal council")
    FINALISED = "finalised", _("Finalised")
    PUBLISHED = "published", _("Published")


class Deadline(models.TextChoices):
    """The stages that have a deadline; the name of the matching ``Round`` field is ``<value>_due``."""

    SELF_ASSESSMENT = "self_assessment", _("self-assessment")
    APPROVAL = "approval", _("leader approval")
    APPRAISAL_1 = "appraisal_1", _("appraisal round 1")
    EXPLANATION = "explanation", _("explanation")
    APPRAISAL_2 = "appraisal_2", _("appraisal round 2")
    COUNCIL = "council", _("council")


def user_fk(verbose_name: Any, related_name: str) -> models.ForeignKey:
    """An optional link to the user who did something (None: the command line)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
    )


class Round(models.Model):
    """One evaluation of a block's agencies for a year, with a deadline per stage.

    ``stage`` is the round's stage: ``draft`` covers self-assessment, approval and appraisal
    round 1 (an approved assessment can be appraised at once), then the reform office closes
    each later stage for every agency together.
    """

    year = models.PositiveSmallIntegerField(_("year"))
    block = models.ForeignKey(
        "org.Block", verbose_name=_("block"), on_delete=models.PROTECT, related_name="rounds"
    )
    framework = models.ForeignKey(
        "frameworks.Framework",
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        related_name="rounds",
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    self_assessment_due = models.DateField(_("self-assessment deadline"))
    approval_due = models.DateField(_("leader approval deadline"))
    appraisal_1_due = models.DateField(_("appraisal round 1 deadline"))
    explanation_due = models.DateField(_("explanation deadline"))
    appraisal_2_due = models.DateField(_("appraisal round 2 deadline"))
    council_due = models.DateField(_("council deadline"))
    late_penalty_code = models.CharField(
        _("penalty item for late submission"),
        max_length=40,
        blank=True,
        help_text=_(
            "Code of the framework's penalty item counted once for an agency whose "
            "self-assessment was submitted late; empty: lateness is recorded only."
        ),
    )
    opened_by = user_fk(_("opened by"), "+")
    opened_at = models.DateTimeField(_("opened at"))

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-year", "block__order"]
        constraints = [
            models.UniqueConstraint(fields=["block", "framework"], name="round_block_framework")
        ]

    def __str__(self) -> str:
        return f"{self.block.name} {self.year}"

    def deadline(self, stage: str, agency_id: int | None = None) -> datetime.date:
        """The deadline of ``stage`` for an agency: the later of the round's and the agency's
        extension (:func:`effective_deadline`)."""
        day: datetime.date = getattr(self, f"{stage}_due")
        if agency_id is None:
            return day
        extension = self.extensions.filter(agency_id=agency_id, stage=stage).first()
        return effective_deadline(day, extension.new_date if extension else None)


def effective_deadline(round_day: datetime.date, extended: datetime.date | None) -> datetime.date:
    """An agency's deadline: its extension only when later than the round's date. The round's
    date may be corrected after an extension was granted (review s7 M2): an agency given more
    time must never end up with less than everybody else."""
    return max(round_day, extended) if extended is not None else round_day


class DeadlineExtension(models.Model):
    """A later deadline for one agency and one stage, granted by the reform office."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="extensions"
    )
    agency = models.ForeignKey("org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT)
    stage = models.CharField(_("stage"), max_length=20, choices=Deadline.choices)
    new_date = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))
    granted_by = user_fk(_("granted by"), "+")
    granted_at = models.DateTimeField(_("granted at"))

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agency", "stage"], name="extension_round_agency_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.stage} → {self.new_date:%d/%m/%Y}"


class Assessment(models.Model):
    """One agency's evaluation in a round: its stage, submission and the leader's approval.

    ``submitted_at``, ``submitted_by`` and ``late`` record the submission that counts: after a
    return by the reform office the resubmission keeps the first one's; after a return by the
    agency's own leader it is judged on its own time (docs/evaluation-round.md).

    ``version`` grows with every change, so a page can tell that it shows an old state.
    """

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="assessments"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = user_fk(_("submitted by"), "+")
    late = models.BooleanField(_("submitted late"), default=False)
    approved_by = user_fk(_("approved by"), "+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # The last return of the submission to the agency for correction (return_submission).
    returned_by = user_fk(_("returned by"), "+")
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["round", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "agency"], name="assessment_round_agency")
        ]

    def __str__(self) -> str:
        return f"{self.agency} — {self.round}"


class ItemEntry(models.Model):
    """What the agency, the appraisers and the council said about one leaf of one assessment.

    Only leaves scored from an entered value have an entry; leaves scored from facts (survey,
    metric, a ``source``) are computed elsewhere and never edited by agencies.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="entries"
    )
    code = models.CharField(_("item code"), max_length=40)
    field_code = models.CharField(_("field code"), max_length=40)
    order = models.PositiveIntegerField(_("order"), default=0)
    self_value = models.DecimalField(
        _("self-assessed value"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    self_not_applicable = models.BooleanField(_("not applicable"), default=False)
    justification = models.TextField(_("justification"), blank=True)
    appraised_value_1 = models.DecimalField(
        _("appraised value, round 1"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    appraiser_comment_1 = models.TextField(_("appraiser's comment, round 1"), blank=True)
    needs_explanation = models.BooleanField(_("needs explanation"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)
    appraised_value_2 = models.DecimalField(
        _("appraised value, round 2"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    appraiser_comment_2 = models.TextField(_("appraiser's comment, round 2"), blank=True)
    council_value = models.DecimalField(
        _("council value"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    council_note = models.TextField(_("council note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = user_fk(_("updated by"), "+")
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment item")
        verbose_name_plural = _("assessment items")
        ordering = ["assessment", "order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "code"], name="entry_assessment_code")
        ]

    def __str__(self) -> str:
        return f"{self.assessment.agency.code} › {self.code}"

    @property
    def effective_value(self) -> Decimal | None:
        """The value that counts, as :func:`chiso.assessments.inputs.counted` chooses it."""
        # Imported here: inputs imports this module.
        from chiso.assessments.inputs import counted

        return counted(self).value

    @property
    def appraised_value(self) -> Decimal | None:
        """The latest appraisers' value (round 2, else round 1), None when not appraised."""
        return (
            self.appraised_value_2
            if self.appraised_value_2 is not None
            else (self.appraised_value_1)
        )


class AppraiserAssignment(models.Model):
    """Who appraises one field (top-level node) of one agency in a round."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="appraisers"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    field_code = models.CharField(_("field code"), max_length=40)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraiser"),
        on_delete=models.PROTECT,
        related_name="appraisal_assignments",
    )

    class Meta:
        verbose_name = _("appraiser assignment")
        verbose_name_plural = _("appraiser assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "agency", "field_code"], name="appraiser_round_agency_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency.code} › {self.field_code}: {self.user}"


class AdjustmentEntry(models.Model):
    """How many times a bonus or penalty item of the framework happened to an agency.

    ``evidence_required`` is copied from the framework's item; its files are :class:`Evidence`
    rows linked through ``adjustment``, and finalising the round does not check that they exist.
    ``version`` grows with every save, so two office users cannot overwrite each other's count
    unnoticed (``save_adjustment`` takes the version the form was read at).
    """

    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="adjustments",
    )
    code = models.CharField(_("bonus/penalty code"), max_length=40)
    count = models.DecimalField(_("count"), max_digits=9, decimal_places=2, default=0)
    note = models.TextField(_("note"), blank=True)
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = user_fk(_("updated by"), "+")
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bonus/penalty entry")
        verbose_name_plural = _("bonus/penalty entries")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "code"], name="adjustment_assessment_code"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment.agency.code} › {self.code} × {self.count}"


class Evidence(models.Model):
    """One evidence file (minh chứng) of an item or of a bonus/penalty entry.

    The file lies under a key the server made up (``storage_key``), never under the uploaded
    name; its type was sniffed from its bytes (``content_type``), not taken from the name; it is
    only ever sent as an attachment. Removing a file keeps the row (``removed_at``) so the audit
    trail can still name it.
    """

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="evidence"
    )
    entry = models.ForeignKey(
        ItemEntry,
        verbose_name=_("assessment item"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    adjustment = models.ForeignKey(
        AdjustmentEntry,
        verbose_name=_("bonus/penalty entry"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    stage = models.CharField(_("added at stage"), max_length=12, choices=Stage.choices)
    original_name = models.CharField(_("file name"), max_length=255)
    storage_key = models.CharField(_("storage key"), max_length=100, unique=True)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("description"), max_length=500, blank=True)
    uploaded_by = user_fk(_("uploaded by"), "+")
    uploaded_at = models.DateTimeField(_("uploaded at"))
    removed_by = user_fk(_("removed by"), "+")
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["assessment", "uploaded_at"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(entry__isnull=False) & models.Q(adjustment__isnull=False)),
                name="evidence_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
