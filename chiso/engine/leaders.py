"""Leader scores: the head takes the agency's score, a deputy blends in the nodes assigned to them.

The formula is :class:`~chiso.engine.model.LeaderPolicy`'s; docs/engine.md explains it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from .arithmetic import ONE, ZERO, percent_of, round_to
from .model import Framework, LeaderInput, Node
from .ranking import classify
from .results import Explanation, LeaderScore, NodeResult, Step


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


def score_leader(
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
        assigned_percent = percent_of(points, maximum, rounding)
        if assigned_percent is None:
            score = final
            steps.append(Step("no_assignment", {"final": final}))
        else:
            weight = policy.deputy_assigned_weight
            score = round_to(
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
