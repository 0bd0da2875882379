"""Properties over generated frameworks and inputs: bounds, additivity, locality of N/A,
monotonicity, ranking and classification consistency."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal as D

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chiso.engine import (
    Adjustment,
    AgencyInput,
    AgencyResult,
    Band,
    ClassBand,
    Framework,
    LeaderInput,
    LeaderPolicy,
    ManualRule,
    MetricRule,
    Node,
    NotApplicable,
    RatioRule,
    Rounding,
    Rule,
    SurveyRule,
    TieredRule,
    YesNoRule,
    check_inputs,
    classify,
    score_agency,
    score_block,
)

SETTINGS = settings(max_examples=60, deadline=None)
VALUES = st.decimals(min_value=-20, max_value=150, places=2)


def quarters(maximum: D) -> st.SearchStrategy[D]:
    """Multiples of 0.25 in [0, maximum]."""
    return st.integers(0, int(maximum * 4)).map(lambda q: D(q) / 4)


def walk(nodes: tuple[Node, ...]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from walk(node.children)


def leaves(fw: Framework) -> list[Node]:
    return [n for n in walk(fw.nodes) if n.is_leaf]


def source(node: Node) -> str | None:
    """Where a leaf's input lives: a fact name, or None for values[code]."""
    match node.rule:
        case TieredRule() | RatioRule():
            return node.rule.source
        case SurveyRule():
            return node.rule.fact_name
        case MetricRule():
            return node.rule.metric
    return None


def is_monotone(rule: Rule | None) -> bool:
    """Rules whose points never fall as the value rises (given sane bands and floors)."""
    if isinstance(rule, TieredRule):
        return all(band.lte is None for band in rule.bands)
    return isinstance(rule, RatioRule | SurveyRule | MetricRule)


# ---------------------------------------------------------------------------- strategies


@st.composite
def falling_bands(draw: st.DrawFn, maximum: D, lower_is_better: bool = False) -> tuple[Band, ...]:
    """Sane bands: the better the value, the more points (never fewer)."""
    n = draw(st.integers(1, 3))
    bounds = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n, unique=True))
    points = sorted(draw(st.lists(quarters(maximum), min_size=n + 1, max_size=n + 1)), reverse=True)
    if lower_is_better:
        bands = [Band(p, lte=D(b)) for b, p in zip(sorted(bounds), points, strict=False)]
    else:
        ordered = sorted(bounds, reverse=True)
        bands = [Band(p, gte=D(b)) for b, p in zip(ordered, points, strict=False)]
    return (*bands, Band(points[-1]))


@st.composite
def rules(draw: st.DrawFn, code: str, maximum: D) -> Rule:
    kind = draw(st.sampled_from(["manual", "yes_no", "tiered", "ratio", "survey", "metric"]))
    fact = draw(st.sampled_from([None, f"fact.{code}"]))
    threshold = D(draw(st.integers(50, 100)))
    if kind == "manual":
        levels = draw(st.sampled_from([(), (D(0), maximum / 2, maximum)]))
        return ManualRule(levels)
    if kind == "yes_no":
        return YesNoRule(draw(quarters(maximum)))
    if kind == "tiered":
        return TieredRule(draw(falling_bands(maximum, draw(st.booleans()))), source=fact)
    if kind == "ratio":
        if not draw(st.booleans()):
            return RatioRule(threshold, source=fact)
        below = D(draw(st.integers(1, int(threshold))))
        # Floor points no higher than the ratio at the floor, else raising the value could lose.
        floor_points = draw(quarters(maximum * below / threshold))
        return RatioRule(threshold, fact, below, floor_points)
    if kind == "survey":
        return SurveyRule(draw(st.sampled_from(["s0", "s1"])), threshold)
    bands = draw(st.sampled_from([(), draw(falling_bands(maximum))]))
    return MetricRule(f"metric.{code}", bands, threshold)


@st.composite
def frameworks(draw: st.DrawFn, na_everywhere: bool = False) -> Framework:
    na = (
        st.just(NotApplicable(True))
        if na_everywhere
        else st.sampled_from([NotApplicable(), NotApplicable(True), NotApplicable(True, ("so",))])
    )

    def make_leaf(code: str) -> Node:
        maximum = D(draw(st.integers(1, 20))) / 4
        return Node(code, code, maximum, rule=draw(rules(code, maximum)), not_applicable=draw(na))

    def make_inner(code: str, children: list[Node]) -> Node:
        total = sum((c.max_points for c in children), D(0))
        return Node(code, code, total, tuple(children), not_applicable=draw(na))

    fields = []
    for f in range(1, draw(st.integers(1, 3)) + 1):
        criteria = []
        for c in range(1, draw(st.integers(1, 3)) + 1):
            code = f"{f}.{c}"
            if draw(st.integers(0, 2)) == 0:
                subs = [make_leaf(f"{code}.{s}") for s in range(1, draw(st.integers(1, 2)) + 1)]
                criteria.append(make_inner(code, subs))
            else:
                criteria.append(make_leaf(code))
        fields.append(make_inner(str(f), criteria))

    adjustments = tuple(
        Adjustment(f"{kind[0].upper()}{i}", "", kind, draw(quarters(D(2))), draw(quarters(D(3))))
        for kind in ("bonus", "penalty")
        for i in range(draw(st.integers(0, 2)))
    )
    gtes = sorted(draw(st.lists(st.integers(1, 100), max_size=4, unique=True)), reverse=True)
    scale = [ClassBand(f"L{g}", D(g)) for g in gtes]
    if draw(st.booleans()):
        scale.append(ClassBand("bottom"))
    codes = [n.code for n in walk(tuple(fields))]
    keys = st.sampled_from(
        ["base", "bonus", "penalty", "survey", "name", *(f"node:{c}" for c in codes)]
    )
    return Framework(
        "prop",
        2025,
        1,
        "",
        sum((f.max_points for f in fields), D(0)),
        tuple(fields),
        adjustments=adjustments,
        bonus_cap=draw(quarters(D(5))),
        penalty_cap=draw(quarters(D(5))),
        classification=tuple(scale),
        tie_break=("final", *draw(st.lists(keys, max_size=3, unique=True))),
        rounding=Rounding(
            draw(st.integers(0, 3)),
            draw(st.integers(0, 3)),
            draw(st.sampled_from(["half_up", "half_even", "down"])),
        ),
        leaders=LeaderPolicy(D(draw(st.integers(0, 10))) / 10),
    )


@st.composite
def agency_inputs(draw: st.DrawFn, fw: Framework, code: str = "A") -> AgencyInput:
    values: dict[str, D] = {}
    facts: dict[str, D] = {}
    for node in leaves(fw):
        if draw(st.integers(0, 9)) == 0:
            continue  # missing input
        rule = node.rule
        if isinstance(rule, ManualRule):
            levels = rule.levels or None
            values[node.code] = draw(
                st.sampled_from(levels) if levels else st.decimals(0, node.max_points, places=3)
            )
        elif isinstance(rule, YesNoRule):
            values[node.code] = D(draw(st.integers(0, 1)))
        else:
            name = source(node)
            (values if name is None else facts)[name or node.code] = draw(VALUES)
    agency_type = draw(st.sampled_from(["so", "xa"]))
    allowed = [
        n.code
        for n in walk(fw.nodes)
        if n.not_applicable.allowed
        and (not n.not_applicable.agency_types or agency_type in n.not_applicable.agency_types)
    ]
    na = draw(st.lists(st.sampled_from(allowed), max_size=2, unique=True)) if allowed else []
    codes = [n.code for n in walk(fw.nodes)]
    agency = AgencyInput(
        code,
        draw(st.sampled_from(["Sở A", "Sở B", "Sở C"])),
        agency_type,
        values,
        frozenset(na),
        facts,
        {a.code: D(draw(st.integers(0, 4))) for a in fw.adjustments},
        (
            LeaderInput("h", "H", "head"),
            LeaderInput(
                "d", "D", "deputy", tuple(draw(st.lists(st.sampled_from(codes), max_size=3)))
            ),
        ),
    )
    assume(not check_inputs(fw, [agency]))  # e.g. every field marked N/A
    return agency


@st.composite
def cases(draw: st.DrawFn, na_everywhere: bool = False) -> tuple[Framework, AgencyInput]:
    fw = draw(frameworks(na_everywhere))
    return fw, draw(agency_inputs(fw))


# ---------------------------------------------------------------------------- properties


@SETTINGS
@given(cases())
def test_points_are_bounded_and_add_up(case):
    fw, agency = case
    result = score_agency(fw, agency)
    for node in walk(fw.nodes):
        got = result.nodes[node.code]
        assert 0 <= got.points <= node.max_points
        assert 0 <= got.applicable_max <= node.max_points
        assert got.percent is None or 0 <= got.percent <= 100
        if node.children:
            assert got.points == sum((result.nodes[c.code].points for c in node.children), D(0))
    assert result.base_points == sum((result.nodes[f.code].points for f in fw.nodes), D(0))
    assert 0 <= result.base_percent <= 100
    assert fw.final_min <= result.final <= fw.final_max
    for leader in result.leaders:
        if leader.assigned_percent is None:
            assert leader.score == result.final
        else:
            low, high = sorted([leader.assigned_percent, result.final])
            assert low <= leader.score <= high


@SETTINGS
@given(cases(na_everywhere=True), st.data())
def test_not_applicable_changes_only_its_subtree_and_ancestors(case, data):
    fw, agency = case
    target = data.draw(st.sampled_from([n for n in walk(fw.nodes)]))
    marked = dataclasses.replace(agency, not_applicable=agency.not_applicable | {target.code})
    assume(not check_inputs(fw, [marked]))
    before, after = score_agency(fw, agency), score_agency(fw, marked)
    subtree = {n.code for n in walk((target,))}
    ancestors = {
        n.code for n in walk(fw.nodes) if target.code in {d.code for d in walk(n.children)}
    }
    lost = before.nodes[target.code]
    for code, was in before.nodes.items():
        now = after.nodes[code]
        if code in subtree:
            assert now.not_applicable and now.points == 0 and now.applicable_max == 0
        elif code in ancestors:
            assert was.points - now.points == lost.points
            assert was.applicable_max - now.applicable_max == lost.applicable_max
        else:
            assert (now.points, now.applicable_max, now.percent, now.not_applicable) == (
                was.points,
                was.applicable_max,
                was.percent,
                was.not_applicable,
            )


@SETTINGS
@given(cases(), st.data())
def test_raising_a_value_never_lowers_points(case, data):
    fw, agency = case
    candidates = [n for n in leaves(fw) if is_monotone(n.rule)]
    assume(candidates)
    node = data.draw(st.sampled_from(candidates))
    name = source(node)
    where = "values" if name is None else "facts"
    key = name or node.code
    start = getattr(agency, where).get(key, data.draw(VALUES))
    step = data.draw(st.decimals(min_value=D("0.01"), max_value=100, places=2))

    def with_value(value: D) -> AgencyResult:
        inputs = dataclasses.replace(agency, **{where: {**getattr(agency, where), key: value}})
        return score_agency(fw, inputs)

    low, high = with_value(start), with_value(start + step)
    assert high.nodes[node.code].points >= low.nodes[node.code].points
    assert high.base_points >= low.base_points
    assert high.base_percent >= low.base_percent
    assert high.final >= low.final


def rank_key(result: AgencyResult, fw: Framework) -> tuple[D | str, ...]:
    """The tie-break keys as the docs state them, made ascending for comparison."""
    surveys = [n.code for n in leaves(fw) if isinstance(n.rule, SurveyRule)]
    named = {
        "final": result.final,
        "base": result.base_percent,
        "bonus": result.bonus,
        "penalty": result.penalty,
        "survey": sum((result.nodes[c].points for c in surveys), D(0)),
    }
    # Higher is better for every number but the penalty; names sort alphabetically.
    return tuple(
        result.name
        if key == "name"
        else result.penalty
        if key == "penalty"
        else -(named[key] if key in named else result.nodes[key[5:]].points)
        for key in fw.tie_break
    )


@st.composite
def blocks(draw: st.DrawFn) -> tuple[Framework, list[AgencyInput]]:
    fw = draw(frameworks())
    count = draw(st.integers(2, 5))
    return fw, [draw(agency_inputs(fw, f"A{i}")) for i in range(count)]


@SETTINGS
@given(blocks())
def test_ranking_follows_the_scores(block):
    fw, inputs = block
    ranked = score_block(fw, inputs).agencies
    assert sorted(r.agency for r in ranked) == sorted(i.agency for i in inputs)
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked)
    for a in ranked:
        # Competition ranking: 1 + the number of agencies strictly ahead on the keys.
        ahead = [b for b in ranked if rank_key(b, fw) < rank_key(a, fw)]
        assert a.rank == 1 + len(ahead)
        for b in ranked:
            if a.final > b.final:
                assert a.rank < b.rank
            if rank_key(a, fw) == rank_key(b, fw):
                assert a.rank == b.rank


@SETTINGS
@given(
    st.lists(st.integers(0, 100), min_size=1, max_size=5, unique=True),
    st.booleans(),
    st.decimals(min_value=-10, max_value=110, places=2),
    st.decimals(min_value=-10, max_value=110, places=2),
)
def test_classification_is_monotone_in_the_score(gtes, catch_all, x, y):
    scale = [ClassBand(f"L{g}", D(g)) for g in sorted(gtes, reverse=True)]
    if catch_all:
        scale.append(ClassBand("bottom"))
    labels = [band.label for band in scale]

    def position(score: D) -> int:
        label = classify(score, scale)
        return len(labels) if label is None else labels.index(label)

    low, high = sorted([x, y])
    assert position(high) <= position(low)
