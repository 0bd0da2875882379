""" "Where did we lose points": the criteria that cost the agencies of a round the most points.

A pure function over the per-node results stored with each agency's score (``AgencyScore.nodes``:
code, title, depth, points, max, applicable_max, not_applicable). For one node and one agency the
lost points are ``applicable max − points``; a node marked not applicable loses nothing. Summed
over the agencies, sorted with the largest loss first, with last year's loss on the same node
code beside it so leaders see where to push (issue 6).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


@dataclass(frozen=True)
class ScoredAgency:
    code: str
    name: str
    nodes: Sequence[Mapping[str, Any]]


@dataclass
class NodeLoss:
    code: str
    title: str
    lost: Decimal = ZERO
    possible: Decimal = ZERO  # applicable maximum summed over the agencies
    agencies: list[tuple[str, str, Decimal]] = field(default_factory=list)  # code, name, lost
    previous_lost: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        """This year's loss minus last year's: negative means fewer points lost."""
        return None if self.previous_lost is None else self.lost - self.previous_lost


def node_loss(node: Mapping[str, Any]) -> tuple[Decimal, Decimal]:
    """(lost, applicable max) of one stored node result."""
    if node.get("not_applicable"):
        return ZERO, ZERO
    maximum = Decimal(node.get("applicable_max") or node["max"])
    points = Decimal(node["points"]) if node.get("points") is not None else ZERO
    return max(ZERO, maximum - points), maximum


def _sum(agencies: Iterable[ScoredAgency], depth: int) -> dict[str, NodeLoss]:
    out: dict[str, NodeLoss] = {}
    for agency in agencies:
        for node in agency.nodes:
            if node["depth"] != depth:
                continue
            lost, maximum = node_loss(node)
            item = out.setdefault(node["code"], NodeLoss(node["code"], node["title"]))
            item.lost += lost
            item.possible += maximum
            if lost > 0:
                item.agencies.append((agency.code, agency.name, lost))
    return out


def where_points_were_lost(
    current: Iterable[ScoredAgency],
    previous: Iterable[ScoredAgency] = (),
    *,
    depth: int = 1,
    limit: int | None = 10,
) -> list[NodeLoss]:
    """Nodes at ``depth`` (0 fields, 1 criteria) by points lost, largest first (ties by code);
    each with the agencies that lost points there (largest first) and last year's loss."""
    now = _sum(current, depth)
    before = _sum(previous, depth)
    for code, item in now.items():
        item.agencies.sort(key=lambda a: (-a[2], a[0]))
        if code in before:
            item.previous_lost = before[code].lost
    ranked = sorted(now.values(), key=lambda n: (-n.lost, n.code))
    return ranked if limit is None else ranked[:limit]
