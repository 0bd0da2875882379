""" "Where did we lose points", with numbers worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chiso.plans.losses import ScoredAgency, node_loss, where_points_were_lost


def node(
    code: str, depth: int, points: str | None, maximum: str, na: bool = False
) -> dict[str, Any]:
    return {
        "code": code,
        "title": f"Tiêu chí {code}",
        "depth": depth,
        "points": points,
        "max": maximum,
        "applicable_max": "0" if na else maximum,
        "not_applicable": na,
    }


def agency(code: str, *nodes: dict[str, Any]) -> ScoredAgency:
    return ScoredAgency(code, f"Cơ quan {code}", list(nodes))


THIS_YEAR = [
    # field 1 (depth 0) with criteria 1.1 (max 4) and 1.2 (max 3)
    agency("a", node("1", 0, "5", "7"), node("1.1", 1, "3", "4"), node("1.2", 1, "2", "3")),
    agency("b", node("1", 0, "3.5", "7"), node("1.1", 1, "1.5", "4"), node("1.2", 1, "2", "3")),
    agency(
        "c", node("1", 0, "3", "4"), node("1.1", 1, "3", "4"), node("1.2", 1, None, "3", na=True)
    ),
]
LAST_YEAR = [
    agency("a", node("1.1", 1, "2", "4"), node("1.2", 1, "3", "3")),
    agency("b", node("1.1", 1, "2", "4"), node("1.2", 1, "3", "3")),
]


def test_the_criterion_that_lost_most_comes_first_with_the_agencies_responsible() -> None:
    rows = where_points_were_lost(THIS_YEAR, LAST_YEAR)
    assert [r.code for r in rows] == ["1.1", "1.2"]
    first, second = rows
    # 1.1: a lost 4−3 = 1, b lost 4−1,5 = 2,5, c lost 4−3 = 1 → 4,5 of 12 possible
    assert first.lost == Decimal("4.5") and first.possible == Decimal(12)
    assert [(code, lost) for code, _name, lost in first.agencies] == [
        ("b", Decimal("2.5")),
        ("a", Decimal(1)),
        ("c", Decimal(1)),
    ]
    # last year 1.1 lost 2 + 2 = 4: half a point more lost this year
    assert first.previous_lost == Decimal(4) and first.change == Decimal("0.5")
    # 1.2: a and b lost 1 each; c is not applicable and loses nothing; last year 0
    assert second.lost == Decimal(2) and second.possible == Decimal(6)
    assert second.change == Decimal(2)


def test_fields_are_ranked_the_same_way_and_a_new_node_has_no_change() -> None:
    rows = where_points_were_lost(THIS_YEAR, LAST_YEAR, depth=0)
    assert [(r.code, r.lost) for r in rows] == [("1", Decimal("6.5"))]  # 2 + 3,5 + 1
    assert rows[0].change is None


def test_a_node_without_points_loses_its_whole_maximum() -> None:
    assert node_loss(node("x", 1, None, "2")) == (Decimal(2), Decimal(2))
    assert node_loss(node("x", 1, None, "2", na=True)) == (Decimal(0), Decimal(0))
