"""Reform plans and their tasks, inspection findings, external indices and the province's targets.

The province issues an annual CCHC plan "assigning specific tasks and targets tied to the
responsibility of each agency head"; every task must be "rõ người, rõ việc, rõ trách nhiệm, rõ quy
trình, rõ thời gian hoàn thành và rõ hiệu quả" (source-article.txt). A task therefore names its
lead agency, the leader who answers for it, the officer in charge, its deadline and its expected
output. Rows are written only by :mod:`chiso.plans.actions`.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chiso.plans.deadlines import TaskStatus, task_status


class Plan(models.Model):
    """The province's CCHC plan of a year (``agency`` empty) or one agency's own plan."""

    year = models.PositiveSmallIntegerField(_("year"))
    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=300)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency (empty for the province's plan)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    document_number = models.CharField(_("issuing document number"), max_length=100, blank=True)
    document_date = models.DateField(_("issuing document date"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "agency__name", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_province_plan(self) -> bool:
        return self.agency_id is None


class Task(models.Model):
    """One task of a plan. Status is derived from the dates (see :mod:`chiso.plans.deadlines`)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.CharField(_("no."), max_length=20)
    title = models.TextField(_("task"))
    lead_agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("lead agency"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    co_agencies = models.ManyToManyField(
        "org.Agency", verbose_name=_("co-operating agencies"), blank=True, related_name="co_tasks"
    )
    leader = models.ForeignKey(
        "org.Person",
        verbose_name=_("responsible leader"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_tasks",
    )
    officer = models.CharField(_("officer in charge"), max_length=150, blank=True)
    officer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer in charge (account)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_tasks",
    )
    deadline = models.DateField(_("deadline"))
    output = models.CharField(_("expected output"), max_length=300, blank=True)
    assigned_by_ppc = models.BooleanField(
        _("assigned by the Provincial People's Committee"), default=False
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "deadline", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_plan_number"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="task_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"

    def status_on(self, today: datetime.date) -> TaskStatus:
        return task_status(self.deadline, self.completed_on, self.progress, today)


def evidence_key(instance: Any, filename: str) -> str:
    """A random storage key: the uploader's file name never reaches the file system."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"plans/evidence/{uuid.uuid4().hex}{suffix}"


class ProgressNote(models.Model):
    """An agency's report on a task: what was done, how far along, with optional evidence."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    text = models.TextField(_("progress report"))
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    evidence = models.FileField(_("evidence file"), upload_to=evidence_key, blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=255, blank=True)
    evidence_type = models.CharField(_("evidence file type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.task.number}: {self.percent}%"


class Inspection(models.Model):
    """A finding of a public-service inspection (kiểm tra công vụ) at one agency."""

    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="inspections"
    )
    date = models.DateField(_("inspection date"))
    finding = models.TextField(_("finding"))
    discipline = models.BooleanField(_("breach of discipline"), default=False)
    evidence = models.CharField(_("evidence (document number or link)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        ordering = ["-date", "agency__name"]

    def __str__(self) -> str:
        return f"{self.agency} {self.date:%d/%m/%Y}"


class IndexKind(models.TextChoices):
    """The national indices the province is measured by (par-index.md §1.5)."""

    PAR = "par", _("PAR Index")
    SIPAS = "sipas", _("SIPAS")
    PAPI = "papi", _("PAPI")
    PCI = "pci", _("PCI")
    SERVICE_766 = "766", _("Service index (Decision 766)")


class ExternalIndex(models.Model):
    """The province's value and national rank in one index for one year."""

    kind = models.CharField(_("index"), max_length=10, choices=IndexKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=2)
    scale = models.DecimalField(
        _("maximum value"), max_digits=8, decimal_places=2, default=Decimal(100)
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    of = models.PositiveSmallIntegerField(_("out of"), default=63)
    group = models.CharField(_("group"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("external index value")
        verbose_name_plural = _("external index values")
        ordering = ["kind", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="externalindex_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}: {self.value}"


class IndexTarget(models.Model):
    """A target: reach rank ``rank`` or better (and/or ``value`` or more) in an index by ``year``.

    Chương trình hành động số 12 of the provincial Party committee: PAR Index, PCI, PAPI and
    SIPAS in the country's top 30 by 2025 (source-article.txt).
    """

    kind = models.CharField(_("index"), max_length=10, choices=IndexKind.choices)
    year = models.PositiveSmallIntegerField(_("by year"))
    rank = models.PositiveSmallIntegerField(_("rank at most"), null=True, blank=True)
    value = models.DecimalField(
        _("value at least"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("index target")
        verbose_name_plural = _("index targets")
        ordering = ["kind", "year"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year"], name="indextarget_kind_year")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"
