"""Reading numbers the way people type them in Vietnam: 97,35 or 97.35, with or without %."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def parse_decimal(text: object) -> Decimal | None:
    """``"97,35"``, ``"97.35"``, ``"97,35 %"`` or a number → Decimal; None if it is not a finite
    number. A lone comma is the decimal comma; a comma next to a dot is not guessed at."""
    if isinstance(text, Decimal):
        return text if text.is_finite() else None
    cleaned = str(text).strip().replace(" ", "").replace("\u00a0", "").replace("%", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def fits(value: Decimal, *, digits: int, places: int) -> bool:
    """Whether ``value`` fits a DecimalField(max_digits=digits, decimal_places=places) without
    losing anything: at most ``places`` decimals and ``digits - places`` integer digits."""
    sign, numerals, exponent = value.normalize().as_tuple()
    assert isinstance(exponent, int)
    decimals = max(0, -exponent)
    integer_digits = max(0, len(numerals) + exponent)
    return decimals <= places and integer_digits <= digits - places
