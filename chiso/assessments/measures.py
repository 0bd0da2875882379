"""Measured values: items where the agency enters a rate or a count, not points.

A tiered or ratio rule without a ``source`` turns a value the agency measured (a percentage, a
number of days late, of people disciplined…) into points. Pages, error messages and the audit
trail must say which is which: "0 ngày → 1 điểm" is the best value of item 1.1, not the worst.

The accepted range is derived from the rule itself, never from item codes: a measured value is
a rate or a count, so it is at least 0, and a percentage (unit ``%``) at most 100 — unless the
framework's own bands go beyond (a band ``lte: -5`` means negative values are meant).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from chiso.engine import AgencyInput, ProblemsError, score_agency
from chiso.engine.model import Framework, Node, RatioRule, Rounding, TieredRule, YesNoRule
from chiso.frameworks.describe import UNIT_EN_ONE, num, unit_label

PERCENT = "%"
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


@dataclass(frozen=True)
class Measure:
    """What the agency measures for an item: its unit as the framework writes it ("%",
    "ngày", "người" or "") and the range a value must lie in (``maximum`` None: no upper
    bound)."""

    unit: str
    minimum: Decimal
    maximum: Decimal | None

    @property
    def is_percent(self) -> bool:
        return self.unit == PERCENT

    def unit_shown(self) -> str:
        """The unit in the page's language ("days" in English)."""
        return unit_label(self.unit, _lang()) if self.unit else ""

    def amount(self, value: Decimal) -> str:
        """A value with its unit, as people write it: "90,9%", "0 ngày", "1 day"."""
        lang = _lang()
        number = num(value, lang)
        if not self.unit:
            return number
        if self.is_percent:
            return f"{number}%"
        shown = unit_label(self.unit, lang)
        if lang == "en" and value == 1:
            shown = UNIT_EN_ONE.get(shown, shown)
        return f"{number} {shown}"

    def field_label(self) -> str:
        """What the value is, for a label: "Tỷ lệ (%)", "Số ngày", "Giá trị"."""
        if self.is_percent:
            return _("Rate (%(unit)s)") % {"unit": PERCENT}
        if self.unit:
            return _("Number of %(unit)s") % {"unit": self.unit_shown()}
        return _("Measured value")


def _bounds(rule: TieredRule | RatioRule) -> list[Decimal]:
    if isinstance(rule, TieredRule):
        return [b for band in rule.bands for b in (band.gte, band.lte) if b is not None]
    return [b for b in (rule.floor_below,) if b is not None]


def measure_of(node: Node | None) -> Measure | None:
    """The measure of a leaf the agency enters as a rate or count; None for points entered
    directly (manual), yes/no items and items scored from facts."""
    rule = node.rule if node is not None else None
    if not isinstance(rule, TieredRule | RatioRule) or rule.source is not None:
        return None
    bounds = _bounds(rule)
    minimum = min([ZERO, *bounds])
    maximum = max([HUNDRED, *bounds]) if rule.unit == PERCENT else None
    return Measure(rule.unit, minimum, maximum)


def range_problem(node: Node | None, value: Decimal | None) -> str | None:
    """Why ``value`` cannot be the measured value of ``node`` (in the active language), or
    None when it can or the item is not measured."""
    measure = measure_of(node)
    if measure is None or value is None or not value.is_finite():
        return None
    low, high = measure.minimum, measure.maximum
    if low <= value and (high is None or value <= high):
        return None
    got = num(value, _lang())
    if measure.is_percent:
        return _("A rate must lie between %(low)s%% and %(high)s%%, not %(got)s%%.") % {
            "low": num(low, _lang()),
            "high": num(high or HUNDRED, _lang()),
            "got": got,
        }
    if low == ZERO:
        return _("%(what)s cannot be negative (entered: %(got)s).") % {
            "what": measure.field_label(),
            "got": got,
        }
    return _("%(what)s must be at least %(low)s (entered: %(got)s).") % {
        "what": measure.field_label(),
        "low": num(low, _lang()),
        "got": got,
    }


def points_for(node: Node, value: Decimal | None, rounding: Rounding) -> Decimal | None:
    """The points ``value`` gives on ``node`` by its rule, as the engine scores it; None when
    there is no value or the engine refuses it (the page then shows the value alone)."""
    if value is None or not node.is_leaf:
        return None
    alone = Framework(
        code="",
        year=0,
        version=0,
        title="",
        total_points=node.max_points,
        nodes=(node,),
        rounding=rounding,
    )
    try:
        result = score_agency(alone, AgencyInput(agency="", values={node.code: value}))
    except ProblemsError:
        return None
    return result.nodes[node.code].points


def scored_by_rule(node: Node | None) -> bool:
    """True when the entered value is not itself the points: measured and yes/no items."""
    return measure_of(node) is not None or isinstance(getattr(node, "rule", None), YesNoRule)


def audit_points(
    node: Node | None, rounding: Rounding, old: Decimal | None, new: Decimal | None
) -> dict[str, Any]:
    """What an audit row adds to a change of an item's value, so that the trail says what the
    value was: the unit of a measured value and the points before → after. Empty for points
    entered directly, where the value is the points."""
    if node is None or not scored_by_rule(node):
        return {}
    before, after = points_for(node, old, rounding), points_for(node, new, rounding)
    extra: dict[str, Any] = {}
    measure = measure_of(node)
    if measure is not None and measure.unit:
        extra["unit"] = measure.unit
    extra["points"] = [_plain(before), _plain(after)]
    return extra


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")
