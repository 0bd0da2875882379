"""Benchmark the scoring engine against a plain-float reference engine on the same data.

    .venv/bin/python benchmarks/engine.py [--agencies 130,1000] [--repeat 3] [--seed 2025]
                                          [--memory-agencies 1000]

For the 2023 department framework (so-ban-nganh-2023, 40 leaves) and the Decision 766 service
index (service-index-766-2024, 19 leaves) it draws N synthetic agencies with a seeded RNG (inputs
from the demo's ``draft_input``, plus some N/A marks, some bonus/penalty counts above 1, a few
missing values and 3 leaders each); a smaller size is a prefix of a larger one. For each size it:

- times ``score_block`` (input checks, every node explained, ranking, leader scores) and, on the
  same inputs, ``reference_block`` below: the same formulas written the obvious way with Python
  floats and no explanations; prints both, the ratio, the cyclic garbage collector's share of
  each, and ``check_inputs`` alone;
- checks the reference against chiso: finals (2 decimals), ranks, classes, every leaf's points
  and every leader's score; counts the differences and shows where the first ones come from.
  Two untimed variants of the reference show why: with Python's ``round()`` (half-even on the
  binary value) there are more differences; rounding a float's first 15 significant digits, as
  spreadsheets do, only unrounded float sums used as tie-break keys (the survey points) can
  still split a tie;
- times ``Explanation.text("vi")`` for every node, agency and leader explanation of the block.

It also times reading the shipped framework files (``load_yaml`` and ``parse_framework``) and,
with tracemalloc, the memory the results of ``--memory-agencies`` agencies keep. Times are the
best of ``--repeat`` runs (more for short figures) after a warm-up, measured with
``time.perf_counter``; the garbage collector stays on (it is part of what scoring costs) and a
collection runs before each timed run. Results and commands are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import math
import os
import platform
import random
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from chiso.demo.inputs import draft_input, leaves  # noqa: E402
from chiso.engine import (  # noqa: E402
    AgencyInput,
    BlockResult,
    Framework,
    LeaderInput,
    ManualRule,
    MetricRule,
    Node,
    RatioRule,
    SurveyRule,
    TieredRule,
    YesNoRule,
    check_inputs,
    score_block,
)
from chiso.engine.spec import parse_framework  # noqa: E402
from chiso.frameworks.yamlio import load_yaml  # noqa: E402

FRAMEWORK_DIR = ROOT / "chiso" / "data" / "frameworks"
# (file, agency type of the synthetic agencies)
BENCHED = (("so-ban-nganh-2023.yaml", "so"), ("service-index-766-2024.yaml", "so"))

NA_RATE = 0.10  # each node that allows N/A is marked N/A with this probability
READS = 5  # framework files read per timed run
MIN_TOTAL = 0.5  # seconds: short figures are run more than --repeat times, up to MAX_RUNS
MAX_RUNS = 30
EXTRA_COUNT_RATE = 0.05  # each bonus/penalty item gets a count of 2–4 (item max binds)
MISSING_RATE = 0.01  # each entered value or fact is left out (missing → 0 points)
FULL_MARKS_RATE = 0.005  # agencies with every leaf at its max and every bonus (final clamped)


# ============================================================================ synthetic data


def _walk(nodes: Sequence[Node]) -> Iterator[Node]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _leaders(fw: Framework, agency: str, rng: random.Random) -> tuple[LeaderInput, ...]:
    """A head and two deputies: one assigned two fields, one either a field plus one of its own
    criteria (counted once), three criteria anywhere, or now and then a single criterion that
    may be N/A (then the deputy takes the agency's score)."""
    fields = [node.code for node in fw.nodes]
    criteria = [child.code for node in fw.nodes for child in node.children]
    first = tuple(rng.sample(fields, 2))
    optional = [node.code for node in _walk(fw.nodes) if node.not_applicable.allowed]
    if optional and rng.random() < 0.05:
        second: tuple[str, ...] = (rng.choice(optional),)  # N/A now and then: no assignment
    elif rng.random() < 0.3:
        field = rng.choice(fw.nodes)
        second = (field.code, rng.choice(field.children).code)
    else:
        second = tuple(rng.sample(criteria, 3))
    return (
        LeaderInput(f"{agency}-1", "Giám đốc", "head"),
        LeaderInput(f"{agency}-2", "Phó Giám đốc 1", "deputy", first),
        LeaderInput(f"{agency}-3", "Phó Giám đốc 2", "deputy", second),
    )


def _best_value(bands: Sequence[Any]) -> Decimal:
    """A measured value that lands in the band giving the most points."""
    top = max(bands, key=lambda band: band.points)
    return top.gte if top.gte is not None else top.lte if top.lte is not None else Decimal(0)


def _full_marks(fw: Framework, drafted: AgencyInput) -> AgencyInput:
    """Every leaf at its maximum and every bonus item at its max: a final above 100 before the
    clamp (when the framework has bonus items)."""
    values: dict[str, Decimal] = {}
    facts: dict[str, Decimal] = {}
    for leaf in leaves(fw.nodes):
        rule = leaf.rule or ManualRule()
        if isinstance(rule, ManualRule):
            values[leaf.code] = max(rule.levels) if rule.levels else leaf.max_points
        elif isinstance(rule, YesNoRule):
            values[leaf.code] = Decimal(1)
        elif isinstance(rule, TieredRule):
            (facts if rule.source else values)[rule.source or leaf.code] = _best_value(rule.bands)
        elif isinstance(rule, RatioRule):
            (facts if rule.source else values)[rule.source or leaf.code] = rule.threshold
        elif isinstance(rule, SurveyRule):
            facts[rule.fact_name] = rule.threshold
        elif isinstance(rule, MetricRule):
            facts[rule.metric] = _best_value(rule.bands) if rule.bands else rule.threshold
    adjustments = {
        item.code: (item.max / item.points_each).to_integral_value()
        for item in fw.adjustments
        if item.kind == "bonus"
    }
    return replace(drafted, values=values, facts=facts, adjustments=adjustments)


def make_inputs(fw: Framework, n: int, agency_type: str, seed: int) -> list[AgencyInput]:
    """``n`` agencies with believable inputs around a target final drawn from N(80, 8) cut to
    [40, 100], and now and then one with full marks and every bonus."""
    rng = random.Random(seed)
    may_be_na = [node.code for node in _walk(fw.nodes) if node.not_applicable.allowed]
    out = []
    for i in range(n):
        code = f"a{i + 1:05d}"
        target = Decimal(str(round(min(100.0, max(40.0, rng.gauss(80, 8))), 2)))
        drafted, _ = draft_input(
            fw, code, f"Cơ quan {i + 1:05d}", agency_type, target, rng, _leaders(fw, code, rng)
        )
        if rng.random() < FULL_MARKS_RATE:
            out.append(_full_marks(fw, drafted))
            continue
        adjustments = dict(drafted.adjustments)
        for item in fw.adjustments:
            if rng.random() < EXTRA_COUNT_RATE:
                adjustments[item.code] = Decimal(rng.randint(2, 4))
        values = {k: v for k, v in drafted.values.items() if rng.random() >= MISSING_RATE}
        facts = {k: v for k, v in drafted.facts.items() if rng.random() >= MISSING_RATE}
        na = frozenset(c for c in may_be_na if rng.random() < NA_RATE)
        out.append(
            replace(drafted, values=values, facts=facts, adjustments=adjustments, not_applicable=na)
        )
    return out


# ============================================================================ reference engine
#
# The same formulas (docs/engine.md) as one would write them in a spreadsheet-like script:
# floats, plain dicts, no explanations, no input checks. The framework and the inputs are turned
# into floats once, outside the timed part, as if they already lay in a sheet.


def _round_half_up(x: float, places: int) -> float:
    factor = 10.0**places
    return math.floor(x * factor + 0.5) / factor


def _round_half_even(x: float, places: int) -> float:
    return round(x, places)


def _round_down(x: float, places: int) -> float:
    factor = 10.0**places
    return math.floor(x * factor) / factor


def _round_15_digits(x: float, places: int) -> float:
    """Half-up on the float's first 15 significant digits, as spreadsheets do: not timed, only
    to show that every difference comes from rounding a float that lies a hair off a half."""
    text = Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    return float(text)


FLOAT_ROUNDING = {"half_up": _round_half_up, "half_even": _round_half_even, "down": _round_down}


def _bands(bands: Sequence[Any]) -> list[tuple[float | None, float | None, float]]:
    return [
        (
            None if b.gte is None else float(b.gte),
            None if b.lte is None else float(b.lte),
            float(b.points),
        )
        for b in bands
    ]


def reference_framework(fw: Framework) -> dict[str, Any]:
    """The framework as nested dicts of floats."""

    def node(n: Node) -> dict[str, Any]:
        d: dict[str, Any] = {
            "code": n.code,
            "max": float(n.max_points),
            "children": [node(c) for c in n.children],
        }
        if n.children:
            return d
        rule = n.rule or ManualRule()
        d["type"] = rule.type
        d["fact"] = None
        if isinstance(rule, YesNoRule):
            d["no_points"] = float(rule.no_points)
        elif isinstance(rule, TieredRule):
            d["fact"], d["bands"] = rule.source, _bands(rule.bands)
        elif isinstance(rule, RatioRule):
            d["fact"], d["threshold"] = rule.source, float(rule.threshold)
            d["floor"] = (
                None
                if rule.floor_below is None
                else (float(rule.floor_below), float(rule.floor_points))
            )
        elif isinstance(rule, SurveyRule):
            d["fact"], d["threshold"], d["floor"] = rule.fact_name, float(rule.threshold), None
        elif isinstance(rule, MetricRule):
            d["fact"], d["threshold"], d["floor"] = rule.metric, float(rule.threshold), None
            d["bands"] = _bands(rule.bands)
        return d

    parents: dict[str, str | None] = {}
    for top in fw.nodes:
        stack: list[tuple[Node, str | None]] = [(top, None)]
        while stack:
            n, parent = stack.pop()
            parents[n.code] = parent
            stack.extend((c, n.code) for c in n.children)
    return {
        "nodes": [node(n) for n in fw.nodes],
        "parents": parents,
        "total": float(fw.total_points),
        "adjustments": [
            (a.code, a.kind, float(a.points_each), float(a.max)) for a in fw.adjustments
        ],
        "bonus_cap": float(fw.bonus_cap),
        "penalty_cap": float(fw.penalty_cap),
        "final_min": float(fw.final_min),
        "final_max": float(fw.final_max),
        "classes": [(b.label, None if b.gte is None else float(b.gte)) for b in fw.classification],
        "leader_classes": [
            (b.label, None if b.gte is None else float(b.gte))
            for b in (fw.leaders.scale or fw.classification)
        ],
        "weight": float(fw.leaders.deputy_assigned_weight),
        "tie_break": list(fw.tie_break),
        "survey_codes": [n.code for n in leaves(fw.nodes) if isinstance(n.rule, SurveyRule)],
        "points_places": fw.rounding.points,
        "percent_places": fw.rounding.percent,
        "mode": fw.rounding.mode,
    }


def reference_inputs(inputs: Sequence[AgencyInput]) -> list[dict[str, Any]]:
    return [
        {
            "agency": a.agency,
            "name": a.name,
            "values": {k: float(v) for k, v in a.values.items()},
            "facts": {k: float(v) for k, v in a.facts.items()},
            "na": set(a.not_applicable),
            "adjustments": {k: float(v) for k, v in a.adjustments.items()},
            "leaders": [(leader.id, leader.role, list(leader.assigned)) for leader in a.leaders],
        }
        for a in inputs
    ]


def _classify(score: float, scale: list[tuple[str, float | None]]) -> str | None:
    for label, gte in scale:
        if gte is None or score >= gte:
            return label
    return None


def reference_agency(
    fw: dict[str, Any], a: dict[str, Any], rnd: Callable[[float, int], float]
) -> dict[str, Any]:
    pp, pc = fw["points_places"], fw["percent_places"]
    points: dict[str, float] = {}
    app_max: dict[str, float] = {}
    percent: dict[str, float | None] = {}
    values, facts, na = a["values"], a["facts"], a["na"]

    def not_applicable(node: dict[str, Any]) -> None:
        points[node["code"]] = 0.0
        app_max[node["code"]] = 0.0
        percent[node["code"]] = None
        for child in node["children"]:
            not_applicable(child)

    def score(node: dict[str, Any]) -> None:
        code, mx = node["code"], node["max"]
        if code in na:
            not_applicable(node)
            return
        if node["children"]:
            total = 0.0
            removed = 0.0
            for child in node["children"]:
                score(child)
                total += points[child["code"]]
                removed += child["max"] - app_max[child["code"]]
            am = mx - removed
        else:
            value = values.get(code) if node["fact"] is None else facts.get(node["fact"])
            kind = node["type"]
            if value is None:
                raw = 0.0
            elif kind == "manual":
                raw = value
            elif kind == "yes_no":
                raw = mx if value == 1 else node["no_points"]
            elif kind == "tiered" or (kind == "metric" and node["bands"]):
                raw = 0.0
                for gte, lte, pts in node["bands"]:
                    if (gte is None or value >= gte) and (lte is None or value <= lte):
                        raw = pts
                        break
            elif node["floor"] is not None and value < node["floor"][0]:
                raw = node["floor"][1]
            else:  # ratio, survey, metric without bands
                raw = mx * min(1.0, value / node["threshold"])
            total = min(rnd(min(max(raw, 0.0), mx), pp), mx)
            am = mx
        points[code] = total
        app_max[code] = am
        percent[code] = rnd(100.0 * total / am, pc) if am else None

    base_points = 0.0
    removed = 0.0
    for field in fw["nodes"]:
        score(field)
        base_points += points[field["code"]]
        removed += field["max"] - app_max[field["code"]]
    base_max = fw["total"] - removed
    base_percent = rnd(100.0 * base_points / base_max, pc)

    bonus = penalty = 0.0
    for code, kind, each, item_max in fw["adjustments"]:
        item = min(item_max, a["adjustments"].get(code, 0.0) * each)
        if kind == "bonus":
            bonus += item
        else:
            penalty += item
    bonus = rnd(min(fw["bonus_cap"], bonus), pp)
    penalty = rnd(min(fw["penalty_cap"], penalty), pp)
    final = rnd(min(max(base_percent + bonus - penalty, fw["final_min"]), fw["final_max"]), pc)

    leader_scores = []
    parents = fw["parents"]
    for leader_id, role, assigned in a["leaders"]:
        if role == "head":
            lscore = final
        else:
            chosen = set(assigned)
            got = mx = 0.0
            for code in chosen:
                parent, inside = parents[code], False
                while parent is not None:
                    if parent in chosen:
                        inside = True
                        break
                    parent = parents[parent]
                if not inside:
                    got += points[code]
                    mx += app_max[code]
            if mx:
                share = rnd(100.0 * got / mx, pc)
                w = fw["weight"]
                lscore = rnd(w * share + (1.0 - w) * final, pc)
            else:
                lscore = final
        leader_scores.append((leader_id, lscore, _classify(lscore, fw["leader_classes"])))

    return {
        "agency": a["agency"],
        "name": a["name"],
        "points": points,
        "applicable_max": app_max,
        "percent": percent,
        "base_points": base_points,
        "base_max": base_max,
        "base_percent": base_percent,
        "bonus": bonus,
        "penalty": penalty,
        "final": final,
        "class": _classify(final, fw["classes"]),
        "leaders": leader_scores,
        "survey": sum(points[c] for c in fw["survey_codes"]),
    }


def _ref_key(r: dict[str, Any], keys: list[str]) -> tuple[Any, ...]:
    parts: list[Any] = []
    for key in keys:
        if key == "name":
            parts.append(r["name"])
        elif key == "final":
            parts.append(-r["final"])
        elif key == "base":
            parts.append(-r["base_percent"])
        elif key in ("bonus", "survey"):
            parts.append(-r[key])
        elif key == "penalty":
            parts.append(r["penalty"])
        else:
            parts.append(-r["points"][key.removeprefix("node:")])
    return tuple(parts)


def reference_block(
    fw: dict[str, Any],
    agencies: Sequence[dict[str, Any]],
    rnd: Callable[[float, int], float] = _round_half_up,
) -> dict[str, Any]:
    results = [reference_agency(fw, a, rnd) for a in agencies]
    keyed = sorted(((_ref_key(r, fw["tie_break"]), r) for r in results), key=lambda p: p[0])
    ranked = []
    previous_key, previous_rank = None, 0
    for position, (key, r) in enumerate(keyed, start=1):
        r["rank"] = previous_rank if key == previous_key else position
        previous_key, previous_rank = key, r["rank"]
        ranked.append(r)
    counts = {label: 0 for label, _ in fw["classes"]}
    for r in ranked:
        if r["class"] in counts:
            counts[r["class"]] += 1
    mean = (
        rnd(sum(r["final"] for r in ranked) / len(ranked), fw["percent_places"]) if ranked else None
    )
    return {"agencies": ranked, "mean": mean, "counts": counts}


# ============================================================================ correctness


def _dec(x: float) -> Decimal:
    """A reference number shown at 2 decimals, as a page would show it."""
    return Decimal(f"{x:.2f}")


@dataclass
class Comparison:
    finals: int = 0  # agencies whose final differs at 2 decimals
    ranks: int = 0
    classes: int = 0
    leaves: int = 0  # leaf points that differ (over all agencies)
    leaf_total: int = 0
    leaders: int = 0
    leader_total: int = 0
    by_leaf: int = 0  # final differs and some leaf differs
    by_base: int = 0  # final differs, every leaf equal, base percent differs
    by_final: int = 0  # final differs, base percent equal
    max_final_diff: Decimal = Decimal(0)
    mean_differs: bool = False
    leaf_example: str = ""
    base_example: str = ""
    class_example: str = ""
    tie_example: str = ""


def compare(fw: Framework, block: BlockResult, ref: dict[str, Any]) -> Comparison:
    c = Comparison()
    theirs = {r["agency"]: r for r in ref["agencies"]}
    leaf_codes = [n.code for n in leaves(fw.nodes)]
    survey_codes = [n.code for n in leaves(fw.nodes) if isinstance(n.rule, SurveyRule)]
    for ours in block.agencies:
        r = theirs[ours.agency]
        diff_leaves = [
            code for code in leaf_codes if _dec(r["points"][code]) != ours.nodes[code].points
        ]
        c.leaf_total += len(leaf_codes)
        c.leaves += len(diff_leaves)
        for code in diff_leaves:
            if not c.leaf_example:
                node = ours.nodes[code]
                c.leaf_example = (
                    f"{ours.agency} leaf {code}: chiso {node.explanation.text('en')!r}; "
                    f"float reference {r['points'][code]!r}"
                )
        base_differs = _dec(r["base_percent"]) != ours.base_percent
        if base_differs and not diff_leaves and not c.base_example:
            c.base_example = (
                f"{ours.agency}: chiso {ours.explanation.steps[0].text('en')} "
                f"(exact quotient {Decimal(100) * ours.base_points / ours.base_max:.6f}); "
                f"float reference 100 × {r['base_points']!r} / {r['base_max']!r} = "
                f"{100.0 * r['base_points'] / r['base_max']!r} → {r['base_percent']!r}"
            )
        if _dec(r["final"]) != ours.final:
            c.finals += 1
            c.max_final_diff = max(c.max_final_diff, abs(_dec(r["final"]) - ours.final))
            if diff_leaves:
                c.by_leaf += 1
            elif base_differs:
                c.by_base += 1
            else:
                c.by_final += 1
        if r["rank"] != ours.rank:
            c.ranks += 1
            survey = sum((ours.nodes[code].points for code in survey_codes), Decimal(0))
            if "survey" in fw.tie_break and Decimal(repr(r["survey"])) != survey:
                c.tie_example = c.tie_example or (
                    f"{ours.agency}: rank {ours.rank} in chiso, {r['rank']} in floats, final "
                    f"{ours.final} and base {ours.base_percent} alike; the tie-break sum of "
                    f"survey points is {survey} exactly, {r['survey']!r} in floats"
                )
        if r["class"] != ours.classification:
            c.classes += 1
            c.class_example = c.class_example or (
                f"{ours.agency}: chiso {ours.explanation.text('en')}; float reference "
                f"{r['base_percent']!r} + {r['bonus']!r} − {r['penalty']!r} = {r['final']!r}, "
                f"class {r['class']}"
            )
        for (_, score, label), leader in zip(r["leaders"], ours.leaders, strict=True):
            c.leader_total += 1
            c.leaders += _dec(score) != leader.score or label != leader.classification
    c.mean_differs = _dec(ref["mean"]) != block.mean_final
    return c


def describe(fw: Framework, block: BlockResult) -> str:
    """What the drawn data exercises, counted from chiso's results."""
    agencies = block.agencies
    leaf_codes = [node.code for node in leaves(fw.nodes)]

    def share(count: int) -> str:
        return f"{100 * count / len(agencies):.0f}%"

    na = sum(any(node.not_applicable for node in a.nodes.values()) for a in agencies)
    bonus = sum(a.bonus > 0 for a in agencies)
    penalty = sum(a.penalty > 0 for a in agencies)
    item_max = sum(
        any(adj.count > 1 and adj.points == adj.max for adj in a.adjustments) for a in agencies
    )
    missing = sum(a.nodes[code].missing_input for a in agencies for code in leaf_codes)
    clamped = sum(a.base_percent + a.bonus - a.penalty > a.final for a in agencies)
    finals = [a.final for a in agencies]
    deputies_na = sum(
        leader.role == "deputy" and leader.assigned_percent is None
        for a in agencies
        for leader in a.leaders
    )
    return (
        f"with an N/A node {share(na)}, bonus {share(bonus)}, penalty {share(penalty)}, "
        f"an item at its max {share(item_max)}, final clamped to 100: {clamped:,}; "
        f"missing leaf inputs {missing:,} of {len(agencies) * len(leaf_codes):,}; "
        f"deputies with no applicable assigned node {deputies_na:,}; "
        f"finals {min(finals)}–{max(finals)}, mean {block.mean_final}"
    )


# ============================================================================ timing


class GcClock:
    """Adds up the time the cyclic garbage collector runs while registered."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Best wall time of ``repeat`` runs, or more while they add up to less than MIN_TOTAL
    seconds (so that short figures get a chance to meet a quiet moment on a shared machine);
    returns it in seconds, the garbage collector's share of that run, and the last result."""
    best, best_gc, result = math.inf, 0.0, None
    runs, total = 0, 0.0
    while runs < repeat or (total < MIN_TOTAL and runs < MAX_RUNS):
        runs += 1
        result = None
        gc.collect()
        clock = GcClock()
        gc.callbacks.append(clock)
        start = time.perf_counter()
        try:
            result = fn()
            elapsed = time.perf_counter() - start
        finally:
            gc.callbacks.remove(clock)
        total += elapsed
        if elapsed < best:
            best, best_gc = elapsed, clock.seconds
    return best, best_gc, result


def render_all(block: BlockResult, lang: str = "vi") -> int:
    """Render every explanation of the block, as a results page or an export does."""
    count = 0
    for agency in block.agencies:
        agency.explanation.text(lang)
        for node in agency.nodes.values():
            node.explanation.text(lang)
        for leader in agency.leaders:
            leader.explanation.text(lang)
        count += 1 + len(agency.nodes) + len(agency.leaders)
    return count


def retained_bytes(fn: Callable[[], Any]) -> int:
    """Bytes still allocated after ``fn()`` while its result is kept."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = fn()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del result
    return after - before


@dataclass
class Row:
    framework: str
    agencies: int
    t_data: float
    t_check: float
    t_chiso: float
    gc_chiso: float
    t_ref: float
    gc_ref: float
    t_text: float
    explained: int
    comparison: Comparison
    finals_differ_with_round: int
    differences_with_15_digits: int
    example_with_15_digits: str
    summary: str


def bench_reading(path: Path, repeat: int) -> tuple[Framework, float, float]:
    """The framework in ``path`` and the best time of one load_yaml and one parse_framework."""
    text = path.read_text(encoding="utf-8")
    data = load_yaml(text)
    t_load, _, _ = best_of(lambda: [load_yaml(text) for _ in range(READS)], repeat)
    t_parse, _, _ = best_of(lambda: [parse_framework(data) for _ in range(READS)], repeat)
    return parse_framework(data), t_load / READS, t_parse / READS


def bench_block(
    fw: Framework, n: int, agency_type: str, seed: int, repeat: int, describe_data: bool
) -> Row:
    ref_fw = reference_framework(fw)
    rnd = FLOAT_ROUNDING[fw.rounding.mode]
    t0 = time.perf_counter()
    inputs = make_inputs(fw, n, agency_type, seed)
    ref_inputs = reference_inputs(inputs)
    t_data = time.perf_counter() - t0
    # Warm-up on (at most) 200 agencies: first calls, caches, branch paths.
    score_block(fw, inputs[:200])
    reference_block(ref_fw, ref_inputs[:200], rnd)
    render_all(score_block(fw, inputs[:50]))

    t_check, _, problems = best_of(lambda: check_inputs(fw, inputs), repeat)
    assert not problems, problems[:3]
    t_chiso, gc_chiso, block = best_of(lambda: score_block(fw, inputs), repeat)
    t_ref, gc_ref, ref = best_of(lambda: reference_block(ref_fw, ref_inputs, rnd), repeat)
    t_text, _, explained = best_of(lambda: render_all(block, "vi"), repeat)
    with_round = compare(fw, block, reference_block(ref_fw, ref_inputs, _round_half_even))
    with_15 = compare(fw, block, reference_block(ref_fw, ref_inputs, _round_15_digits))
    return Row(
        f"{fw.code}-{fw.year}",
        n,
        t_data,
        t_check,
        t_chiso,
        gc_chiso,
        t_ref,
        gc_ref,
        t_text,
        explained,
        compare(fw, block, ref),
        with_round.finals,
        with_15.finals + with_15.leaves + with_15.leaders + with_15.ranks,
        with_15.tie_example or with_15.leaf_example or with_15.base_example,
        describe(fw, block) if describe_data else "",
    )


def bench_memory(fw: Framework, m: int, agency_type: str, seed: int) -> tuple[str, int, int, int]:
    ref_fw = reference_framework(fw)
    rnd = FLOAT_ROUNDING[fw.rounding.mode]
    inputs = make_inputs(fw, m, agency_type, seed)
    ref_inputs = reference_inputs(inputs)
    chiso_bytes = retained_bytes(lambda: score_block(fw, inputs))
    ref_bytes = retained_bytes(lambda: reference_block(ref_fw, ref_inputs, rnd))
    return f"{fw.code}-{fw.year}", m, chiso_bytes, ref_bytes


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f}"


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _provenance() -> str:
    """Which code was measured: the commit, a digest of the engine's sources as they are on disk
    (others may be editing the tree), and whether they differ from the commit."""
    watched = ["chiso/engine", "chiso/frameworks/yamlio.py", "chiso/demo/inputs.py"]
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", *watched],
            capture_output=True,
            text=True,
            timeout=10,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        head, changed = "unknown", []
    digest = hashlib.sha256()
    for path in sorted((ROOT / "chiso" / "engine").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    state = f"{len(changed)} uncommitted changes" if changed else "clean"
    return f"git {head or 'unknown'}; chiso/engine sha256 {digest.hexdigest()[:12]} ({state})"


# ============================================================================ main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--agencies",
        default="130,1000",
        help="comma-separated block sizes (default 130,1000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (best kept)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--memory-agencies",
        type=int,
        default=1000,
        help="block size for the tracemalloc measurement (0: skip)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.agencies.split(",") if s.strip()]
    repeat = max(1, args.repeat)

    print(f"command: {Path(sys.executable).name} {' '.join(sys.argv)}")
    print(
        f"python {platform.python_version()} ({platform.python_implementation()}), "
        f"{_cpu()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"
    )
    print(_provenance())
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"sizes {sizes}; best of {repeat} runs (more for runs under {MIN_TOTAL} s in all, up to "
        f"{MAX_RUNS}) after a warm-up; seed {args.seed}; load average {load}\n"
    )

    print(f"## Reading the shipped frameworks (ms per read; {READS} reads per timed run)\n")
    print("| file | nodes | leaves | load_yaml ms | parse_framework ms |")
    print("|---|---:|---:|---:|---:|")
    frameworks: dict[str, Framework] = {}
    for path in sorted(FRAMEWORK_DIR.glob("*.yaml")):
        fw, t_load, t_parse = bench_reading(path, repeat)
        frameworks[path.name] = fw
        print(
            f"| {path.name} | {sum(1 for _ in _walk(fw.nodes))} | "
            f"{sum(1 for _ in leaves(fw.nodes))} | {_ms(t_load)} | {_ms(t_parse)} |"
        )

    rows: list[Row] = []
    memory = []
    for filename, agency_type in BENCHED:
        fw = frameworks[filename]
        for n in sizes:
            rows.append(bench_block(fw, n, agency_type, args.seed, repeat, n == max(sizes)))
        if args.memory_agencies:
            memory.append(bench_memory(fw, args.memory_agencies, agency_type, args.seed))

    print("\n## Scoring a block (ms; µs per agency or per explanation in brackets)\n")
    print(
        "| framework | agencies | chiso score_block | of which GC | of which check_inputs | "
        "float reference | of which GC | chiso / reference | "
        'text("vi") of every explanation | explanations |'
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r.framework} | {r.agencies:,} | "
            f"{_ms(r.t_chiso)} ({_us(r.t_chiso / r.agencies)}) | {_ms(r.gc_chiso)} | "
            f"{_ms(r.t_check)} | {_ms(r.t_ref)} ({_us(r.t_ref / r.agencies)}) | "
            f"{_ms(r.gc_ref)} | {r.t_chiso / r.t_ref:.1f}× | "
            f"{_ms(r.t_text)} ({_us(r.t_text / r.explained)}) | {r.explained:,} |"
        )

    print("\n## Float reference vs chiso, same inputs (compared at 2 decimals)\n")
    print(
        "| framework | agencies | finals differ | of which: a leaf differs / only base % "
        "differs / only final differs | largest difference | ranks differ | classes differ | "
        "leaf points differ | leader scores differ | block mean differs | "
        "finals differ with built-in round() | any difference with 15-digit rounding |"
    )
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|")
    examples: list[str] = []
    examples_15: list[str] = []
    for r in rows:
        c = r.comparison
        print(
            f"| {r.framework} | {r.agencies:,} | {c.finals:,} ({100 * c.finals / r.agencies:.1f}%) "
            f"| {c.by_leaf:,} / {c.by_base:,} / {c.by_final:,} | {c.max_final_diff} | "
            f"{c.ranks:,} | {c.classes:,} | {c.leaves:,} of {c.leaf_total:,} | "
            f"{c.leaders:,} of {c.leader_total:,} | {'yes' if c.mean_differs else 'no'} | "
            f"{r.finals_differ_with_round:,} | {r.differences_with_15_digits:,} |"
        )
        for example in (c.leaf_example, c.base_example, c.class_example):
            if example and example not in examples:
                examples.append(example)
        if r.example_with_15_digits:
            examples_15.append(f"{r.framework} × {r.agencies:,}: {r.example_with_15_digits}")
    if examples:
        print("\nWhy (first examples): the float reference rounds half-up as")
        print("floor(x × 100 + 0.5) / 100; a product or quotient whose exact value ends in 5")
        print("at the third decimal is often a hair below it in binary, so it rounds down.")
        for example in examples[:6]:
            print(f"- {example}")
    if examples_15:
        print("\nLeft with 15-digit rounding:")
        for example in examples_15:
            print(f"- {example}")

    if memory:
        print("\n## Memory kept by the results (tracemalloc)\n")
        print(
            "| framework | agencies | chiso BlockResult | per agency | "
            "float reference | per agency |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for code, m, chiso_bytes, ref_bytes in memory:
            print(
                f"| {code} | {m:,} | {chiso_bytes / 2**20:,.1f} MiB | "
                f"{chiso_bytes / m / 1024:,.1f} KiB | {ref_bytes / 2**20:,.1f} MiB | "
                f"{ref_bytes / m / 1024:,.1f} KiB |"
            )

    print("\n## What the drawn data exercises (largest size)\n")
    for r in rows:
        if r.summary:
            print(f"- {r.framework} × {r.agencies:,}: {r.summary}")
    print(
        "\nDrawing the synthetic inputs (not timed above) took "
        + ", ".join(f"{r.framework} × {r.agencies:,}: {r.t_data:.1f} s" for r in rows)
    )
    print("load average at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
