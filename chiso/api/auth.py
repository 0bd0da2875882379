"""How a request proves who it is: an API token, or the session of a logged-in user.

``Authorization: Bearer <token>`` is tried first. A token that is sent and fails answers 401
at once, even with a session cookie, so a system never runs with someone else's rights by
accident. The session is Django's; unsafe methods need the CSRF token (all operations are
GET for now). Either way ``request.user`` is the acting user, with that user's roles.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from chiso.api import actions
from chiso.api.errors import InvalidToken


class TokenAuth(HttpBearer):
    """API tokens created with ``chiso api_token create``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = actions.authenticate(token.strip())
        if found is None:
            raise InvalidToken
        request.user = found.user
        return found


AUTH = [TokenAuth(), SessionAuth(csrf=True)]
