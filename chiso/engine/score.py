"""Score agencies against a framework: leaf rules, sums, index, bonus and penalty, class, rank
and leader scores.

Pure functions over :mod:`chiso.engine.model`; no I/O. Each public function checks its inputs
first (:func:`check_inputs`) and raises :class:`ProblemsError` listing every problem. The
formulas are documented in docs/engine.md; references below are to par-index.md.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)

from .model import (
    AgencyInput,
    Band,
    ClassBand,
    Framework,
    LeaderInput,
    ManualRule,
    MetricRule,
    Node,
    RatioRule,
    Rounding,
    Rule,
    SurveyRule,
    TieredRule,
    YesNoRule,
)
from .problems import Problem, ProblemsError
from .results import (
    AdjustmentResult,
    AgencyResult,
    BlockResult,
    Explanation,
    LeaderScore,
    NodeResult,
    Step,
    format_decimal,
)

# 60 significant digits keep every sum of points exact and every quotient far more precise than
# any rounding place a framework asks for, so the only rounding is the framework's own.
_CONTEXT = Context(
    prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)
_MODES = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
TIE_BREAK_KEYS = ("final", "base", "bonus", "penalty", "survey", "name")

Round = Callable[[Decimal], Decimal]


# ---------------------------------------------------------------------------- public interface


def score_agency(framework: Framework, agency_input: AgencyInput) -> AgencyResult:
    """Score one agency (``rank`` stays None). Raises :class:`ProblemsError` on bad inputs."""
    with localcontext(_CONTEXT):
        _raise_problems(check_inputs(framework, [agency_input]))
        return _score(framework, agency_input)


def score_block(framework: Framework, inputs: Sequence[AgencyInput]) -> BlockResult:
    """Score and rank every agency of one block; agencies come back in rank order.

    Raises :class:`ProblemsError` with every problem of every agency if any input is wrong.
    """
    with localcontext(_CONTEXT):
        _raise_problems(check_inputs(framework, inputs))
        ranked = _rank(framework, [_score(framework, agency) for agency in inputs])
        counts = {band.label: 0 for band in framework.classification}
        for result in ranked:
            if result.classification in counts:
                counts[result.classification] += 1
        mean = None
        if ranked:
            total = sum((r.final for r in ranked), ZERO)
            mean = _round(total / len(ranked), framework.rounding.percent, framework.rounding)
        return BlockResult(
            framework.code, framework.year, framework.version, tuple(ranked), mean, counts
        )


def classify(score: Decimal, scale: Sequence[ClassBand]) -> str | None:
    """The label of the first band (in scale order) with no lower bound or ``score >= gte``;
    None when no band holds (a scale without a catch-all)."""
    for band in scale:
        if band.gte is None or score >= band.gte:
            return band.label
    return None


def check_inputs(framework: Framework, inputs: Sequence[AgencyInput]) -> list[Problem]:
    """Every problem in ``inputs`` (and in the framework's tie-break keys), never just the first.

    ``where`` names the agency and the node, adjustment or fact concerned.
    """
    with localcontext(_CONTEXT):
        index = {node.code: node for node in _walk(framework.nodes)}
        problems = _check_tie_break(framework, index)
        for agency, count in Counter(a.agency for a in inputs).items():
            if count > 1:
                problems.append(_problem("duplicate_agency", agency, count=count))
        for agency_input in inputs:
            problems += _check_agency(framework, index, agency_input)
        return problems


# ---------------------------------------------------------------------------- numbers


def _round(value: Decimal, places: int, rounding: Rounding) -> Decimal:
    return value.quantize(ONE.scaleb(-places), rounding=_MODES[rounding.mode])


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    # "<=" rather than "<" so that a negative zero comes out as ``low`` itself.
    if value <= low:
        return low
    return high if value >= high else value


def _percent(points: Decimal, maximum: Decimal, rounding: Rounding) -> Decimal | None:
    if maximum == 0:
        return None
    return _round(HUNDRED * points / maximum, rounding.percent, rounding)


# ---------------------------------------------------------------------------- leaves


def _source(rule: Rule) -> str | None:
    """The fact a rule reads, or None when it reads the value entered for the node."""
    match rule:
        case TieredRule() | RatioRule():
            return rule.source
        case SurveyRule():
            return rule.fact_name
        case MetricRule():
            return rule.metric
    return None


def _bands(bands: Iterable[Band], value: Decimal, rnd: Round) -> tuple[Decimal, list[Step]]:
    """Points of the first band that holds; a band with both bounds needs both to hold."""
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
            return band.points, [Step(kind, {"value": value, **bounds, "points": rnd(band.points)})]
    return ZERO, [Step("band_none", {"value": value})]


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
            return _bands(rule.bands, value, rnd)
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
    fact = _source(rule)
    name = node.code if fact is None else fact
    value = agency.values.get(name) if fact is None else agency.facts.get(name)

    def rnd(v: Decimal) -> Decimal:
        return _round(v, rounding.points, rounding)

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
        points = min(rnd(_clamp(raw, ZERO, node.max_points)), node.max_points)
        if points != rnd(raw):
            steps.append(Step("clamp", {"max": node.max_points, "points": points}))
        explanation = Explanation(rule.type, {name: value}, tuple(steps), points)
    percent = _percent(points, node.max_points, rounding)
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


def _walk(nodes: Iterable[Node]) -> Iterator[Node]:
    """Every node in tree order: each node, then its subtree."""
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _not_applicable(node: Node, rounding: Rounding, root: str) -> NodeResult:
    """A node in a subtree marked N/A at ``root``: 0 points and nothing in the denominator —
    the re-normalisation recommended in par-index.md §1.2 (the national rule is not known)."""
    steps = [Step("not_applicable", {"max": node.max_points})]
    if root != node.code:
        steps.insert(0, Step("inherited", {"code": root}))
    points = _round(ZERO, rounding.points, rounding)
    explanation = Explanation("not_applicable", {}, tuple(steps), points)
    return NodeResult(node.code, node.title, points, node.max_points, ZERO, None, True, explanation)


def _score_node(
    node: Node, agency: AgencyInput, rounding: Rounding, na_root: str | None
) -> list[NodeResult]:
    """Results of ``node`` and its subtree, ``node`` first."""
    if na_root is None and node.code in agency.not_applicable:
        na_root = node.code
    if na_root is not None:
        return [_not_applicable(n, rounding, na_root) for n in _walk([node])]
    if node.is_leaf:
        return [_score_leaf(node, agency, rounding)]
    subtrees = [_score_node(child, agency, rounding, None) for child in node.children]
    kids = [subtree[0] for subtree in subtrees]
    applicable = [kid for kid in kids if not kid.not_applicable]
    points = sum((kid.points for kid in kids), ZERO)
    # The node's own maximum less whatever N/A removed below it (par-index.md §1.2), so that a
    # field's percent is "achieved / max excluding N/A" as for the whole index.
    applicable_max = node.max_points - sum((k.max_points - k.applicable_max for k in kids), ZERO)
    percent = _percent(points, applicable_max, rounding)
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
    base_percent = _round(HUNDRED * base_points / base_max, rounding.percent, rounding)

    # Bonus and penalty come after the 100-point index, each item and each side capped
    # (par-index.md §2.5); the result is clamped, by default to [0, 100].
    adjustments = _adjustments(framework, agency)
    bonus = _round(
        min(framework.bonus_cap, sum((a.points for a in adjustments if a.kind == "bonus"), ZERO)),
        rounding.points,
        rounding,
    )
    penalty = _round(
        min(
            framework.penalty_cap,
            sum((a.points for a in adjustments if a.kind == "penalty"), ZERO),
        ),
        rounding.points,
        rounding,
    )
    raw_final = base_percent + bonus - penalty
    final = _round(
        _clamp(raw_final, framework.final_min, framework.final_max), rounding.percent, rounding
    )
    classification = classify(final, framework.classification)

    steps = [Step("percent", {"points": base_points, "max": base_max, "percent": base_percent})]
    kinds = {a.kind for a in framework.adjustments}
    if "bonus" in kinds:
        steps.append(Step("bonus", {"points": bonus, "cap": framework.bonus_cap}))
    if "penalty" in kinds:
        steps.append(Step("penalty", {"points": penalty, "cap": framework.penalty_cap}))
    shown = _round(raw_final, rounding.percent, rounding)
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

    leaders = tuple(_leader(framework, leader, nodes, final) for leader in agency.leaders)
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


# ---------------------------------------------------------------------------- leaders


def _outermost(framework: Framework, codes: Iterable[str]) -> list[str]:
    """``codes`` without those inside another of them, in tree order, so that a field and one
    of its criteria are not counted twice."""
    wanted = set(codes)
    found: list[str] = []

    def visit(nodes: Iterable[Node]) -> None:
        for node in nodes:
            if node.code in wanted:
                found.append(node.code)
            else:
                visit(node.children)

    visit(framework.nodes)
    return found


def _leader(
    framework: Framework, leader: LeaderInput, nodes: Mapping[str, NodeResult], final: Decimal
) -> LeaderScore:
    """The head takes the agency's score; a deputy blends the index of the nodes assigned to
    them with it (par-index.md §2.4: a proposal — no source rule for deputies exists)."""
    policy = framework.leaders
    rounding = framework.rounding
    scale = policy.scale or framework.classification
    assigned_percent = None
    steps: list[Step] = []
    if leader.role == "head":
        score = final
        steps.append(Step("agency_final", {"final": final}))
    else:
        codes = _outermost(framework, leader.assigned)
        points = sum((nodes[c].points for c in codes), ZERO)
        maximum = sum((nodes[c].applicable_max for c in codes), ZERO)
        assigned_percent = _percent(points, maximum, rounding)
        if assigned_percent is None:
            score = final
            steps.append(Step("no_assignment", {"final": final}))
        else:
            weight = policy.deputy_assigned_weight
            score = _round(
                weight * assigned_percent + (ONE - weight) * final, rounding.percent, rounding
            )
            share = {"points": points, "max": maximum, "percent": assigned_percent}
            steps.append(Step("assigned", {"codes": ", ".join(codes), **share}))
            blend = {"weight": weight, "assigned": assigned_percent, "rest": ONE - weight}
            steps.append(Step("blend", {**blend, "final": final, "score": score}))
    classification = classify(score, scale)
    if classification is not None:
        steps.append(Step("class", {"label": classification}))
    explanation = Explanation(leader.role, {"final": final}, tuple(steps), score)
    return LeaderScore(
        leader.id,
        leader.name,
        leader.role,
        leader.assigned,
        assigned_percent,
        score,
        classification,
        explanation,
    )


# ---------------------------------------------------------------------------- ranking


def _key(
    result: AgencyResult, keys: Sequence[str], survey_codes: Sequence[str]
) -> tuple[Decimal | str, ...]:
    """Sort key: numbers negated so that higher sorts first; ``name`` and ``penalty`` ascending."""
    parts: list[Decimal | str] = []
    for key in keys:
        if key == "name":
            parts.append(result.name)
        elif key == "final":
            parts.append(-result.final)
        elif key == "base":
            parts.append(-result.base_percent)
        elif key == "bonus":
            parts.append(-result.bonus)
        elif key == "penalty":
            # Fewer penalty points is better, so this key alone sorts ascending.
            parts.append(result.penalty)
        elif key == "survey":
            parts.append(-sum((result.nodes[c].points for c in survey_codes), ZERO))
        else:
            parts.append(-result.nodes[key.removeprefix("node:")].points)
    return tuple(parts)


def _rank(framework: Framework, results: list[AgencyResult]) -> list[AgencyResult]:
    """Competition ranking (1, 2, 2, 4): agencies equal on every tie-break key share a rank."""
    survey_codes = [
        n.code for n in _walk(framework.nodes) if n.is_leaf and isinstance(n.rule, SurveyRule)
    ]
    keyed = sorted(
        ((_key(r, framework.tie_break, survey_codes), r) for r in results), key=lambda p: p[0]
    )
    ranked: list[AgencyResult] = []
    for position, (key, result) in enumerate(keyed):
        tied = position > 0 and key == keyed[position - 1][0]
        rank = ranked[-1].rank if tied else position + 1
        ranked.append(dataclasses.replace(result, rank=rank))
    return ranked


# ---------------------------------------------------------------------------- checks

# Problem code → (Vietnamese, English) message; numbers are filled in each language's notation.
_MESSAGES: dict[str, tuple[str, str]] = {
    "duplicate_agency": (
        "Cơ quan xuất hiện {count} lần trong khối",
        "The agency appears {count} times in the block",
    ),
    "unknown_tie_break": (
        "Khóa xếp hạng khi bằng điểm '{key}' không hợp lệ",
        "Unknown tie-break key '{key}'",
    ),
    "not_finite": ("Giá trị {value} không phải là số", "Value {value} is not a finite number"),
    "unknown_node": (
        "Có giá trị nhập nhưng bộ chỉ số không có nội dung này",
        "A value is entered but the framework has no such node",
    ),
    "value_for_inner_node": (
        "Nội dung này gồm các nội dung con; hãy nhập giá trị cho các nội dung con",
        "This node has sub-items; enter values for them instead",
    ),
    "value_for_fact": (
        "Nội dung này tính từ dữ liệu {fact}; giá trị nhập sẽ không được dùng",
        "This node is scored from the fact {fact}; an entered value would be ignored",
    ),
    "points_out_of_range": (
        "Điểm {value} nằm ngoài khoảng từ 0 đến {max}",
        "Points {value} are outside 0 to {max}",
    ),
    "points_not_a_level": (
        "Điểm {value} không thuộc các mức cho phép: {levels}",
        "Points {value} are not one of the allowed levels: {levels}",
    ),
    "yes_no_value": (
        "Giá trị có/không phải là 1 (có) hoặc 0 (không), nhận được {value}",
        "A yes/no value must be 1 (yes) or 0 (no), got {value}",
    ),
    "na_unknown_node": (
        "Đánh dấu không đánh giá nhưng bộ chỉ số không có nội dung này",
        "Marked not applicable but the framework has no such node",
    ),
    "na_not_allowed": (
        "Nội dung này không được đánh dấu không đánh giá",
        "This node may not be marked not applicable",
    ),
    "na_not_for_type": (
        "Loại cơ quan '{agency_type}' không được đánh dấu không đánh giá nội dung này "
        "(chỉ: {types})",
        "Agency type '{agency_type}' may not mark this node not applicable (only: {types})",
    ),
    "all_not_applicable": (
        "Mọi nội dung đều không đánh giá; không còn điểm tối đa để tính chỉ số",
        "Every node is not applicable; no maximum is left to compute the index",
    ),
    "unknown_adjustment": (
        "Bộ chỉ số không có khoản điểm thưởng/điểm trừ này",
        "The framework has no such bonus or penalty item",
    ),
    "negative_count": ("Số lần {count} không được âm", "Count {count} must not be negative"),
    "leader_unknown_node": (
        "{leader} được phân công nội dung không có trong bộ chỉ số",
        "{leader} is assigned a node the framework does not have",
    ),
}


def _problem(code: str, where: str, **params: Decimal | str | int | tuple[Decimal, ...]) -> Problem:
    vi, en = _MESSAGES[code]

    def fill(template: str, lang: str) -> str:
        separator = ", " if lang == "en" else "; "
        shown: dict[str, object] = {}
        for name, value in params.items():
            if isinstance(value, Decimal):
                shown[name] = format_decimal(value, lang)
            elif isinstance(value, tuple):
                shown[name] = separator.join(format_decimal(v, lang) for v in value)
            else:
                shown[name] = value
        return template.format(**shown)

    return Problem(code, where, fill(vi, "vi"), fill(en, "en"), dict(params))


def _raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise ProblemsError(problems)


def _check_tie_break(framework: Framework, index: Mapping[str, Node]) -> list[Problem]:
    return [
        _problem("unknown_tie_break", "tie_break", key=key)
        for key in framework.tie_break
        if key not in TIE_BREAK_KEYS
        and not (key.startswith("node:") and key.removeprefix("node:") in index)
    ]


def _check_value(where: str, node: Node | None, value: Decimal) -> Problem | None:
    """The first thing wrong with one entered value, or None."""
    if not value.is_finite():
        return _problem("not_finite", where, value=str(value))
    if node is None:
        return _problem("unknown_node", where)
    if not node.is_leaf:
        return _problem("value_for_inner_node", where)
    rule = node.rule or ManualRule()
    fact = _source(rule)
    if fact is not None:
        return _problem("value_for_fact", where, fact=fact)
    if isinstance(rule, ManualRule):
        if not ZERO <= value <= node.max_points:
            return _problem("points_out_of_range", where, value=value, max=node.max_points)
        if rule.levels and value not in rule.levels:
            return _problem("points_not_a_level", where, value=value, levels=rule.levels)
    if isinstance(rule, YesNoRule) and value not in (ZERO, ONE):
        return _problem("yes_no_value", where, value=value)
    return None


def _check_not_applicable(agency: AgencyInput, node: Node | None, where: str) -> Problem | None:
    if node is None:
        return _problem("na_unknown_node", where)
    allowed = node.not_applicable
    if not allowed.allowed:
        return _problem("na_not_allowed", where)
    if allowed.agency_types and agency.agency_type not in allowed.agency_types:
        types = ", ".join(allowed.agency_types)
        return _problem("na_not_for_type", where, agency_type=agency.agency_type, types=types)
    return None


def _removed_max(nodes: Iterable[Node], not_applicable: frozenset[str]) -> Decimal:
    """Σ max of the outermost N/A nodes: what N/A takes out of the denominator."""
    return sum(
        (
            node.max_points
            if node.code in not_applicable
            else _removed_max(node.children, not_applicable)
            for node in nodes
        ),
        ZERO,
    )


def _check_adjustment(known: set[str], code: str, count: Decimal, where: str) -> list[Problem]:
    problems = [] if code in known else [_problem("unknown_adjustment", where)]
    if not count.is_finite():
        problems.append(_problem("not_finite", where, value=str(count)))
    elif count < 0:
        problems.append(_problem("negative_count", where, count=count))
    return problems


def _check_agency(
    framework: Framework, index: Mapping[str, Node], agency: AgencyInput
) -> list[Problem]:
    def at(code: str) -> str:
        return f"{agency.agency} › {code}"

    found: list[Problem | None] = []
    for code, value in agency.values.items():
        found.append(_check_value(at(code), index.get(code), value))
    for name, value in agency.facts.items():
        if not value.is_finite():
            found.append(_problem("not_finite", at(name), value=str(value)))
    valid = set()
    for code in sorted(agency.not_applicable):
        problem = _check_not_applicable(agency, index.get(code), at(code))
        found.append(problem)
        if problem is None:
            valid.add(code)
    # Only N/A marks that are allowed count, so that one wrong mark is not reported twice.
    if framework.total_points - _removed_max(framework.nodes, frozenset(valid)) <= 0:
        found.append(_problem("all_not_applicable", agency.agency))
    known = {a.code for a in framework.adjustments}
    for code, count in agency.adjustments.items():
        found += _check_adjustment(known, code, count, at(code))
    for leader in agency.leaders:
        for code in leader.assigned:
            if code not in index:
                found.append(
                    _problem("leader_unknown_node", at(code), leader=leader.name or leader.id)
                )
    return [problem for problem in found if problem is not None]
