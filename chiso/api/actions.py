"""The write path for API tokens: create (the token is returned once), revoke, and the lookup
that authenticates a request.

A token reads ``chiso_<prefix>_<secret>``: the prefix finds the row, the secret is compared
with the stored SHA-256 hash. Secrets are 256 random bits, so a plain hash suffices (a slow
password hash would only slow every API call down).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.api.models import ApiToken
from chiso.audit.actions import record

SCHEME = "chiso_"
PREFIX_BYTES = 6  # 12 hex characters
# last_used_at is written at most this often per token, so that reading does not mean writing.
USE_RESOLUTION = datetime.timedelta(minutes=1)


class TokenError(Exception):
    """A token request that cannot be satisfied; the message is shown to the user."""


def _authorize(actor: Any) -> None:
    # actor None is the command line, run by whoever administers the server.
    if actor is not None and not scope.is_reform_office(actor):
        raise PermissionDenied


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(user: Any, *, name: str, actor: Any) -> tuple[ApiToken, str]:
    """Create a token acting as ``user``; return it with the plain token, which is not stored
    and cannot be shown again."""
    _authorize(actor)
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. the system that will use it."))
    if not user.is_active:
        raise TokenError(_("User %(user)s is inactive.") % {"user": user.get_username()})
    prefix = secrets.token_hex(PREFIX_BYTES)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, secret_hash=_hash(secret))
    record(
        "api_token.created",
        actor=actor,
        obj=token,
        data={"user": user.get_username(), "name": name, "prefix": prefix},
    )
    return token, f"{SCHEME}{prefix}_{secret}"


@transaction.atomic
def revoke_token(token: ApiToken, *, actor: Any) -> ApiToken:
    """Revoke a token: from now on it authenticates nothing. The row stays for the audit."""
    _authorize(actor)
    if token.revoked_at is not None:
        raise TokenError(_("Token %(prefix)s is already revoked.") % {"prefix": token.prefix})
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        "api_token.revoked",
        actor=actor,
        obj=token,
        data={"user": token.user.get_username(), "name": token.name, "prefix": token.prefix},
    )
    return token


def find_token(prefix: str) -> ApiToken | None:
    """The token with this prefix (active or revoked), with its user."""
    return ApiToken.objects.select_related("user").filter(prefix=prefix).first()


def authenticate(raw: str) -> ApiToken | None:
    """The active token ``raw`` stands for, or ``None`` (malformed, unknown, wrong secret,
    revoked, or its user deactivated). Marks the token used, like Django's ``last_login``:
    bookkeeping with no audit row."""
    prefix, sep, secret = raw.removeprefix(SCHEME).partition("_")
    if not raw.startswith(SCHEME) or not sep or len(prefix) != 2 * PREFIX_BYTES:
        return None
    token = find_token(prefix)
    if token is None or not hmac.compare_digest(token.secret_hash, _hash(secret)):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
