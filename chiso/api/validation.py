"""422 answers in the caller's language: each problem names its field and says what to type.

pydantic's own texts are English and quote regular expressions ("String should match pattern
'^-?[0-9]{1,8}…'"): useless to a civil servant at the "Try it out" button, who most often typed a
decimal comma. Each error type the API's schemas can raise gets a message of ours; any other
type falls back to a plain "not valid" (never the validator's text in Vietnamese).

``loc`` drops the name of the operation's body argument: ninja reports a body field as
``["body", "body", "value"]`` (where it comes from, the argument, the field); callers know
only the first and the last.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

# The decimal strings of the API (assessments' VALUE_PATTERN, adjustments' count) all start so.
DECIMAL_PATTERN_START = "^-?[0-9]"
# The free-text fields refuse only the NUL character (TEXT_PATTERN).
TEXT_PATTERN = r"^[^\x00]*$"


def clean_loc(loc: Iterable[Any]) -> list[str | int]:
    """``["body", "body", "value"]`` → ``["body", "value"]``; other locations as they are."""
    parts = [p if isinstance(p, int) else str(p) for p in loc]
    if len(parts) > 2 and parts[0] == "body":
        del parts[1]
    return parts


def _pattern_message(pattern: str) -> str:
    if pattern.startswith(DECIMAL_PATTERN_START):
        return _("must be a decimal number written with a dot, e.g. 1.5 (not 1,5).")
    if pattern == TEXT_PATTERN:
        return _("must not contain the NUL character.")
    return _("may contain only letters without accents, digits, '-', '_' and '.'.")


def message(error: Mapping[str, Any]) -> str:
    """One validation error in the active language, without the field's name."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(ctx.get("pattern", "")))
    if kind == "missing":
        return _("is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("must be a whole number, e.g. 2.")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing", "float_type"):
        return _("must be a decimal number written with a dot, e.g. 1.5 (not 1,5).")
    if kind in ("bool_parsing", "bool_type"):
        return _("must be true or false.")
    if kind in (
        "date_parsing",
        "date_from_datetime_parsing",
        "date_type",
        "date_from_datetime_inexact",
    ):
        return _("must be a date written YYYY-MM-DD, e.g. 2026-12-31.")
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return _("must be a date and time written YYYY-MM-DDThh:mm, e.g. 2026-12-31T08:00.")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return _bound_message(kind, ctx)
    if kind == "string_too_long":
        return _("may be at most %(n)s characters long.") % {"n": ctx.get("max_length", "?")}
    if kind == "string_too_short":
        return _("must be at least %(n)s characters long.") % {"n": ctx.get("min_length", "?")}
    if kind == "string_type":
        return _("must be a text in quotes.")
    if kind in ("literal_error", "enum"):
        return _("must be one of: %(choices)s.") % {"choices": ctx.get("expected", "")}
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("must be a JSON object {…}.")
    if kind == "list_type":
        return _("must be a JSON list […].")
    if kind == "extra_forbidden":
        return _("is not a field of this request.")
    return _("is not valid.")


def _bound_message(kind: str, ctx: Mapping[str, Any]) -> str:
    templates = {
        "greater_than_equal": (_("must be at least %(n)s."), "ge"),
        "greater_than": (_("must be more than %(n)s."), "gt"),
        "less_than_equal": (_("must be at most %(n)s."), "le"),
        "less_than": (_("must be less than %(n)s."), "lt"),
    }
    template, key = templates[kind]
    return template % {"n": ctx.get(key, "?")}


def field_name(loc: list[str | int]) -> str:
    """The field a location names, as the caller wrote it: ``value``, ``items.2.code``;
    the whole body when the location is only ``["body"]``."""
    path = [str(p) for p in loc[1:]]
    return ".".join(path) if path else _("request body")


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each problem as ``{"loc", "msg", "type"}``; ``msg`` names the field and says what to
    type, in the active language."""
    out = []
    for error in errors:
        loc = clean_loc(error.get("loc", ()))
        out.append(
            {
                "loc": loc,
                "msg": f"{field_name(loc)}: {message(error)}",
                "type": str(error.get("type", "")),
            }
        )
    return out
