""" "Where did we lose points": the criteria that cost the agencies of a round the most points.

A pure function over the per-node results stored with each agency's score (``AgencyScore.nodes``:
code, title, depth, points, max, applicable_max, not_applicable). For one node and one agency the
lost points are ``applicable max − points``; a node marked not applicable loses nothing. Summed
over the agencies, sorted with the largest loss first, so leaders see where to push (issue 6).

Last year's loss is set beside a node only when it is the *same* node (review s8, finding 1):
frameworks renumber criteria between versions, so the pair comes from
:mod:`chiso.frameworks.matching` (title, measured quantity), never from the code. A points
change is shown only for a :attr:`~chiso.frameworks.matching.Match.comparable` pair (same title,
maximum and kind of rule). When the maximum changed, fewer points lost may only mean fewer
points to lose, so no change in points is given; the loss as a share of the points possible is
set beside last year's share instead. New or reworded criteria get the reason and no number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from chiso.frameworks.matching import Match, Matching, NodeRef, match_nodes

ZERO = Decimal(0)
HUNDRED = Decimal(100)
HUNDREDTH = Decimal("0.01")


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
    depth: int = 1  # 0 field, 1 criterion
    agencies: list[tuple[str, str, Decimal]] = field(default_factory=list)  # code, name, lost
    match: Match | None = None  # the same node in last year's framework, if any
    previous_lost: Decimal | None = None
    previous_possible: Decimal | None = None
    has_previous_year: bool = False

    @property
    def share(self) -> Decimal | None:
        """Points lost as a percentage of the points possible (None when nothing was possible)."""
        return _share(self.lost, self.possible)

    @property
    def previous_share(self) -> Decimal | None:
        if self.previous_lost is None or self.previous_possible is None:
            return None
        return _share(self.previous_lost, self.previous_possible)

    @property
    def shares_comparable(self) -> bool:
        """Only the maximum changed: the shares of the points possible may be compared."""
        return (
            self.match is not None
            and set(self.match.changes) <= {"code", "max_points"}
            and "max_points" in self.match.changes
            and self.share is not None
            and self.previous_share is not None
        )

    @property
    def change(self) -> Decimal | None:
        """This year's loss minus last year's, for the same node scored the same way only:
        negative means fewer points lost. None when the two years cannot be compared."""
        if self.match is None or not self.match.comparable or self.previous_lost is None:
            return None
        return self.lost - self.previous_lost

    @property
    def previous_code(self) -> str | None:
        """Last year's code when the node was renumbered (shown as "was 3.4 in 2022")."""
        return self.match.before.code if self.match and self.match.renumbered else None

    @property
    def reason(self) -> str:
        """Why no change is shown, in a few words ("" when a change is shown or no year before)."""
        if not self.has_previous_year or self.change is not None:
            return ""
        if self.match is None:
            return _("new field") if self.depth == 0 else _("new criterion")
        before, after = self.match.before, self.match.after
        if before.max_points != after.max_points:
            values = {"before": _number(before.max_points), "after": _number(after.max_points)}
            if after.max_points > before.max_points:
                return _("maximum raised from %(before)s to %(after)s") % values
            return _("maximum lowered from %(before)s to %(after)s") % values
        if before.rule_type != after.rule_type:
            return _("scored differently")
        if "parent" in self.match.changes:
            return _("moved to another field")
        if "measure" in self.match.changes:
            return _("now measured from other data")
        if "title" in self.match.changes:
            return _("criterion reworded")
        return _("not scored last year")


def _share(lost: Decimal, possible: Decimal) -> Decimal | None:
    if not possible:
        return None
    return (lost * HUNDRED / possible).quantize(HUNDREDTH, ROUND_HALF_UP)


def _number(value: Decimal) -> str:
    """A maximum as the framework writes it, with the Vietnamese decimal comma ("1,5")."""
    return number_format(value.normalize())


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
            item = out.setdefault(node["code"], NodeLoss(node["code"], node["title"], depth=depth))
            item.lost += lost
            item.possible += maximum
            if lost > 0:
                item.agencies.append((agency.code, agency.name, lost))
    return out


def stored_refs(agencies: Iterable[ScoredAgency]) -> list[NodeRef]:
    """The nodes of stored results as matching input (title and maximum; no rule kind)."""
    seen: dict[str, NodeRef] = {}
    for agency in agencies:
        for node in agency.nodes:
            if node["code"] not in seen:
                seen[node["code"]] = NodeRef(
                    code=node["code"],
                    title=node["title"],
                    depth=node["depth"],
                    max_points=Decimal(str(node["max"])),
                )
    return list(seen.values())


def where_points_were_lost(
    current: Iterable[ScoredAgency],
    previous: Iterable[ScoredAgency] = (),
    *,
    depth: int = 1,
    limit: int | None = 10,
    matching: Matching | None = None,
) -> list[NodeLoss]:
    """Nodes at ``depth`` (0 fields, 1 criteria) by points lost, largest first (ties by code);
    each with the agencies that lost points there (largest first) and last year's loss of the
    same node. ``matching`` pairs last year's framework with this year's (the frameworks'
    :func:`~chiso.frameworks.matching.match_frameworks`); without it the stored titles and
    maxima are matched."""
    current, previous = list(current), list(previous)
    now = _sum(current, depth)
    before = _sum(previous, depth)
    if previous and matching is None:
        matching = match_nodes(stored_refs(previous), stored_refs(current))
    for code, item in now.items():
        item.agencies.sort(key=lambda a: (-a[2], a[0]))
        item.has_previous_year = bool(previous)
        item.match = matching.for_new(code) if matching and previous else None
        if item.match is not None and item.match.before.code in before:
            last = before[item.match.before.code]
            item.previous_lost, item.previous_possible = last.lost, last.possible
    ranked = sorted(now.values(), key=lambda n: (-n.lost, n.code))
    return ranked if limit is None else ranked[:limit]
