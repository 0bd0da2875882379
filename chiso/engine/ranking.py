"""Classify and rank the agencies of one block.

A class is the label of the first band of a scale that the score reaches; ranks follow the
framework's tie-break keys (:data:`~chiso.engine.model.TieBreakKey`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal

from .arithmetic import ZERO
from .model import ClassBand, Framework, SurveyRule, iter_nodes
from .results import AgencyResult


def classify(score: Decimal, scale: Sequence[ClassBand]) -> str | None:
    """The label of the first band (in scale order) with no lower bound or ``score >= gte``;
    None when no band holds (a scale without a catch-all)."""
    for band in scale:
        if band.gte is None or score >= band.gte:
            return band.label
    return None


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


def rank(framework: Framework, results: list[AgencyResult]) -> list[AgencyResult]:
    """Competition ranking (1, 2, 2, 4): agencies equal on every tie-break key share a rank."""
    survey_codes = [
        n.code for n in iter_nodes(framework.nodes) if n.is_leaf and isinstance(n.rule, SurveyRule)
    ]
    keyed = sorted(
        ((_key(r, framework.tie_break, survey_codes), r) for r in results), key=lambda p: p[0]
    )
    ranked: list[AgencyResult] = []
    for position, (key, result) in enumerate(keyed):
        tied = position > 0 and key == keyed[position - 1][0]
        place = ranked[-1].rank if tied else position + 1
        ranked.append(dataclasses.replace(result, rank=place))
    return ranked
