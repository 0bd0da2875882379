"""Writing the audit trail. Every action function calls :func:`record` inside its transaction."""

from __future__ import annotations

import getpass
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from chiso.audit.models import AuditEvent, AuditEventAgency


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def actor_label(actor: Any) -> str:
    """A readable name for the actor: the username, or "CLI (<os user>)" when there is none."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        return str(actor.get_username())
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "?"
    return f"CLI ({who})"


def record(
    action: str,
    *,
    actor: Any,
    obj: models.Model | None = None,
    agency_id: int | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    agency_ids: Iterable[int] = (),
) -> AuditEvent:
    """Write one audit row. ``action`` is a dotted name such as ``"framework.published"``;
    ``data`` holds old/new values or a summary and is stored as JSON (Decimals as strings).

    ``agency_id`` is the agency the event is about; ``agency_ids`` the agencies of an event
    about several (a round's cancellation), each found by the list filtered by it and by its
    own users (:func:`chiso.audit.models.about_agencies`)."""
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent.objects.create(
        actor=user,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        agency_id_ref=agency_id,
        reason=reason,
        data=_jsonable(data or {}),
    )
    several = sorted(set(agency_ids))
    if several:
        AuditEventAgency.objects.bulk_create(
            AuditEventAgency(event=event, agency_id_ref=pk) for pk in several
        )
    return event
