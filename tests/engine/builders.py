"""Builders that keep engine tests short: nodes whose maxima add up, one-leaf frameworks."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chiso.engine import (
    AgencyInput,
    Framework,
    Node,
    NodeResult,
    NotApplicable,
    Rounding,
    Rule,
    score_agency,
)


def leaf(
    code: str, max_points: str, rule: Rule | None = None, *, na: tuple[str, ...] | bool = False
) -> Node:
    """A leaf; ``na=True`` allows N/A for any agency type, a tuple only for those types."""
    return Node(code, f"Nội dung {code}", Decimal(max_points), rule=rule, not_applicable=_na(na))


def inner(code: str, *children: Node, na: tuple[str, ...] | bool = False) -> Node:
    """An inner node whose maximum is the sum of its children's."""
    total = sum((c.max_points for c in children), Decimal(0))
    return Node(code, f"Nội dung {code}", total, children=children, not_applicable=_na(na))


def _na(na: tuple[str, ...] | bool) -> NotApplicable:
    if isinstance(na, tuple):
        return NotApplicable(True, na)
    return NotApplicable(na)


def framework(*fields: Node, **options: Any) -> Framework:
    """A framework over ``fields`` whose total is the sum of their maxima."""
    total = sum((f.max_points for f in fields), Decimal(0))
    return Framework("test", 2025, 1, "Bộ chỉ số thử", total, fields, **options)


def score_leaf(
    rule: Rule,
    max_points: str,
    value: str | None = None,
    facts: Mapping[str, str] | None = None,
    rounding: Rounding | None = None,
) -> NodeResult:
    """Score one leaf ``L`` (in a one-field framework) and return its result."""
    fw = framework(inner("F", leaf("L", max_points, rule)), rounding=rounding or Rounding())
    values = {} if value is None else {"L": Decimal(value)}
    agency = AgencyInput(
        "A", values=values, facts={k: Decimal(v) for k, v in (facts or {}).items()}
    )
    return score_agency(fw, agency).nodes["L"]
