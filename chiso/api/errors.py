"""Error bodies, ``{"detail": "…"}``, in the caller's language.

The pages follow only the language cookie (see :mod:`chiso.core.middleware`). The API honours
that cookie too (a person using the API from the browser chose it), then the
``Accept-Language`` header (which systems calling with a token set deliberately), and speaks
Vietnamese otherwise. Only error messages are translated: data comes as stored, and
explanations come in both languages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from chiso.api.validation import field_errors

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Error(Schema):
    """Every 401, 403 and 404 answer."""

    detail: str


class FieldError(Schema):
    loc: list[str | int]
    msg: str
    type: str


class Invalid(Schema):
    """A 422 answer: ``detail`` says what is wrong in words; ``errors`` lists each parameter
    (``loc`` e.g. ``["query", "page"]`` or ``["body", "value"]``; ``msg`` names the field and
    says what to type, in the caller's language, see :mod:`chiso.api.validation`)."""

    detail: str
    errors: list[FieldError]


# The responses every authenticated operation declares.
DENIED: dict[int, type[Schema]] = {401: Error, 403: Error}


class NotFound(Exception):
    """Raised by an operation for a missing object or one outside the caller's scope: the two
    are answered alike, so that the existence of an agency outside the scope does not leak."""

    def __init__(self, message: StrOrPromise) -> None:
        super().__init__(message)
        self.message = message


class InvalidToken(Exception):
    """An ``Authorization: Bearer`` token was sent and is malformed, unknown or revoked."""


def language(request: HttpRequest) -> str:
    """``vi`` or ``en``: the language cookie, else ``Accept-Language``, else Vietnamese."""
    supported = {code for code, _name in settings.LANGUAGES}
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in supported:
        return chosen
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        base = code.split("-")[0].lower()
        if base in supported:
            return base
    return str(settings.LANGUAGE_CODE)


def respond(
    api: NinjaAPI, request: HttpRequest, status: int, message: StrOrPromise, **extra: Any
) -> HttpResponse:
    """An error response with ``message`` translated into the caller's language."""
    lang = language(request)
    with translation.override(lang):
        body = {"detail": str(message), **extra}
    response = api.create_response(request, body, status=status)
    response["Content-Language"] = lang
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="chiso"'
    return response


def install(api: NinjaAPI) -> None:
    """Answer every error of ``api`` with a translated ``{"detail": …}`` body."""

    def unauthenticated(request: HttpRequest, exc: object) -> HttpResponse:
        return respond(
            api,
            request,
            401,
            _("Log in, or send an API token in the header Authorization: Bearer <token>."),
        )

    def bad_token(request: HttpRequest, exc: object) -> HttpResponse:
        return respond(api, request, 401, _("The API token is not valid or has been revoked."))

    def denied(request: HttpRequest, exc: object) -> HttpResponse:
        # A reader refused a write may well see the thing: say what is refused (review s6, L2).
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return respond(api, request, 403, _("You do not have permission to see this."))
        return respond(api, request, 403, _("You are not allowed to change this."))

    def not_found(request: HttpRequest, exc: object) -> HttpResponse:
        message = exc.message if isinstance(exc, NotFound) else _("Not found.")
        return respond(api, request, 404, message)

    def invalid(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, ValidationError)
        with translation.override(language(request)):
            problems = field_errors(exc.errors)
            summary = " ".join(p["msg"] for p in problems)
            intro = str(_("The request parameters are not valid."))
            detail = f"{intro} {summary}".strip()
        return respond(api, request, 422, detail, errors=problems)

    def http_error(request: HttpRequest, exc: object) -> HttpResponse:
        assert isinstance(exc, HttpError)
        if exc.status_code == 403:  # ninja's CSRF check, the only HttpError raised for us
            return respond(api, request, 403, _("CSRF check failed: send the X-CSRFToken header."))
        if exc.status_code == 400 and str(exc.message).startswith("Cannot parse request body"):
            return respond(api, request, 400, _("The request body is not valid JSON."))
        return respond(api, request, exc.status_code, exc.message)

    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(InvalidToken, bad_token)
    api.add_exception_handler(PermissionDenied, denied)
    api.add_exception_handler(NotFound, not_found)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(HttpError, http_error)
