"""What every survey action shares: the error type and who may act."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from chiso.accounts import scope
from chiso.accounts.models import Role


class SurveyError(Exception):
    """A request the survey cannot satisfy; the message (translated) is shown to the user."""


def require_reform_office(actor: Any) -> None:
    """The reform office runs campaigns; ``actor=None`` is the command line."""
    if actor is not None:
        scope.require_reform_office(actor)


def is_operator(actor: Any) -> bool:
    return scope.has_role(actor, Role.SURVEY_OPERATOR)


def require_operator(actor: Any) -> None:
    """Only survey operators (the independent collecting unit) key paper forms."""
    if not is_operator(actor):
        raise PermissionDenied


def require_operator_or_office(actor: Any) -> None:
    if actor is not None and not (is_operator(actor) or scope.is_reform_office(actor)):
        raise PermissionDenied
