"""``chiso demo``: build the demo province (idempotent) and print the logins."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test.utils import override_settings
from django.utils import translation

from chiso.demo.build import DEMO_MAIL_DOMAIN, DEMO_PASSWORD, DEMO_USERS, build
from chiso.org.models import Agency


class Command(BaseCommand):
    help = "Build the demo province (Phú Yên, 2022–2023) on the configured database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="build the demo even with DEBUG=0 (a demo or training server)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo creates accounts (and a superuser) whose shared password is published in the
        # README: never on a production configuration by accident.
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "chiso demo tạo tài khoản với mật khẩu công khai; không chạy khi DEBUG=0 "
                "(dùng --force cho máy chủ demo, đào tạo)."
            )
        started = time.monotonic()
        self.stdout.write("Đang dựng tỉnh mẫu (demo)…")
        # The build publishes results and opens a round, which e-mails the demo people: held
        # in memory (counted below), not printed among the progress lines or sent anywhere.
        mail.outbox = []
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            build(progress=self.stdout.write)
        held = mail.outbox
        self.stdout.write(f"Xong trong {time.monotonic() - started:.1f} giây.\n")
        self.stdout.write(f"Tài khoản đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
        names = dict(Agency.objects.values_list("code", "name"))
        with translation.override("vi"):
            for username, full_name, role, agency in DEMO_USERS:
                where = f", {names[agency]}" if agency else ""
                self.stdout.write(f"  {username:<6} {full_name} — {role.label}{where}")
        self.stdout.write("  admin  quản trị hệ thống (superuser)")
        self.stdout.write(self._mail_note(len(held)))

    def _mail_note(self, held: int) -> str:
        """Where the demo's e-mails go: a demo user who cancels a round or returns an
        assessment should know where to look for the e-mail it sends (review s7, L8)."""
        backend = settings.EMAIL_BACKEND.rsplit(".", 2)[-2]
        where = {
            "console": "được in ra màn hình của máy chủ (chiso runserver, scripts/demo)",
            "filebased": f"được ghi vào thư mục {getattr(settings, 'EMAIL_FILE_PATH', '')}",
            "smtp": f"được gửi qua máy chủ SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}, "
            "nhưng không tới ai: tên miền .invalid không có thật",
        }.get(backend, f"được gửi qua {settings.EMAIL_BACKEND}")
        built = f"; {held} e-mail khi dựng demo không gửi đi" if held else ""
        # Accounts are never changed once created (build is idempotent): a demo database built
        # before the addresses existed keeps its people without one.
        usernames = [username for username, *_rest in DEMO_USERS]
        if User.objects.filter(username__in=usernames, email="").exists():
            database = settings.DATABASES["default"]
            sqlite = "sqlite" in database["ENGINE"]
            return (
                "E-mail: các tài khoản demo trong cơ sở dữ liệu này (dựng trước đây) chưa có "
                "địa chỉ nên không nhận e-mail; dựng lại demo trên một cơ sở dữ liệu mới"
                + (f" (xóa {database['NAME']} rồi chạy lại)" if sqlite else "")
                + " để có."
            )
        return (
            f"E-mail: tài khoản demo có địa chỉ <tên đăng nhập>@{DEMO_MAIL_DOMAIN}; e-mail "
            f"{where}{built}."
        )
