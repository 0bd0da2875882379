"""``chiso account``: manage accounts and roles from the server's command line.

    chiso account list [--json]
    chiso account create USERNAME --name "Họ và tên" [--email E] [--password P]
    chiso account grant USERNAME ROLE [--agency CODE]
    chiso account revoke USERNAME ROLE [--agency CODE]

Without ``--password`` a random password is generated and printed once. Every change is
audited with the actor "CLI (<os user>)".
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chiso.accounts import actions
from chiso.accounts.models import Membership, Role
from chiso.org.models import Agency


class Command(BaseCommand):
    help = "Manage chiso accounts and roles."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        listing = sub.add_parser("list", help="list accounts and their roles")
        listing.add_argument("--json", action="store_true")
        create = sub.add_parser("create", help="create an account")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="full name")
        create.add_argument("--email", default="")
        create.add_argument("--password", help="initial password (random if omitted)")
        for name in ("grant", "revoke"):
            p = sub.add_parser(name, help=f"{name} a role")
            p.add_argument("username")
            p.add_argument("role", choices=Role.values)
            p.add_argument("--agency", help="agency code (for agency roles)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("vi"):
            try:
                getattr(self, f"do_{options['subcommand']}")(options)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error

    def _user(self, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username}")
        return user

    def _agency(self, code: str | None) -> Agency | None:
        if not code:
            return None
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise CommandError(f"Không có cơ quan mã {code}")
        return agency

    def do_list(self, options: dict[str, Any]) -> None:
        rows: list[dict[str, Any]] = [
            {
                "username": u.username,
                "full_name": u.get_full_name(),
                "active": u.is_active,
                "roles": [
                    {"role": m.role, "agency": m.agency.code if m.agency else None}
                    for m in u.memberships.select_related("agency")
                ],
            }
            for u in User.objects.order_by("username")
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            roles = ", ".join(
                r["role"] + (f"@{r['agency']}" if r["agency"] else "") for r in row["roles"]
            )
            state = "" if row["active"] else " (đã khóa)"
            self.stdout.write(f"{row['username']:<16} {row['full_name']:<28} {roles}{state}")

    def do_create(self, options: dict[str, Any]) -> None:
        password = options["password"] or secrets.token_urlsafe(12)
        user = actions.create_user(
            username=options["username"],
            full_name=options["name"],
            email=options["email"],
            password=password,
            actor=None,
        )
        self.stdout.write(f"Đã tạo tài khoản {user.username}.")
        if not options["password"]:
            self.stdout.write(f"Mật khẩu ban đầu (chỉ hiện một lần): {password}")

    def do_grant(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        actions.grant_role(
            user, options["role"], agency=self._agency(options["agency"]), actor=None
        )
        self.stdout.write(f"Đã cấp vai trò {options['role']} cho {user.username}.")

    def do_revoke(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        membership = Membership.objects.filter(
            user=user, role=options["role"], agency=self._agency(options["agency"])
        ).first()
        if membership is None:
            raise CommandError(f"{user.username} không có vai trò {options['role']}")
        actions.revoke_role(membership, actor=None)
        self.stdout.write(f"Đã thu hồi vai trò {options['role']} của {user.username}.")
