"""Facts: values computed outside an assessment that framework rules read by name.

Until the survey and dossier modules compute them, the reform office imports them from the
systems that hold them (one-stop system, task tracking, survey unit) as XLSX/CSV files; each
value keeps its source and the date of the figures, and every change is audited.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Fact(models.Model):
    """One named value for one agency and year, e.g. ``dossier.on_time_rate`` = 97,35."""

    name = models.CharField(_("data name"), max_length=80)
    agency = models.ForeignKey(
        "org.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="facts"
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
            models.UniqueConstraint(fields=["name", "agency", "year"], name="fact_name_agency_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.agency.code} {self.year} = {self.value}"
