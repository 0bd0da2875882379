"""The audit trail: one row per change, written by the action that made it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """Rows that are written once: changing or deleting one through the application raises."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Audit events cannot be deleted.")


class AuditEvent(AppendOnly):
    """Who did what, when, to which object, with the old and new values and the reason.

    Rows are written only by :func:`chiso.audit.actions.record` and never change afterwards:
    ``save`` refuses updates and ``delete`` refuses always, so the application cannot rewrite
    history (the database role in production should also deny UPDATE/DELETE on this table).
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept even when there is no user account, e.g. "CLI (root)" for a command-line import.
    actor_label = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object ID"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    agency_id_ref = models.BigIntegerField(_("agency"), null=True, blank=True, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.object_repr}"


class AuditEventAgency(AppendOnly):
    """One of the agencies an event concerns when it concerns several, so that the audit list
    filtered by an agency, and the agency's own users, find it.

    A round's cancellation deletes the assessments of every agency of the block, but
    ``AuditEvent.agency_id_ref`` holds one agency. Written only by
    :func:`chiso.audit.actions.record` with its event, never changed (like the event).
    ``agency_id_ref`` is a plain id, as on the event: the trail outlives an agency's row.
    """

    event = models.ForeignKey(
        AuditEvent, verbose_name=_("audit event"), on_delete=models.CASCADE, related_name="+"
    )
    agency_id_ref = models.BigIntegerField(_("agency"))

    class Meta:
        verbose_name = _("agency of an audit event")
        verbose_name_plural = _("agencies of audit events")
        # Agency first: the list filtered by an agency looks its events up by it.
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id_ref", "event"], name="audit_event_agency_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.agency_id_ref}"


def about_agencies(agency_ids: Iterable[int]) -> Q:
    """Events about one of ``agency_ids``: by their agency, or among the several agencies they
    concern (:class:`AuditEventAgency`).

    The events about several agencies are few (rounds cancelled by mistake), so their ids are
    read first: with ``agency IN (…) OR id IN (…)`` of plain values PostgreSQL still walks
    the time index for a page and counts from the indexes, where a subquery in the OR, or a
    union joined back, read the whole trail (3·10⁵ rows: page and count 4 ms, as filtering by
    the agency column alone; 60–100 ms with a subquery)."""
    ids = list(agency_ids)
    several = AuditEventAgency.objects.filter(agency_id_ref__in=ids).values_list(
        "event_id", flat=True
    )
    return Q(agency_id_ref__in=ids) | Q(pk__in=list(several))
