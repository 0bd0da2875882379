"""What the scoring engine returns: per node, per agency and per block, every number explained.

Results are plain frozen dataclasses of :class:`decimal.Decimal`. Explanations are structured
(rule, inputs, formula steps, result) so that pages, exports and the API can render them in
Vietnamese or English without Django's translation machinery; :meth:`Explanation.text` gives one
line. Mapping fields are not part of the hash: results are compared, never used as dict keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from chiso.engine.units import measure_name

StepValue = Decimal | str | tuple[Decimal, ...]
"""A number, a name, or the terms of a sum (rendered ``a + b + c``)."""

# One entry per step kind: (Vietnamese, English) ``str.format`` templates. Vietnamese separates
# function arguments with ";" because "," is its decimal separator.
_STEPS: dict[str, tuple[str, str]] = {
    "entered": ("{points} điểm", "{points} points"),
    "yes": ("có → {points} điểm", "yes → {points} points"),
    "no": ("không → {points} điểm", "no → {points} points"),
    "fact": ("{name} = {value}", "{name} = {value}"),
    "band_gte": (
        "{what}{value} ≥ {gte} → {points} điểm",
        "{what}{value} ≥ {gte} → {points} points",
    ),
    "band_lte": (
        "{what}{value} ≤ {lte} → {points} điểm",
        "{what}{value} ≤ {lte} → {points} points",
    ),
    "band_range": (
        "{gte} ≤ {what}{value} ≤ {lte} → {points} điểm",
        "{gte} ≤ {what}{value} ≤ {lte} → {points} points",
    ),
    "band_else": (
        "{what}{value}: mức còn lại → {points} điểm",
        "{what}{value}: otherwise → {points} points",
    ),
    "band_none": (
        "{what}{value}: không thuộc mức nào → 0 điểm",
        "{what}{value}: no band holds → 0 points",
    ),
    "ratio": (
        "min(1; {value} / {threshold}) × {max} = {points} điểm",
        "min(1, {value} / {threshold}) × {max} = {points} points",
    ),
    "floor": (
        "{value} < {floor_below} → {points} điểm",
        "{value} < {floor_below} → {points} points",
    ),
    "clamp": (
        "giới hạn trong [0; {max}] → {points} điểm",
        "limited to [0, {max}] → {points} points",
    ),
    "missing_value": ("chưa nhập giá trị → {points} điểm", "no value entered → {points} points"),
    "missing_fact": (
        "thiếu dữ liệu {name} → {points} điểm",
        "missing data {name} → {points} points",
    ),
    "inherited": ("theo {code}", "because of {code}"),
    "not_applicable": (
        "{max} điểm loại khỏi tổng điểm tối đa",
        "{max} points removed from the maximum",
    ),
    "sum": ("{terms} = {points} điểm", "{terms} = {points} points"),
    "percent": ("{points} / {max} × 100 = {percent}%", "{points} / {max} × 100 = {percent}%"),
    "bonus": ("thưởng {points} (tối đa {cap})", "bonus {points} (cap {cap})"),
    "penalty": ("trừ {points} (tối đa {cap})", "penalty {points} (cap {cap})"),
    "final": ("{base} + {bonus} − {penalty} = {final}", "{base} + {bonus} − {penalty} = {final}"),
    "limit": ("giới hạn trong [{low}; {high}] → {final}", "limited to [{low}, {high}] → {final}"),
    "class": ("xếp loại {label}", "class {label}"),
    "agency_final": ("điểm của cơ quan {final}", "agency score {final}"),
    "assigned": (
        "phụ trách {codes}: {points} / {max} × 100 = {percent}%",
        "assigned {codes}: {points} / {max} × 100 = {percent}%",
    ),
    "blend": (
        "{weight} × {assigned} + {rest} × {final} = {score}",
        "{weight} × {assigned} + {rest} × {final} = {score}",
    ),
    "no_assignment": (
        "không có nội dung phụ trách được đánh giá → điểm của cơ quan {final}",
        "no assigned node is applicable → agency score {final}",
    ),
}

_RULES: dict[str, tuple[str, str]] = {
    "manual": ("Chấm điểm", "Entered"),
    "yes_no": ("Có/Không", "Yes/no"),
    "tiered": ("Theo mức", "Tiered"),
    "ratio": ("Tỷ lệ", "Ratio"),
    "survey": ("Khảo sát", "Survey"),
    "metric": ("Chỉ số", "Metric"),
    "not_applicable": ("Không đánh giá", "Not applicable"),
    "sum": ("Tổng", "Sum"),
    "total": ("Tổng hợp", "Total"),
    "head": ("Người đứng đầu", "Head"),
    "deputy": ("Cấp phó", "Deputy"),
}


def _english(lang: str) -> bool:
    return lang.startswith("en")


def format_decimal(value: Decimal, lang: str = "vi") -> str:
    """``value`` in plain notation as given (no exponent, no grouping): ``96,5`` in Vietnamese,
    ``96.5`` in English. Grouping is left out so that ``min(1, 1,234.5 / …)`` cannot mislead."""
    text = format(abs(value) if value.is_zero() else value, "f")
    return text if _english(lang) else text.replace(".", ",")


# Values a framework sets (maxima, caps, band bounds, weights) rather than computes: written
# as the framework writes them, so that a field whose criteria add up to 22.0 reads "/ 22 × 100"
# like its neighbour "/ 12 × 100" (review s8 §10). Computed points and percentages keep the
# rounding's places ("29,78", "2,00").
_SET_BY_FRAMEWORK = frozenset(
    {"max", "cap", "threshold", "floor_below", "gte", "lte", "weight", "rest"}
)


def _show(value: StepValue, lang: str, plain: bool = False) -> str:
    if isinstance(value, Decimal):
        # normalize() drops trailing zeros (22.0 → 22, 1.50 → 1.5); format "f" undoes its
        # exponent (1E+2 → 100).
        return format_decimal(value.normalize() if plain else value, lang)
    if isinstance(value, tuple):
        return " + ".join(format_decimal(term, lang) for term in value)
    return value


@dataclass(frozen=True)
class Step:
    """One step of a formula: ``kind`` names a bilingual template, ``values`` fill it.

    A band step of a value the agency entered carries the rule's ``unit`` (a str) so that the
    text names what was compared: "số ngày 0 ≤ 0 → 1,00 điểm" (see
    :func:`chiso.engine.units.measure_name`); a value read from data is named by the
    preceding ``fact`` step instead."""

    kind: str
    values: Mapping[str, StepValue] = field(default_factory=dict, hash=False)

    def text(self, lang: str = "vi") -> str:
        vi, en = _STEPS[self.kind]
        template = en if _english(lang) else vi
        shown = {
            name: _show(v, lang, plain=name in _SET_BY_FRAMEWORK) for name, v in self.values.items()
        }
        unit = self.values.get("unit")
        shown["what"] = f"{measure_name(unit, lang)} " if isinstance(unit, str) else ""
        return template.format(**shown)


@dataclass(frozen=True)
class Explanation:
    """How one number came about.

    ``rule`` is a rule type (``manual``, ``ratio``…) or ``not_applicable``, ``sum``, ``total``,
    ``head``, ``deputy``; ``inputs`` the data used (entered values by node code, facts by name,
    children's points by code); ``steps`` the formula in order; ``result`` the number explained.
    """

    rule: str
    inputs: Mapping[str, Decimal | str] = field(default_factory=dict, hash=False)
    steps: tuple[Step, ...] = ()
    result: Decimal | None = None

    def text(self, lang: str = "vi") -> str:
        """One line, e.g. ``Tỷ lệ: min(1; 96,5 / 100) × 3 = 2,90 điểm``."""
        vi, en = _RULES[self.rule]
        label = en if _english(lang) else vi
        return f"{label}: " + "; ".join(step.text(lang) for step in self.steps)


@dataclass(frozen=True)
class NodeResult:
    """Points of one field, criterion or sub-criterion for one agency.

    ``applicable_max`` is ``max_points`` less the maxima of not-applicable nodes inside it;
    ``percent`` = 100 × points / applicable_max, None when nothing inside is applicable.
    ``missing_input`` is set on a leaf scored 0 for lack of data, and on every inner node above
    such a leaf.
    """

    code: str
    title: str
    points: Decimal
    max_points: Decimal
    applicable_max: Decimal
    percent: Decimal | None
    not_applicable: bool
    explanation: Explanation
    missing_input: bool = False


@dataclass(frozen=True)
class AdjustmentResult:
    """One bonus or penalty item: points = min(max, count × points_each), before the cap."""

    code: str
    title: str
    kind: Literal["bonus", "penalty"]
    count: Decimal
    points: Decimal
    max: Decimal


@dataclass(frozen=True)
class LeaderScore:
    """The head's or a deputy's score; ``assigned_percent`` is None for the head and for a
    deputy with no applicable assigned node."""

    id: str
    name: str
    role: Literal["head", "deputy"]
    assigned: tuple[str, ...]
    assigned_percent: Decimal | None
    score: Decimal
    classification: str | None
    explanation: Explanation


@dataclass(frozen=True)
class AgencyResult:
    """One agency's scores. ``nodes`` is in tree order (each node before its children);
    ``rank`` is None until the agency is ranked within its block by ``score_block``."""

    agency: str
    name: str
    nodes: dict[str, NodeResult] = field(hash=False)
    base_points: Decimal
    base_max: Decimal
    base_percent: Decimal
    bonus: Decimal
    penalty: Decimal
    adjustments: tuple[AdjustmentResult, ...]
    final: Decimal
    classification: str | None
    leaders: tuple[LeaderScore, ...]
    explanation: Explanation
    rank: int | None = None


@dataclass(frozen=True)
class BlockResult:
    """Every agency of one block, in rank order, with the block's mean and class counts
    (every label of the framework's scale, in scale order, zero counts included)."""

    framework: str
    year: int
    version: int
    agencies: tuple[AgencyResult, ...]
    mean_final: Decimal | None
    class_counts: dict[str, int] = field(hash=False)
