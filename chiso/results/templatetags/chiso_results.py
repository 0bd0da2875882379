"""Small filters for result pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat

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
