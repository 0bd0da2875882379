"""``chiso demo``: build the demo province (idempotent) and print the logins."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chiso.demo.build import DEMO_PASSWORD, DEMO_USERS, build
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
        build(progress=self.stdout.write)
        self.stdout.write(f"Xong trong {time.monotonic() - started:.1f} giây.\n")
        self.stdout.write(f"Tài khoản đăng nhập (mật khẩu chung: {DEMO_PASSWORD}):")
        names = dict(Agency.objects.values_list("code", "name"))
        with translation.override("vi"):
            for username, full_name, role, agency in DEMO_USERS:
                where = f", {names[agency]}" if agency else ""
                self.stdout.write(f"  {username:<6} {full_name} — {role.label}{where}")
        self.stdout.write("  admin  quản trị hệ thống (superuser)")
