"""Small filters for result pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

from chiso.engine import ProblemsError, score_agency
from chiso.engine.spec import fmt_decimal
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
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".rstrip()


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


@register.simple_tag
def readable(explanation: str, score: Any, lang: str = "vi") -> str:
    """A node's stored explanation with each fact's name replaced by its label and its value
    written without trailing zeros ("dossier.on_time_rate = 91,1000" → "Tỷ lệ … = 91,1")."""
    text = explanation or ""
    for name, value in (score.inputs or {}).get("facts", {}).items():
        # The explanation writes the value as stored ("91,1000" in Vietnamese).
        stored = value.replace(".", ",") if lang == "vi" else value
        text = text.replace(name, describe_fact(name, lang))
        text = text.replace(stored, fmt_decimal(Decimal(value), lang))
    return text
