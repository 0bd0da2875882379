"""Facts: values computed outside an assessment that framework rules read by name.

Until the survey and dossier modules compute them, the reform office imports them from the
systems that hold them (one-stop system, task tracking, survey unit) as XLSX/CSV files; each
value keeps its source and the date of the figures, and every change is audited.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


class Fact(models.Model):
    """One named value for one agency and year, e.g. ``dossier.on_time_rate`` = 97,35.

    ``person`` is empty for the agency's own value (the only kind the engine reads, through
    :func:`chiso.facts.importing.facts_for`); when set, the value is that leader's share within
    the agency, e.g. the on-time rate of the plan tasks a deputy head answers for ("gắn với
    trách nhiệm người đứng đầu", source-article.txt).
    """

    name = models.CharField(_("data name"), max_length=80)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="facts"
    )
    person = models.ForeignKey(
        "org.Person",
        verbose_name=_("leader"),
        on_delete=models.PROTECT,
        related_name="facts",
        null=True,
        blank=True,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    source = models.CharField(_("source"), max_length=255, blank=True)
    as_of = models.DateField(_("figures as of"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("fact")
        verbose_name_plural = _("facts")
        ordering = ["-year", "agency__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "agency", "year"],
                condition=models.Q(person=None),
                name="fact_name_agency_year",
            ),
            models.UniqueConstraint(
                fields=["name", "agency", "year", "person"],
                condition=models.Q(person__isnull=False),
                name="fact_name_agency_year_person",
            ),
        ]

    def __str__(self) -> str:
        who = f" {self.person.code}" if self.person is not None else ""
        # As people write it in the page's language: 66,67 in Vietnamese (not 66.6700).
        value = number_format(Decimal(self.value).normalize())
        return f"{self.name} {self.agency.code}{who} {self.year} = {value}"
