"""Scored results: one result set per block, year and framework version, one row per agency.

A result set keeps the engine's inputs and its explained output together, so every number on a
results page can be traced to the values it came from and the rule that turned them into
points. Rows are written only by :mod:`chiso.results.actions`; once a set is finalised its rows
never change (reopening is the evaluation round's business, issue 3).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def percent_field(verbose_name: StrOrPromise) -> models.DecimalField:
    """A percentage with two decimals, as published (82,22%)."""
    return models.DecimalField(verbose_name, max_digits=7, decimal_places=2)


class ResultSet(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINALISED = "finalised", _("Finalised")
        PUBLISHED = "published", _("Published")

    class Source(models.TextChoices):
        DEMO = "demo", _("Demo data")
        IMPORT = "import", _("Imported inputs")
        ROUND = "round", _("Evaluation round")

    year = models.PositiveSmallIntegerField(_("year"))
    block = models.ForeignKey(
        "org.Block", verbose_name=_("block"), on_delete=models.PROTECT, related_name="result_sets"
    )
    framework = models.ForeignKey(
        "frameworks.Framework",
        verbose_name=_("framework"),
        on_delete=models.PROTECT,
        related_name="result_sets",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    computed_at = models.DateTimeField(_("computed at"))
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    mean_final = percent_field(_("mean score (%)"))
    class_counts = models.JSONField(_("classification counts"), default=dict)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("result set")
        verbose_name_plural = _("result sets")
        ordering = ["-year", "block__order", "block__name"]
        constraints = [
            # A block belongs to one year, so this is "one set of results per block and year":
            # pages, the API, reports and the year's mean never have to choose between two.
            models.UniqueConstraint(fields=["block"], name="resultset_one_per_block")
        ]

    def __str__(self) -> str:
        return f"{self.block.name} {self.year}"

    # Guards: the actions check state first with friendly messages; these catch any other path.
    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = ResultSet.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            moves = {
                (self.Status.DRAFT, self.Status.DRAFT),
                (self.Status.DRAFT, self.Status.FINALISED),
                (self.Status.FINALISED, self.Status.PUBLISHED),
                (self.Status.FINALISED, self.Status.DRAFT),  # reopened, with a reason
            }
            if stored is not None and (stored, self.status) not in moves:
                raise TypeError("Finalised or published results cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.is_locked:
            raise TypeError("Finalised or published results cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_locked(self) -> bool:
        return self.status != self.Status.DRAFT


class AgencyScore(models.Model):
    """One agency's result: the totals as columns (for sorting and SQL), the per-node detail and
    the inputs as JSON snapshots taken when the set was computed."""

    result_set = models.ForeignKey(
        ResultSet, verbose_name=_("result set"), on_delete=models.CASCADE, related_name="scores"
    )
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="scores"
    )
    rank = models.PositiveSmallIntegerField(_("rank"))
    base_points = models.DecimalField(_("points"), max_digits=8, decimal_places=4)
    base_max = models.DecimalField(_("maximum points"), max_digits=8, decimal_places=4)
    base_percent = percent_field(_("index before bonus/penalty (%)"))
    bonus = models.DecimalField(_("bonus"), max_digits=6, decimal_places=2)
    penalty = models.DecimalField(_("penalty"), max_digits=6, decimal_places=2)
    final = percent_field(_("CCHC index (%)"))
    classification = models.CharField(_("classification"), max_length=100)
    nodes = models.JSONField(_("points per field and criterion"), default=list)
    inputs = models.JSONField(_("inputs"), default=dict)
    leaders = models.JSONField(_("leader scores"), default=list)

    class Meta:
        verbose_name = _("agency score")
        verbose_name_plural = _("agency scores")
        ordering = ["rank", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["result_set", "agency"], name="agencyscore_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.result_set.year}: {self.final}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and self.result_set.is_locked:
            raise TypeError("Finalised results cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.result_set.is_locked:
            raise TypeError("Finalised results cannot be deleted.")
        return super().delete(*args, **kwargs)

    def node(self, code: str) -> dict[str, Any] | None:
        return next((n for n in self.nodes if n["code"] == code), None)

    @property
    def leaders_in_order(self) -> list[dict[str, Any]]:
        """The leaders' scores with the head first, as an official table lists them; deputies
        keep the engine's order (by person code). Every page and file that lists leaders
        reads this, so the order is the same everywhere."""
        return sorted(self.leaders, key=lambda ld: ld.get("role") != "head")

    def field_percents(self) -> list[Decimal | None]:
        """Percent of each top-level field, in framework order (None when not applicable)."""
        return [
            Decimal(n["percent"]) if n["percent"] is not None else None
            for n in self.nodes
            if n["depth"] == 0
        ]


class PublishedSnapshot(models.Model):
    """The frozen numbers of one published result set, chained by hash to the one before.

    Written once by :func:`chiso.results.snapshots.append_snapshot` inside the publication's
    transaction and never changed (``save`` of an existing row and ``delete`` raise).
    ``hash`` covers the previous snapshot's hash, so rewriting any snapshot, or the results it
    describes, shows in ``chiso results verify`` (see docs/data-model.md).
    """

    GENESIS = "0" * 64

    result_set = models.OneToOneField(
        ResultSet, verbose_name=_("result set"), on_delete=models.PROTECT, related_name="snapshot"
    )
    # Gap-free across the whole installation: a missing number means a deleted snapshot.
    sequence = models.PositiveIntegerField(_("sequence number"), unique=True)
    published_at = models.DateTimeField(_("published at"))
    payload = models.TextField(_("published numbers (canonical JSON)"))
    payload_sha256 = models.CharField(_("SHA-256 of the payload"), max_length=64)
    previous_hash = models.CharField(_("previous snapshot's hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("publication snapshot")
        verbose_name_plural = _("publication snapshots")
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.hash[:16]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Publication snapshots cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Publication snapshots cannot be deleted.")

    @property
    def code(self) -> str:
        """The verification code printed on public pages: sequence and hash prefix."""
        return f"{self.sequence}-{self.hash[:16]}"
