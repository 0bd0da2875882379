"""``chiso api_token``: API tokens for other systems (docs/api.md).

    chiso api_token create --user USERNAME --name NAME [--json] [--lang en]
    chiso api_token revoke PREFIX [--json] [--lang en]
    chiso api_token list [--user USERNAME] [--json] [--lang en]

``create`` prints the token once (on the last line of its output); only its hash is stored.
Creating and revoking are audited with the actor "CLI (<os user>)".
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from chiso.api import actions
from chiso.api.models import ApiToken


class Command(BaseCommand):
    help = "Create, revoke and list the API tokens other systems call the API with."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)

        def command(name: str, help_text: str) -> Any:
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--json", action="store_true", help="print JSON on stdout")
            p.add_argument("--lang", choices=["vi", "en"], default="vi", help="message language")
            return p

        p = command("create", "create a token acting as a user (printed once)")
        p.add_argument("--user", required=True, help="username whose roles the token has")
        p.add_argument("--name", required=True, help="what the token is for, e.g. the system")
        p = command("revoke", "revoke a token")
        p.add_argument("prefix", help="the token's prefix (as listed), or the whole token")
        p = command("list", "list tokens (never their secrets)")
        p.add_argument("--user", help="only this user's tokens")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            try:
                result = getattr(self, f"do_{options['subcommand']}")(options)
            except actions.TokenError as error:
                raise CommandError(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps({"ok": True, **result}, ensure_ascii=False, default=str))

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("There is no user %(user)s.") % {"user": username})
        return user

    def do_create(self, options: dict[str, Any]) -> dict[str, Any]:
        user = self._user(options["user"])
        token, plain = actions.create_token(user, name=options["name"], actor=None)
        if not options["json"]:
            self.stdout.write(
                _('Created API token "%(name)s" (prefix %(prefix)s) for user %(user)s.')
                % {"name": token.name, "prefix": token.prefix, "user": user.get_username()}
            )
            self.stdout.write(_("Copy it now: it is not stored and cannot be shown again."))
            self.stdout.write(plain)
        return {**_row(token), "token": plain}

    def do_revoke(self, options: dict[str, Any]) -> dict[str, Any]:
        prefix = options["prefix"].removeprefix(actions.SCHEME).partition("_")[0]
        token = actions.find_token(prefix)
        if token is None:
            raise CommandError(
                _("There is no API token with prefix %(prefix)s.") % {"prefix": prefix}
            )
        actions.revoke_token(token, actor=None)
        if not options["json"]:
            self.stdout.write(
                _('Revoked API token "%(name)s" (prefix %(prefix)s).')
                % {"name": token.name, "prefix": token.prefix}
            )
        return _row(token)

    def do_list(self, options: dict[str, Any]) -> dict[str, Any]:
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "created_at")
        if options["user"]:
            tokens = tokens.filter(user=self._user(options["user"]))
        rows = [_row(t) for t in tokens]
        if not options["json"]:
            if not rows:
                self.stdout.write(_("No API tokens."))
            for r in rows:
                state = _("revoked") if r["revoked_at"] else _("active")
                used = r["last_used_at"] or _("never used")
                self.stdout.write(f"{r['prefix']}  {r['user']:<12} {r['name']}  ({state}; {used})")
        return {"tokens": rows}


def _row(token: ApiToken) -> dict[str, Any]:
    return {
        "prefix": token.prefix,
        "user": token.user.get_username(),
        "name": token.name,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }
