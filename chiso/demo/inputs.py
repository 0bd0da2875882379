"""Believable engine inputs for a demo agency that score exactly a chosen final index.

Every leaf gets an input of the kind its rule reads (entered points, a yes/no, a measured value
or a fact) drawn around the agency's target quality, so the demo's item-level picture is varied
but coherent. Leaves whose points can take any value (manual without levels, entered ratios)
then absorb the difference, and the engine itself confirms the result: nothing here computes a
score the engine did not.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from chiso.engine import (
    AgencyInput,
    Framework,
    LeaderInput,
    ManualRule,
    MetricRule,
    Node,
    RatioRule,
    SurveyRule,
    TieredRule,
    YesNoRule,
    score_agency,
)
from chiso.engine.model import Band

CENT = Decimal("0.01")


def leaves(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for node in nodes:
        if node.is_leaf:
            yield node
        else:
            yield from leaves(node.children)


def _value_for_bands(bands: tuple[Band, ...], want: Decimal, rng: random.Random) -> Decimal:
    """A measured value that lands in the band whose points are nearest ``want``."""
    best = min(range(len(bands)), key=lambda i: (abs(bands[i].points - want), i))
    band = bands[best]
    above = bands[best - 1] if best else None
    if band.gte is not None:
        room = (above.gte - band.gte) if above is not None and above.gte is not None else Decimal(0)
        return band.gte + min(Decimal(rng.randint(0, 20)) / 10, room / 2)
    if band.lte is not None:
        room = (band.lte - above.lte) if above is not None and above.lte is not None else Decimal(0)
        return band.lte - min(Decimal(rng.randint(0, 2)), room / 2)
    # The catch-all: just outside the last threshold.
    previous = bands[best - 1] if best else None
    if previous is not None and previous.gte is not None:
        return previous.gte - Decimal(rng.randint(1, 30)) / 2
    if previous is not None and previous.lte is not None:
        return previous.lte + Decimal(rng.randint(1, 10))
    return Decimal(0)


def _quality(base: Decimal, rng: random.Random) -> Decimal:
    q = base + Decimal(str(round(rng.gauss(0, 0.12), 3)))
    return min(max(q, Decimal(0)), Decimal(1))


def draft_input(
    framework: Framework,
    agency: str,
    name: str,
    agency_type: str,
    target: Decimal,
    rng: random.Random,
    leaders: tuple[LeaderInput, ...] = (),
) -> tuple[AgencyInput, Decimal]:
    """Draw inputs around ``target`` (no balancing yet). Returns the input and the base-index
    target (final minus bonus plus penalty)."""
    q0 = target / 100
    values: dict[str, Decimal] = {}
    facts: dict[str, Decimal] = {}
    for leaf in leaves(framework.nodes):
        rule, q = leaf.rule, _quality(q0, rng)
        want = leaf.max_points * q
        if isinstance(rule, ManualRule):
            if rule.levels:
                values[leaf.code] = min(rule.levels, key=lambda lv: abs(lv - want))
            else:
                values[leaf.code] = want.quantize(Decimal("0.25"))
        elif isinstance(rule, YesNoRule):
            values[leaf.code] = Decimal(1 if rng.random() < float(q0) + 0.1 else 0)
        elif isinstance(rule, TieredRule):
            value = _value_for_bands(rule.bands, want, rng)
            (facts if rule.source else values)[rule.source or leaf.code] = value
        elif isinstance(rule, RatioRule):
            value = (q * rule.threshold).quantize(Decimal("0.1"))
            (facts if rule.source else values)[rule.source or leaf.code] = value
        elif isinstance(rule, SurveyRule):
            facts.setdefault(rule.fact_name, (q * rule.threshold).quantize(CENT))
        elif isinstance(rule, MetricRule):
            value = (
                _value_for_bands(rule.bands, want, rng)
                if rule.bands
                else (q * rule.threshold).quantize(Decimal("0.1"))
            )
            facts.setdefault(rule.metric, min(value, Decimal(100)))
    adjustments: dict[str, Decimal] = {}
    shift = Decimal(0)
    for item in framework.adjustments:
        if rng.random() < 0.15:
            adjustments[item.code] = Decimal(1)
            points = min(item.max, item.points_each)
            shift += points if item.kind == "bonus" else -points
    base_target = target - shift
    if not Decimal(0) <= base_target <= Decimal(100):
        adjustments, base_target = {}, target
    agency_input = AgencyInput(
        agency=agency,
        name=name,
        agency_type=agency_type,
        values=values,
        facts=facts,
        adjustments=adjustments,
        leaders=leaders,
    )
    return agency_input, base_target


def _absorbers(framework: Framework) -> list[Node]:
    """Leaves whose points can be set to any value in [0, max] through their entered value."""
    return [
        leaf
        for leaf in leaves(framework.nodes)
        if (isinstance(leaf.rule, ManualRule) and not leaf.rule.levels)
        or (
            isinstance(leaf.rule, RatioRule)
            and not leaf.rule.source
            and leaf.rule.floor_below is None
        )
    ]


def balanced_input(
    framework: Framework,
    agency: str,
    name: str,
    agency_type: str,
    target: Decimal,
    seed: int,
    leaders: tuple[LeaderInput, ...] = (),
) -> AgencyInput:
    """Inputs whose engine result is exactly ``target`` (final index, 2 decimals).

    Tries successive draws from ``seed`` until the absorbing leaves can take up the difference.
    """
    absorbers = _absorbers(framework)
    for attempt in range(200):
        rng = random.Random(seed * 1000 + attempt)
        agency_input, base_target = draft_input(
            framework, agency, name, agency_type, target, rng, leaders
        )
        values = dict(agency_input.values)
        for _ in range(4):
            candidate = _replace_values(agency_input, values)
            result = score_agency(framework, candidate)
            if result.final == target:
                return candidate
            wanted = (base_target * result.base_max / 100).quantize(CENT, ROUND_HALF_UP)
            diff = wanted - result.base_points
            for leaf in absorbers:
                if diff == 0:
                    break
                current = result.nodes[leaf.code].points
                step = max(min(diff, leaf.max_points - current), -current)
                points = current + step
                diff -= step
                rule = leaf.rule
                if isinstance(rule, RatioRule):
                    values[leaf.code] = (points * rule.threshold / leaf.max_points).quantize(
                        Decimal("0.0001"), ROUND_HALF_UP
                    )
                else:
                    values[leaf.code] = points
            if diff != 0:
                break
    raise RuntimeError(f"could not build demo inputs for {agency} at {target}")


def _replace_values(agency_input: AgencyInput, values: dict[str, Decimal]) -> AgencyInput:
    from dataclasses import replace

    return replace(agency_input, values=dict(values))
