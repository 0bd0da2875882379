"""Types shared by the routers: exact decimal numbers, agency references, paging.

Numbers that are ``Decimal`` in chiso (points, percents, thresholds) travel as strings with a
decimal point and at least two decimals, e.g. ``"82.22"``, ``"1.00"``, ``"0.125"``: JSON
floats would lose the exactness the published results depend on. Counts and years are
integers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema

DECIMAL_PATTERN = r"^-?[0-9]+\.[0-9]+$"
TWO_PLACES = Decimal("0.01")

Num = Annotated[
    str,
    Field(
        pattern=DECIMAL_PATTERN,
        description="A decimal number as a string, e.g. 82.22",
        examples=["82.22"],
    ),
]
SLUG = r"^[-a-zA-Z0-9_]+$"


def num(value: Any) -> str:
    """``value`` (a Decimal, int or numeric string) in the API's number format, exactly."""
    d = Decimal(value)
    two = d.quantize(TWO_PLACES)
    return f"{two:f}" if two == d else f"{d.normalize():f}"


def opt_num(value: Any) -> str | None:
    return None if value is None else num(value)


def decimals_to_text(data: Any) -> Any:
    """A copy of ``data`` (dicts, lists) with every Decimal written by :func:`num`."""
    if isinstance(data, Decimal):
        return num(data)
    if isinstance(data, dict):
        return {k: decimals_to_text(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [decimals_to_text(v) for v in data]
    return data


class Named(Schema):
    """Something with a code and a name: an agency type, a block."""

    code: str
    name: str


class AgencyRef(Schema):
    """Another agency named by this one. ``visible`` says whether the caller may open it
    (``GET /api/agencies/{code}``); the pages show such names too, without a link."""

    code: str
    name: str
    visible: bool


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100000, description="Page number, from 1")
    page_size: int = Field(50, ge=1, le=200, description="Items per page")
