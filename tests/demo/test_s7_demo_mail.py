"""Review s7, L8: the demo's people have e-mail addresses on a reserved domain, so what the demo
e-mails (a deadline moved, a round cancelled…) can be seen, and `chiso demo` says where it goes."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core import mail

from chiso.assessments.actions import change_deadlines
from chiso.assessments.models import Deadline, Round
from chiso.demo.build import DEMO_USERS
from chiso.demo.management.commands.demo import Command


def test_every_demo_login_has_an_address_that_never_reaches_anyone(demo: None) -> None:
    usernames = [u[0] for u in DEMO_USERS] + ["admin", "thu"]
    addresses = dict(User.objects.filter(username__in=usernames).values_list("username", "email"))
    assert addresses == {name: f"{name}@demo.chiso.invalid" for name in usernames}


def test_a_demo_action_e_mails_the_agency_people(
    demo: None, django_capture_on_commit_callbacks: Any
) -> None:
    tuan = User.objects.get(username="tuan")
    rnd = Round.objects.get(year=2024, block__code="so-ban-nganh")
    deadlines = {d.value: getattr(rnd, f"{d.value}_due") for d in Deadline}
    deadlines["council"] += datetime.timedelta(days=7)
    mail.outbox = []

    with django_capture_on_commit_callbacks(execute=True):
        change_deadlines(rnd, deadlines, reason="Lùi họp hội đồng", actor=tuan)

    recipients = {address for message in mail.outbox for address in message.to}
    assert {"lan@demo.chiso.invalid", "nam@demo.chiso.invalid"} <= recipients


def test_the_command_says_where_the_e_mails_go(demo: None, settings: Any) -> None:
    """The line `chiso demo` prints after the logins (the whole command is run by
    tests/demo/test_demo.py; a second build here would only cost time)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert Command()._mail_note(6) == (
        "E-mail: tài khoản demo có địa chỉ <tên đăng nhập>@demo.chiso.invalid; e-mail được in "
        "ra màn hình của máy chủ (chiso runserver, scripts/demo); 6 e-mail khi dựng demo không "
        "gửi đi."
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "mail.example.vn", 25
    assert "qua máy chủ SMTP mail.example.vn:25, nhưng không tới ai" in Command()._mail_note(0)


def test_a_demo_database_built_before_says_how_to_get_addresses(demo: None) -> None:
    User.objects.filter(username="lan").update(email="")  # as built before session 7

    note = Command()._mail_note(0)

    assert note.startswith(
        "E-mail: các tài khoản demo trong cơ sở dữ liệu này (dựng trước đây) chưa có địa chỉ "
        "nên không nhận e-mail; dựng lại demo trên một cơ sở dữ liệu mới"
    )
