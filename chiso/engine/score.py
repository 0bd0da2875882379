"""Score agencies against a framework: leaf rules, sums, index, bonus and penalty; then class,
rank (:mod:`chiso.engine.ranking`) and leader scores (:mod:`chiso.engine.leaders`).

Pure functions over :mod:`chiso.engine.model`; no I/O. Each public function checks its inputs
first (:func:`~chiso.engine.checks.check_inputs`) and raises :class:`ProblemsError` listing every
problem. The formulas are documented in docs/engine.md; references below are to par-index.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, localcontext

from .arithmetic import CONTEXT, HUNDRED, ONE, ZERO, clamp, percent_of, round_to
from .checks import check_inputs
from .leaders import score_leader
from .model import (
    AgencyInput,
    Band,
    Framework,
    ManualRule,
    MetricRule,
    Node,
    RatioRule,
    Rounding,
    Rule,
    SurveyRule,
    TieredRule,
    YesNoRule,
    iter_nodes,
    rule_fact,
)
from .problems import Problem, ProblemsError
from .ranking import classify, rank
from .results import (
    AdjustmentResult,
    AgencyResult,
    BlockResult,
    Explanation,
    NodeResult,
    Step,
)

Round = Callable[[Decimal], Decimal]


# ---------------------------------------------------------------------------- public interface


def score_agency(framework: Framework, agency_input: AgencyInput) -> AgencyResult:
    """Score one agency (``rank`` stays None). Raises :class:`ProblemsError` on bad inputs."""
    with localcontext(CONTEXT):
        _raise_problems(check_inputs(framework, [agency_input]))
        return _score(framework, agency_input)


def score_block(framework: Framework, inputs: Sequence[AgencyInput]) -> BlockResult:
    """Score and rank every agency of one block; agencies come back in rank order.

    Raises :class:`ProblemsError` with every problem of every agency if any input is wrong.
    """
    with localcontext(CONTEXT):
        _raise_problems(check_inputs(framework, inputs))
        ranked = rank(framework, [_score(framework, agency) for agency in inputs])
        counts = {band.label: 0 for band in framework.classification}
        for result in ranked:
            if result.classification in counts:
                counts[result.classification] += 1
        mean = None
        if ranked:
            total = sum((r.final for r in ranked), ZERO)
            mean = round_to(total / len(ranked), framework.rounding.percent, framework.rounding)
        return BlockResult(
            framework.code, framework.year, framework.version, tuple(ranked), mean, counts
        )


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise ProblemsError(problems)


# ---------------------------------------------------------------------------- leaves


def _bands(
    bands: Iterable[Band], value: Decimal, rnd: Round, unit: str | None = None
) -> tuple[Decimal, list[Step]]:
    """Points of the first band that holds; a band with both bounds needs both to hold.

    ``unit`` is given for a value the agency entered, so that the step names it ("số ngày");
    a value read from data is named by its fact step."""
    named: dict[str, str] = {} if unit is None else {"unit": unit}
    for band in bands:
        if band.gte is not None and band.lte is not None:
            holds, kind = band.gte <= value <= band.lte, "band_range"
        elif band.gte is not None:
            holds, kind = value >= band.gte, "band_gte"
        elif band.lte is not None:
            holds, kind = value <= band.lte, "band_lte"
        else:
            holds, kind = True, "band_else"
        if holds:
            bounds = {k: v for k, v in (("gte", band.gte), ("lte", band.lte)) if v is not None}
            values = {**named, "value": value, **bounds, "points": rnd(band.points)}
            return band.points, [Step(kind, values)]
    return ZERO, [Step("band_none", {**named, "value": value})]


def _ratio(
    value: Decimal,
    threshold: Decimal,
    maximum: Decimal,
    rnd: Round,
    floor: tuple[Decimal, Decimal] | None = None,
) -> tuple[Decimal, list[Step]]:
    """max × min(1, value / threshold) — "Điểm = Tỷ lệ × điểm tối đa" (par-index.md §4); below
    ``floor = (floor_below, floor_points)`` the floor points instead."""
    if floor is not None and value < floor[0]:
        below, points = floor
        return points, [
            Step("floor", {"value": value, "floor_below": below, "points": rnd(points)})
        ]
    raw = maximum * min(ONE, value / threshold)
    values = {"value": value, "threshold": threshold, "max": maximum, "points": rnd(raw)}
    return raw, [Step("ratio", values)]


def _raw_points(
    rule: Rule, maximum: Decimal, value: Decimal, rnd: Round
) -> tuple[Decimal, list[Step]]:
    match rule:
        case ManualRule():
            return value, [Step("entered", {"points": rnd(value)})]
        case YesNoRule():
            if value == 1:
                return maximum, [Step("yes", {"points": rnd(maximum)})]
            return rule.no_points, [Step("no", {"points": rnd(rule.no_points)})]
        case TieredRule():
            # Only an entered value with a unit gets a name: a bare number has none to add.
            entered_unit = rule.unit if rule.source is None and rule.unit else None
            return _bands(rule.bands, value, rnd, entered_unit)
        case RatioRule():
            floor = None if rule.floor_below is None else (rule.floor_below, rule.floor_points)
            return _ratio(value, rule.threshold, maximum, rnd, floor)
        case SurveyRule():
            return _ratio(value, rule.threshold, maximum, rnd)
        case MetricRule():
            if rule.bands:
                return _bands(rule.bands, value, rnd)
            return _ratio(value, rule.threshold, maximum, rnd)


def _score_leaf(node: Node, agency: AgencyInput, rounding: Rounding) -> NodeResult:
    """A leaf's points, rounded here and only here: sums above are exact sums of these."""
    # A leaf without a rule takes points entered directly, the most common criterion form.
    rule = node.rule or ManualRule()
    fact = rule_fact(rule)
    name = node.code if fact is None else fact
    value = agency.values.get(name) if fact is None else agency.facts.get(name)

    def rnd(v: Decimal) -> Decimal:
        return round_to(v, rounding.points, rounding)

    if value is None:
        # Missing data scores 0 and is flagged, so that a block can still be scored and shown
        # with its gaps rather than refused.
        points = rnd(ZERO)
        missing = (
            Step("missing_value", {"points": points})
            if fact is None
            else Step("missing_fact", {"name": name, "points": points})
        )
        explanation = Explanation(rule.type, {}, (missing,), points)
    else:
        raw, steps = _raw_points(rule, node.max_points, value, rnd)
        if fact is not None:
            steps.insert(0, Step("fact", {"name": name, "value": value}))
        # Rounding a clamped value cannot leave [0, max] unless max has more places than the
        # rounding keeps; then max itself is the most a leaf can get.
        points = min(rnd(clamp(raw, ZERO, node.max_points)), node.max_points)
        if points != rnd(raw):
            steps.append(Step("clamp", {"max": node.max_points, "points": points}))
        explanation = Explanation(rule.type, {name: value}, tuple(steps), points)
    percent = percent_of(points, node.max_points, rounding)
    return NodeResult(
        node.code,
        node.title,
        points,
        node.max_points,
        node.max_points,
        percent,
        False,
        explanation,
        missing_input=value is None,
    )


# ---------------------------------------------------------------------------- tree


def _not_applicable(node: Node, rounding: Rounding, root: str) -> NodeResult:
    """A node in a subtree marked N/A at ``root``: 0 points and nothing in the denominator —
    the re-normalisation recommended in par-index.md §1.2 (the national rule is not known)."""
    steps = [Step("not_applicable", {"max": node.max_points})]
    if root != node.code:
        steps.insert(0, Step("inherited", {"code": root}))
    points = round_to(ZERO, rounding.points, rounding)
    explanation = Explanation("not_applicable", {}, tuple(steps), points)
    return NodeResult(node.code, node.title, points, node.max_points, ZERO, None, True, explanation)


def _score_node(
    node: Node, agency: AgencyInput, rounding: Rounding, na_root: str | None
) -> list[NodeResult]:
    """Results of ``node`` and its subtree, ``node`` first."""
    if na_root is None and node.code in agency.not_applicable:
        na_root = node.code
    if na_root is not None:
        return [_not_applicable(n, rounding, na_root) for n in iter_nodes([node])]
    if node.is_leaf:
        return [_score_leaf(node, agency, rounding)]
    subtrees = [_score_node(child, agency, rounding, None) for child in node.children]
    kids = [subtree[0] for subtree in subtrees]
    applicable = [kid for kid in kids if not kid.not_applicable]
    points = sum((kid.points for kid in kids), ZERO)
    # The node's own maximum less whatever N/A removed below it (par-index.md §1.2), so that a
    # field's percent is "achieved / max excluding N/A" as for the whole index.
    applicable_max = node.max_points - sum((k.max_points - k.applicable_max for k in kids), ZERO)
    percent = percent_of(points, applicable_max, rounding)
    terms = tuple(kid.points for kid in applicable) or (points,)
    steps = [Step("sum", {"terms": terms, "points": points})]
    if percent is not None:
        steps.append(Step("percent", {"points": points, "max": applicable_max, "percent": percent}))
    explanation = Explanation(
        "sum", {kid.code: kid.points for kid in applicable}, tuple(steps), points
    )
    own = NodeResult(
        node.code,
        node.title,
        points,
        node.max_points,
        applicable_max,
        percent,
        False,
        explanation,
        missing_input=any(kid.missing_input for kid in kids),
    )
    return [own, *(result for subtree in subtrees for result in subtree)]


# ---------------------------------------------------------------------------- agency


def _adjustments(framework: Framework, agency: AgencyInput) -> tuple[AdjustmentResult, ...]:
    results = []
    for item in framework.adjustments:
        count = agency.adjustments.get(item.code, ZERO)
        points = min(item.max, count * item.points_each)
        results.append(AdjustmentResult(item.code, item.title, item.kind, count, points, item.max))
    return tuple(results)


def _capped(
    adjustments: Iterable[AdjustmentResult], kind: str, cap: Decimal, rounding: Rounding
) -> Decimal:
    """The points of one side, bonus or penalty: its items added up, then capped."""
    total = sum((a.points for a in adjustments if a.kind == kind), ZERO)
    return round_to(min(cap, total), rounding.points, rounding)


def _score(framework: Framework, agency: AgencyInput) -> AgencyResult:
    rounding = framework.rounding
    nodes: dict[str, NodeResult] = {}
    fields = []
    for top in framework.nodes:
        subtree = _score_node(top, agency, rounding, None)
        fields.append(subtree[0])
        nodes.update((result.code, result) for result in subtree)
    # Index = achieved / (max − max of N/A items) × 100 (par-index.md §1.2).
    base_points = sum((f.points for f in fields), ZERO)
    not_applicable_max = sum((f.max_points - f.applicable_max for f in fields), ZERO)
    # Written this way so that "100" stays "100" (not "100.0") in explanations when nothing is N/A.
    base_max = (
        framework.total_points - not_applicable_max
        if not_applicable_max
        else framework.total_points
    )
    base_percent = round_to(HUNDRED * base_points / base_max, rounding.percent, rounding)

    # Bonus and penalty come after the 100-point index, each item and each side capped
    # (par-index.md §2.5); the result is clamped, by default to [0, 100].
    adjustments = _adjustments(framework, agency)
    bonus = _capped(adjustments, "bonus", framework.bonus_cap, rounding)
    penalty = _capped(adjustments, "penalty", framework.penalty_cap, rounding)
    raw_final = base_percent + bonus - penalty
    final = round_to(
        clamp(raw_final, framework.final_min, framework.final_max), rounding.percent, rounding
    )
    classification = classify(final, framework.classification)

    steps = [Step("percent", {"points": base_points, "max": base_max, "percent": base_percent})]
    kinds = {a.kind for a in framework.adjustments}
    if "bonus" in kinds:
        steps.append(Step("bonus", {"points": bonus, "cap": framework.bonus_cap}))
    if "penalty" in kinds:
        steps.append(Step("penalty", {"points": penalty, "cap": framework.penalty_cap}))
    shown = round_to(raw_final, rounding.percent, rounding)
    if kinds:
        parts = {"base": base_percent, "bonus": bonus, "penalty": penalty, "final": shown}
        steps.append(Step("final", parts))
    if final != shown:
        limits = {"low": framework.final_min, "high": framework.final_max, "final": final}
        steps.append(Step("limit", limits))
    if classification is not None:
        steps.append(Step("class", {"label": classification}))
    inputs = {"base_points": base_points, "base_max": base_max, "bonus": bonus, "penalty": penalty}
    explanation = Explanation("total", inputs, tuple(steps), final)

    leaders = tuple(score_leader(framework, leader, nodes, final) for leader in agency.leaders)
    return AgencyResult(
        agency=agency.agency,
        name=agency.name,
        nodes=nodes,
        base_points=base_points,
        base_max=base_max,
        base_percent=base_percent,
        bonus=bonus,
        penalty=penalty,
        adjustments=adjustments,
        final=final,
        classification=classification,
        leaders=leaders,
        explanation=explanation,
    )
