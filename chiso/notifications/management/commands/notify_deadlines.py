"""``chiso notify_deadlines [--days N]``: remind agencies of a stage due within N days.

Meant for a daily cron job; running it again notifies nobody twice (docs/cli.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.notifications.reminders import remind_deadlines


class Command(BaseCommand):
    help = (
        "Notify focal officers and leaders whose self-assessment, approval or explanation "
        "is due within N days and not done (in the app and by e-mail)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=3, help="how many days ahead to look (default 3)"
        )
        parser.add_argument("--lang", choices=["vi", "en"], default="vi")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            raise CommandError(
                "--days phải từ 0 trở lên."
                if options["lang"] == "vi"
                else "--days must be 0 or more."
            )
        count = remind_deadlines(days)
        self.stdout.write(
            f"Đã gửi {count} thông báo sắp đến hạn (trong {days} ngày tới)."
            if options["lang"] == "vi"
            else f"{count} deadline reminder(s) sent (due within {days} days)."
        )
