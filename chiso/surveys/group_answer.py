"""The question that asks the respondent's group, when the response already has one.

A questionnaire may ask "you answer as: an individual / an organisation" with options tagged by
group (``Option.group``, e.g. SIPAS ``doi_tuong``), while every response carries the group it
was started or sent with (the invitation's, the open link's choice, the paper form's). The two
must never say different things: the indices are split by the response's group (sipas.md §7),
and an answer saying another group would count the respondent in a cell they do not belong to.

The online page asks such a question no more and answers it from the group (review s6, L5,
``public_views._raw``); saving a part of that page (``save_section``, which other callers
use too), the whole-form API and paper keying go through :func:`fill` and
:func:`contradictions` (paper keying fills a blank too: review s7, L5, see
``actions/paper._read``). A question counts as asking the group when one of its options stands
for the response's group (``Question.answer_for_group``), as on the page: for a group the
question has no option for (a council delegate on the citizens' form) it stays the
respondent's to answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.surveys.models import Group
from chiso.surveys.spec import Question, Questionnaire


def fill(spec: Questionnaire, group: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """``raw`` with every question asking the group answered from ``group`` where left blank."""
    out = dict(raw)
    for q in spec.questions():
        fixed = q.answer_for_group(group)
        if fixed is not None and is_blank(out.get(q.code)):
            out[q.code] = str(fixed)
    return out


def is_blank(raw: Any) -> bool:
    """Whether a raw answer (typed text, ticked options) says nothing."""
    if isinstance(raw, str):
        return not raw.strip()
    return raw is None or raw == []


def complete(spec: Questionnaire, group: str, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned ``answers`` with every question asking the group that is asked but unanswered
    answered from ``group``: what :func:`fill` then cleaning would have stored."""
    out = dict(answers)
    for q in spec.questions():
        fixed = q.answer_for_group(group)
        if fixed is not None and q.code not in out and q.asked(out):
            out[q.code] = fixed
    return out


def asks_group(question: Question) -> bool:
    """Whether ``question`` asks the respondent's group (an option stands for a group)."""
    return any(o.group for o in question.options)


def contradictions(spec: Questionnaire, group: str, answers: Mapping[str, Any]) -> dict[str, str]:
    """Question code → why its answer (cleaned, see :func:`chiso.surveys.answers.clean_answers`)
    contradicts the response's ``group``, in the active language; empty when none does."""
    out = {}
    for q in spec.questions():
        fixed = q.answer_for_group(group)
        given = answers.get(q.code)
        if fixed is None or given is None or given in (fixed, [fixed]):
            continue
        chosen = given if isinstance(given, list) else [given]
        out[q.code] = _(
            "Question %(code)s «%(question)s»: the answer «%(answer)s» contradicts the "
            "respondent group of this form, %(group)s («%(expected)s»)."
        ) % {
            "code": q.code,
            "question": _text(q.text, q.text_en),
            "answer": ", ".join(_option_text(q, v) for v in chosen),
            "group": Group(group).label,
            "expected": _option_text(q, fixed),
        }
    return out


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _text(vi: str, en: str) -> str:
    return en if _english() and en else vi


def _option_text(q: Question, value: int) -> str:
    option = next((o for o in q.options if o.value == value), None)
    return str(value) if option is None else _text(option.text, option.text_en)
