"""Turning what a respondent typed or ticked into stored answers, with messages in the active
language (the web form's, the API caller's: review s7, L3).

Answers are stored as ``{question code: value}``: an int for scale, single choice and number,
a sorted list of ints for multiple choice and priorities, a string for text. Questions whose
``show_if`` condition does not hold are dropped, so an answer given to a question that should
not have been asked (possible on paper) never counts. Django is used only for gettext.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from chiso.surveys.spec import TEXT_MAX, Question, Questionnaire

Raw = str | list[str]


def _ints(raw: Raw) -> list[str]:
    parts = raw if isinstance(raw, list) else raw.replace(";", ",").replace(" ", ",").split(",")
    return [p.strip() for p in parts if p.strip()]


def parse_answer(question: Question, raw: Raw) -> tuple[Any, str]:
    """(value, "") or (None, message); an empty answer gives (None, "")."""
    if question.type == "text":
        text = (raw if isinstance(raw, str) else " ".join(raw)).strip()
        if len(text) > TEXT_MAX:
            return None, _("at most %(n)s characters") % {"n": TEXT_MAX}
        return (text or None), ""
    parts = _ints(raw)
    if not parts:
        return None, ""
    if question.type == "number":
        return _number(question, parts)
    if any(not (p.isascii() and p.isdigit()) for p in parts):  # "²".isdigit() is true
        return None, _("must be a number")
    values = [int(p) for p in parts]
    allowed = question.option_values()
    wrong = [v for v in values if v not in allowed]
    if wrong:
        return None, _("there is no option %(n)s") % {"n": wrong[0]}
    if question.type in ("scale", "single"):
        if len(values) != 1:
            return None, _("choose only one option")
        return values[0], ""
    chosen = sorted(set(values))
    if question.max_choices is not None and len(chosen) > question.max_choices:
        return None, _("choose at most %(n)s options") % {"n": question.max_choices}
    return chosen, ""


def _number(question: Question, parts: list[str]) -> tuple[int | None, str]:
    """A count such as the visits to the agency. A minus sign is read, so that −3 is refused
    for its range and not as "not a number" (review s8, finding 7); with no lower bound in
    the questionnaire, 0 is the least, as before: these questions count things."""
    if len(parts) != 1:
        return None, _("write a single number")
    text = parts[0]
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()):
        return None, _("must be a number")
    value = int(text)
    low = question.minimum if question.minimum is not None else 0
    high = question.maximum
    if value < low or (high is not None and value > high):
        if high is None:
            return None, _("not less than %(n)s") % {"n": low}
        return None, _("must be between %(low)s and %(high)s") % {"low": low, "high": high}
    return value, ""


def clean_answers(
    questionnaire: Questionnaire,
    raw: Mapping[str, Raw],
    questions: Iterable[Question] | None = None,
    earlier: Mapping[str, Any] | None = None,
    *,
    require: bool = True,
) -> tuple[dict[str, Any], dict[str, str]]:
    """Parse ``raw`` for ``questions`` (all by default). Returns (answers, errors by question
    code). ``earlier`` holds answers of previous sections, so conditions can refer to them.
    With ``require``, a required question that is asked but left empty is an error."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    known = dict(earlier or {})
    for question in questions if questions is not None else questionnaire.questions():
        if not question.asked(known):
            continue
        value, message = parse_answer(question, raw.get(question.code, ""))
        if message:
            errors[question.code] = message
        elif value is None:
            if require and question.required:
                errors[question.code] = _("not answered")
        else:
            answers[question.code] = value
            known[question.code] = value
    return answers, errors


def format_answer(value: Any) -> str:
    """The answer as keyed on paper: ``4``, ``1,3`` or the text."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return "" if value is None else str(value)
