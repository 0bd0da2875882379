"""The organisation registry: who is evaluated, in which block, led by whom.

Agency types, blocks and agencies are data with validity dates, never enums: the 2025
reorganisation (Nghị quyết 202/2025/QH15, two-level local government from 01/07/2025) abolished
districts and merged provinces and departments, and evaluations must still reach the data of
predecessor units through :class:`Lineage`.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AgencyType(models.Model):
    """A kind of evaluated unit: sở/ban/ngành, UBND cấp huyện, UBND xã/phường/đặc khu…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("agency type")
        verbose_name_plural = _("agency types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyQuerySet(models.QuerySet["Agency"]):
    def valid_on(self, day: datetime.date) -> AgencyQuerySet:
        """Agencies in force on ``day`` (an open validity date counts as in force)."""
        return self.filter(Q(valid_from=None) | Q(valid_from__lte=day)).filter(
            Q(valid_to=None) | Q(valid_to__gte=day)
        )


class Agency(models.Model):
    """A provincial agency or local People's Committee, valid between two dates.

    ``code`` is chiso's short stable code (used in files and URLs); ``electronic_id`` is the
    mã định danh điện tử of the unit (QCVN 102:2016/BTTTT), unique when present.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    electronic_id = models.CharField(
        _("electronic ID code"), max_length=40, blank=True, help_text=_("Mã định danh điện tử")
    )
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    type = models.ForeignKey(
        AgencyType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="agencies"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["electronic_id"],
                condition=~Q(electronic_id=""),
                name="agency_electronic_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def predecessors(self) -> list[Agency]:
        """All units whose data this agency inherits, transitively (merged into or split from)."""
        seen: dict[int, Agency] = {}
        frontier = [self]
        while frontier:
            links = Lineage.objects.filter(successor__in=frontier).select_related("predecessor")
            frontier = [ln.predecessor for ln in links if ln.predecessor_id not in seen]
            seen.update({a.pk: a for a in frontier})
        return list(seen.values())


class Lineage(models.Model):
    """A predecessor → successor link with its effective date (merger, split or renaming)."""

    class Kind(models.TextChoices):
        MERGED_INTO = "merged_into", _("merged into")
        SPLIT_INTO = "split_into", _("split into")
        RENAMED = "renamed", _("renamed to")

    predecessor = models.ForeignKey(
        Agency,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Agency,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    kind = models.CharField(_("kind of change"), max_length=20, choices=Kind.choices)
    effective_date = models.DateField(_("effective date"))
    legal_basis = models.CharField(_("legal basis"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("lineage link")
        verbose_name_plural = _("lineage links")
        ordering = ["effective_date"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="lineage_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="lineage_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"


class Block(models.Model):
    """An evaluation block (khối) of one year: the agencies ranked against each other."""

    code = models.SlugField(_("code"), max_length=40)
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("agencies"), related_name="blocks", blank=True
    )

    class Meta:
        verbose_name = _("evaluation block")
        verbose_name_plural = _("evaluation blocks")
        ordering = ["-year", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["code", "year"], name="block_code_year")]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class Person(models.Model):
    """A leader (head or deputy) of an agency; positions record the terms."""

    full_name = models.CharField(_("full name"), max_length=150)
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Stable code used in import files")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


class Position(models.Model):
    """A person's term as head (cấp trưởng) or deputy head (cấp phó) of an agency."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head")
        DEPUTY = "deputy", _("Deputy head")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="positions"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="positions"
    )
    role = models.CharField(_("leadership role"), max_length=10, choices=Role.choices)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"), null=True, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["agency__name", "role", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="position_dates_ordered",
            ),
            # The natural key by which imports find an existing term (upsert by code).
            models.UniqueConstraint(
                fields=["person", "agency", "role", "start"], name="position_unique_term"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} {self.agency}"

    def holds_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    @property
    def term_end(self) -> datetime.date | None:
        """The end of the term as the registry shows it: the recorded end, or the agency's
        last day when the agency ceased to exist (a merger) before anyone recorded one; a term
        cannot outlive its agency. Select the agency with the positions listed."""
        ends = [day for day in (self.end, self.agency.valid_to) if day is not None]
        return min(ends) if ends else None

    @property
    def ended_with_agency(self) -> bool:
        """True when the shown end is the agency's, not one recorded for the term."""
        return self.term_end is not None and self.term_end != self.end


class Assignment(models.Model):
    """The framework fields or criteria a deputy answers for in one year (phân công).

    Stored as node codes so that an assignment survives a new framework version with the same
    structure; the engine scores each deputy over these nodes (par-index.md §2.4).
    """

    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.CASCADE, related_name="assignments"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    node_codes = models.JSONField(_("assigned fields/criteria"), default=list)
    decision = models.CharField(_("assignment decision"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["position", "year"], name="assignment_position_year")
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.year}: {', '.join(self.node_codes)}"
