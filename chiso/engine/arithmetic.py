"""Decimal arithmetic shared by scoring and the input checks: one context, the framework's rounding.

Every engine function that computes runs inside ``localcontext(CONTEXT)``.
"""

from __future__ import annotations

from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

from .model import Rounding

# 60 significant digits keep every sum of points exact and every quotient far more precise than
# any rounding place a framework asks for, so the only rounding is the framework's own.
CONTEXT = Context(
    prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)


def round_to(value: Decimal, places: int, rounding: Rounding) -> Decimal:
    """``value`` rounded to ``places`` decimal places in the framework's rounding mode."""
    return value.quantize(ONE.scaleb(-places), rounding=_MODES[rounding.mode])


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    # "<=" rather than "<" so that a negative zero comes out as ``low`` itself.
    if value <= low:
        return low
    return high if value >= high else value


def percent_of(points: Decimal, maximum: Decimal, rounding: Rounding) -> Decimal | None:
    """100 × points / maximum at the framework's percent places; None when maximum is 0."""
    if maximum == 0:
        return None
    return round_to(HUNDRED * points / maximum, rounding.percent, rounding)
