"""The one way to tell people something: an in-app notification and, when they have an address,
an e-mail through Django's e-mail backend (the console in the demo)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from chiso.notifications.models import TITLE_LENGTH, Notification

log = logging.getLogger(__name__)


def notify(
    users: Iterable[Any],
    *,
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    dedup_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Notify each of ``users`` once; return the notifications created.

    With ``dedup_key``, a user who already has a notification with that key gets nothing new,
    so a reminder job may run any number of times. E-mails leave after the surrounding
    transaction commits, so a rolled-back action sends nothing; a failing mail server is logged
    and never undoes the action (the in-app notification stays).
    """
    created = []
    for user in {u.pk: u for u in users if u is not None and u.is_active}.values():
        if dedup_key and Notification.objects.filter(user=user, dedup_key=dedup_key).exists():
            continue
        try:
            # A savepoint: two reminder jobs racing on the same key must not break the action
            # that notifies (the unique constraint lets one of them win).
            with transaction.atomic():
                note = Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=_fit(title, TITLE_LENGTH),
                    body=body,
                    link=link,
                    dedup_key=dedup_key,
                )
        except IntegrityError:
            continue
        created.append(note)
    if email:
        for note in created:
            if note.user.email:
                transaction.on_commit(partial(_send, note))
    return created


def _fit(text: str, limit: int) -> str:
    """``text`` cut to the column's length: a long agency or block name must not make the
    action that notifies fail."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _send(note: Notification) -> None:
    text = note.body
    if note.link:
        text = f"{text}\n\n{settings.CHISO_BASE_URL.rstrip('/')}{note.link}".strip()
    try:
        send_mail(note.title, text, None, [note.user.email])
    except OSError:
        log.exception("e-mail to %s failed; the in-app notification stays", note.user.email)
        return
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications (all, or ``ids``) read; return how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
