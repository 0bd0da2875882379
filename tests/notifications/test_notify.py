"""``notify`` itself: once per person and key, only active people, never failing the action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from chiso.notifications.actions import mark_read, notify
from chiso.notifications.models import Notification


def test_the_same_key_reaches_a_person_once(world: Any) -> None:
    first = notify([world.lan, world.nam], kind="t", title="Một", dedup_key="k", email=False)
    again = notify([world.lan, world.nam, world.lan], kind="t", title="Hai", dedup_key="k")

    assert [n.user for n in first] == [world.lan, world.nam]
    assert again == []
    assert list(Notification.objects.values_list("title", flat=True)) == ["Một", "Một"]


def test_inactive_and_missing_people_are_skipped(world: Any) -> None:
    User.objects.filter(pk=world.nam.pk).update(is_active=False)
    world.nam.refresh_from_db()

    created = notify([world.lan, world.nam, None], kind="t", title="Một", email=False)

    assert [n.user for n in created] == [world.lan]


def test_a_title_too_long_is_cut_not_refused(world: Any) -> None:
    [note] = notify([world.lan], kind="t", title="Sở " * 200, email=False)

    note.refresh_from_db()
    assert len(note.title) == 300 and note.title.endswith("…")


def test_a_mail_server_that_is_down_keeps_the_notification(
    world: Any, settings: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    world.lan.email = "lan@example.vn"
    world.lan.save()

    with django_capture_on_commit_callbacks(execute=True):
        [note] = notify([world.lan], kind="t", title="Một")

    note.refresh_from_db()
    assert note.emailed_at is None
    assert "e-mail to lan@example.vn failed" in caplog.text


def test_mark_read_touches_only_the_owners_notifications(world: Any) -> None:
    mine = notify([world.lan], kind="t", title="Của Lan", email=False)[0]
    hers = notify([world.nam], kind="t", title="Của Nam", email=False)[0]

    assert mark_read(world.lan, [mine.pk, hers.pk]) == 1
    assert mark_read(world.lan) == 0
    hers.refresh_from_db()
    assert hers.read_at is None
