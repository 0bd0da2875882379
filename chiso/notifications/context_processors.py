"""The unread count of the bell in the top bar (base.html, ``notifications/bell.html``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from chiso.notifications.models import Notification


def unread_count(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": Notification.objects.filter(user=user, read_at=None).count()}
