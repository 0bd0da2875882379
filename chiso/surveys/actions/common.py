"""What every survey action shares: the error type and who may act."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.accounts.models import Role


class SurveyError(Exception):
    """A request the survey cannot satisfy; the message (translated) is shown to the user."""


class AnswerErrors(SurveyError):
    """Answers refused question by question, all in one refusal (review s7, L4): ``errors`` maps
    question codes to messages, the unreadable or missing answers with those contradicting the
    response's group (:mod:`chiso.surveys.group_answer`). The message says which of the two
    there are: a contradicting answer is readable, "cannot be read" would mislead (L5)."""

    def __init__(self, unreadable: dict[str, str], contradicted: dict[str, str] | None = None):
        contradicted = contradicted or {}
        if unreadable and contradicted:
            message = _(
                "Some answers cannot be read and one contradicts the respondent group of this "
                "form; see the marked questions."
            )
        elif contradicted:
            message = _(
                "An answer contradicts the respondent group of this form; see the marked question."
            )
        else:
            message = _("Some answers cannot be read; see the marked questions.")
        super().__init__(message)
        self.errors = {**unreadable, **contradicted}


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
