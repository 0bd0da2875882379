"""Plain data the scoring engine works on: frameworks, inputs and results.

Nothing here imports Django. A framework is parsed from its canonical dict (YAML/XLSX/database)
by :mod:`chiso.engine.spec`; :func:`chiso.engine.score.score_block` turns a framework and the
inputs of every agency of one block into results. All numbers are :class:`decimal.Decimal`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

# ---------------------------------------------------------------------------- rules (leaves)


@dataclass(frozen=True)
class Band:
    """One band of a tiered rule. Bands are tried top-down; the first that holds gives points.

    ``gte`` holds when value >= gte, ``lte`` when value <= lte; a band with neither is the
    catch-all ("otherwise") and must be last.
    """

    points: Decimal
    gte: Decimal | None = None
    lte: Decimal | None = None


@dataclass(frozen=True)
class ManualRule:
    """Points are entered directly (0 ≤ points ≤ max); ``levels`` restricts them to a list."""

    levels: tuple[Decimal, ...] = ()
    type: Literal["manual"] = "manual"


@dataclass(frozen=True)
class YesNoRule:
    """Input 1 (yes) gives the node's max points, 0 (no) gives ``no_points`` (default 0)."""

    no_points: Decimal = Decimal(0)
    type: Literal["yes_no"] = "yes_no"


@dataclass(frozen=True)
class TieredRule:
    """An input value (entered, or the fact named by ``source``) mapped to points by bands."""

    bands: tuple[Band, ...]
    source: str | None = None
    unit: str = ""
    type: Literal["tiered"] = "tiered"


@dataclass(frozen=True)
class RatioRule:
    """points = max × min(1, value / threshold); below ``floor_below`` gives ``floor_points``."""

    threshold: Decimal = Decimal(100)
    source: str | None = None
    floor_below: Decimal | None = None
    floor_points: Decimal = Decimal(0)
    unit: str = "%"
    type: Literal["ratio"] = "ratio"


@dataclass(frozen=True)
class SurveyRule:
    """points = max × min(1, index / threshold), index = fact ``survey.<survey>`` (0–100)."""

    survey: str
    threshold: Decimal = Decimal(100)
    type: Literal["survey"] = "survey"

    @property
    def fact_name(self) -> str:
        return f"survey.{self.survey}"


@dataclass(frozen=True)
class MetricRule:
    """A named fact (e.g. ``dossier.on_time_rate``) scored by ``bands`` if given, else by ratio
    to ``threshold`` like :class:`RatioRule`."""

    metric: str
    bands: tuple[Band, ...] = ()
    threshold: Decimal = Decimal(100)
    type: Literal["metric"] = "metric"


Rule = ManualRule | YesNoRule | TieredRule | RatioRule | SurveyRule | MetricRule


def rule_fact(rule: Rule) -> str | None:
    """The fact a rule reads, or None when it reads the value entered for the node."""
    match rule:
        case TieredRule() | RatioRule():
            return rule.source
        case SurveyRule():
            return rule.fact_name
        case MetricRule():
            return rule.metric
    return None


# ---------------------------------------------------------------------------- framework


@dataclass(frozen=True)
class NotApplicable:
    """Whether an agency may have this node marked "not applicable" (không đánh giá).

    ``agency_types`` empty means any agency type may; otherwise only those type codes.
    """

    allowed: bool = False
    agency_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Node:
    """A field, criterion or sub-criterion. A leaf has a rule; an inner node has children whose
    max points add up to its own."""

    code: str
    title: str
    max_points: Decimal
    children: tuple[Node, ...] = ()
    rule: Rule | None = None
    guidance: str = ""
    evidence_required: bool = False
    evidence_hint: str = ""
    not_applicable: NotApplicable = field(default_factory=NotApplicable)

    @property
    def is_leaf(self) -> bool:
        return not self.children


def iter_nodes(nodes: Iterable[Node]) -> Iterator[Node]:
    """Every node in tree (pre-)order: each node, then its subtree."""
    for node in nodes:
        yield node
        yield from iter_nodes(node.children)


@dataclass(frozen=True)
class Adjustment:
    """A bonus or penalty item: points = min(max, count × points_each)."""

    code: str
    title: str
    kind: Literal["bonus", "penalty"]
    points_each: Decimal
    max: Decimal
    evidence_required: bool = False


@dataclass(frozen=True)
class ClassBand:
    """A classification label given when the score is >= ``gte`` (None: the lowest class)."""

    label: str
    gte: Decimal | None = None


@dataclass(frozen=True)
class Rounding:
    """Decimal places for leaf points and for every percentage; mode half_up, half_even or down."""

    points: int = 2
    percent: int = 2
    mode: Literal["half_up", "half_even", "down"] = "half_up"


@dataclass(frozen=True)
class LeaderPolicy:
    """Deputy score = weight × index over assigned nodes + (1 − weight) × agency final score.

    A deputy with no assigned (applicable) node gets the agency's final score. ``scale`` empty
    means the framework's classification scale.
    """

    deputy_assigned_weight: Decimal = Decimal("0.7")
    scale: tuple[ClassBand, ...] = ()


TieBreakKey = str
"""One of ``final``, ``base``, ``bonus``, ``penalty``, ``survey`` (points from survey rules),
``node:<code>`` (that node's points) or ``name``; compared descending except ``name`` and
``penalty`` (fewer penalty points rank higher)."""

TIE_BREAK_KEYS: tuple[TieBreakKey, ...] = ("final", "base", "bonus", "penalty", "survey", "name")
"""The tie-break keys other than ``node:<code>``."""


@dataclass(frozen=True)
class Framework:
    code: str
    year: int
    version: int
    title: str
    total_points: Decimal
    nodes: tuple[Node, ...]
    blocks: tuple[str, ...] = ()
    kind: Literal["par_index", "service_index"] = "par_index"
    adjustments: tuple[Adjustment, ...] = ()
    bonus_cap: Decimal = Decimal(0)
    penalty_cap: Decimal = Decimal(0)
    final_min: Decimal = Decimal(0)
    final_max: Decimal = Decimal(100)
    classification: tuple[ClassBand, ...] = ()
    tie_break: tuple[TieBreakKey, ...] = ("final", "base")
    rounding: Rounding = field(default_factory=Rounding)
    leaders: LeaderPolicy = field(default_factory=LeaderPolicy)


# ---------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class LeaderInput:
    """The head (``role="head"``) or a deputy of an agency, with the node codes assigned to them."""

    id: str
    name: str
    role: Literal["head", "deputy"]
    assigned: tuple[str, ...] = ()


@dataclass(frozen=True)
class AgencyInput:
    """Everything the engine needs to score one agency.

    ``values`` maps a leaf code to its entered value (points for manual, 1/0 for yes_no, the
    measured value for tiered/ratio without a source). ``facts`` maps fact names
    (``survey.sipas``, ``dossier.on_time_rate``…) to values. ``adjustments`` maps a bonus or
    penalty code to its count.
    """

    agency: str
    name: str = ""
    agency_type: str = ""
    values: Mapping[str, Decimal] = field(default_factory=dict)
    not_applicable: frozenset[str] = frozenset()
    facts: Mapping[str, Decimal] = field(default_factory=dict)
    adjustments: Mapping[str, Decimal] = field(default_factory=dict)
    leaders: tuple[LeaderInput, ...] = ()
