"""Small filters for result pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.engine import ProblemsError, score_agency
from chiso.engine.model import LeaderPolicy
from chiso.engine.spec import fmt_decimal
from chiso.frameworks.describe import num, unit_label
from chiso.frameworks.facts import FACTS, describe_fact
from chiso.results.serialize import input_from_dict

register = template.Library()


@register.filter
def signed(value: Decimal | None) -> str:
    """A change with its sign, two decimals, localised: "+7,60", "−1,25", "0,00"."""
    if value is None:
        return "—"
    text = floatformat(abs(value), 2)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


@register.filter
def dec(value: Any, places: int = 2) -> str:
    """A stored decimal string or number, localised with ``places`` decimals; "—" for None."""
    if value is None or value == "":
        return "—"
    return floatformat(Decimal(str(value)), places)


@register.filter
def pick(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.simple_tag
def deputy_rule(framework: Any) -> str:
    """The leaders' rule of ``framework`` in one sentence, so that a reader can reproduce a
    deputy's score from the field indices beside it: "Điểm cấp phó = 0,7 × điểm các lĩnh vực
    phụ trách + 0,3 × điểm cơ quan" (chiso.engine.leaders)."""
    leaders = (getattr(framework, "settings", None) or {}).get("leaders") or {}
    # The engine's default when the framework does not set one.
    default = LeaderPolicy().deputy_assigned_weight
    weight = Decimal(str(leaders.get("deputy_assigned_weight", default)))
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    return _(
        "The head's score is the agency's index; a deputy's score = %(weight)s × the index of "
        "the assigned fields + %(rest)s × the agency's index."
    ) % {"weight": num(weight, lang), "rest": num(1 - weight, lang)}


@dataclass(frozen=True)
class AdjustmentLine:
    code: str
    title: str
    kind: str
    count: Decimal
    points: Decimal


@register.simple_tag
def adjustment_lines(score: Any) -> list[AdjustmentLine]:
    """The bonus and penalty items that counted for ``score``, each with its points.

    Only the totals are stored on the score; the items are the engine's own
    (points = min(max, count × points_each), before the caps) re-scored from the stored inputs
    against the result set's framework, which never changes once the set is computed."""
    framework = score.result_set.framework.to_engine()
    try:
        result = score_agency(framework, input_from_dict(score.inputs))
    except ProblemsError:
        return []
    return [
        AdjustmentLine(a.code, a.title, a.kind, a.count, a.points)
        for a in result.adjustments
        if a.count
    ]


@dataclass(frozen=True)
class FactLine:
    name: str
    label: str
    value: str


def _fact_value(value: Decimal, unit: str, lang: str) -> str:
    # Stored with four decimals (91.1000); people read 91,1%.
    text = fmt_decimal(value, lang)
    return f"{text}{unit}" if unit == "%" else f"{text} {unit_label(unit, lang, value)}".rstrip()


@register.simple_tag
def fact_lines(score: Any, lang: str = "vi") -> list[FactLine]:
    """The facts (data figures) the score used, by their catalogue label."""
    out = []
    for name, value in sorted((score.inputs or {}).get("facts", {}).items()):
        spec = FACTS.get(name)
        out.append(
            FactLine(
                name,
                describe_fact(name, lang),
                _fact_value(Decimal(value), spec.unit if spec else "", lang),
            )
        )
    return out


# A run of digits with its separators ("100,0000", "1.2.3", "2,00"): matched whole so that a
# number is never split or matched inside another one.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Points and percentages are rounded to the framework's places (``rounding``, 2 by default)
# and written with them ("2,00 điểm"); numbers written with more decimals are the raw inputs,
# e.g. facts stored with four (91.1000), and only those are trimmed.
DEFAULT_PLACES = 2


def framework_places(score: Any) -> int:
    """The most decimal places the score's framework writes its points and percentages with."""
    try:
        rounding = score.result_set.framework.settings.get("rounding") or {}
    except AttributeError:
        return DEFAULT_PLACES
    return max(int(rounding.get("points", 2)), int(rounding.get("percent", 2)))


def tidy_numbers(text: str, lang: str = "vi", places: int = DEFAULT_PLACES) -> str:
    """``text`` with every decimal written with more than ``places`` decimals trimmed of its
    trailing zeros ("100,0000" → "100", "79,5000" → "79,5"); other numbers and all digits stay
    as written.

    Only the language's decimal separator counts ("," in Vietnamese, "." in English), so codes
    such as "1.2" in Vietnamese text are left alone."""
    sep = "." if lang.startswith("en") else ","

    def trim(match: re.Match[str]) -> str:
        token = match.group(0)
        whole, found, decimals = token.partition(sep)
        if not found or not whole.isdigit() or not decimals.isdigit():
            return token
        if len(decimals) <= places:
            return token
        decimals = decimals.rstrip("0")
        return f"{whole}{sep}{decimals}" if decimals else whole

    return _NUMBER.sub(trim, text)


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


@register.simple_tag
def readable(explanation: str, score: Any, lang: str = "vi") -> str:
    """A node's stored explanation with each fact's name replaced by its label and its numbers
    written without trailing zeros ("dossier.on_time_rate = 91,1000" → "Tỷ lệ … = 91,1")."""
    text = explanation or ""
    # Longest names first, and whole names only: "survey.sipas" must not match inside
    # "survey.sipas.dich_vu_so" (which left "(SIPAS).dich_vu_so" on every scorecard, review s8
    # §9), nor "plan.done_rate" inside "plan.done_rate_x".
    names = sorted((score.inputs or {}).get("facts", {}), key=len, reverse=True)
    for name in names:
        pattern = rf"(?<![\w.]){re.escape(name)}(?![\w]|\.\w)"
        # A function, not a replacement string: a label's backslashes are not group references.
        text = re.sub(pattern, _literal(describe_fact(name, lang)), text)
    return tidy_numbers(text, lang, framework_places(score))
