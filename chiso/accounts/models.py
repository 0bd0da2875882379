"""Roles and scopes. A user holds one or more roles; agency roles are tied to one agency.

Roles are capabilities of the software (who may do what), so they are a fixed list; the
agencies they apply to are data.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REFORM_OFFICE = "reform_office", _("Reform office (Department of Home Affairs)")
    FOCAL_OFFICER = "focal_officer", _("Agency focal officer")
    AGENCY_LEADER = "agency_leader", _("Agency leader")
    APPRAISER = "appraiser", _("Appraiser / council member")
    SURVEY_OPERATOR = "survey_operator", _("Survey operator")
    VIEWER = "viewer", _("Provincial leader (read-only)")


# Roles that act for one agency and must name it.
AGENCY_ROLES = frozenset({Role.FOCAL_OFFICER, Role.AGENCY_LEADER})


class Membership(models.Model):
    """One role of a user; for agency roles (and an appraiser's home unit) the agency.

    An appraiser's ``agency`` is their own unit, which they must never appraise.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        "org.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "agency"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}" + (
            f" ({self.agency})" if self.agency_id else ""
        )

    def clean(self) -> None:
        if self.role in AGENCY_ROLES and self.agency_id is None:
            raise ValidationError({"agency": _("This role acts for one agency: choose it.")})
