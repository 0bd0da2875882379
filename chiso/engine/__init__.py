"""The scoring engine: framework-free, pure functions from a framework and agency inputs to
explained results. Nothing in this package imports Django.

    from chiso.engine import score_block
    block = score_block(framework, inputs)   # raises ProblemsError listing every bad input
    block.agencies[0].nodes["1.2"].explanation.text("en")

See docs/engine.md for every formula.
"""

from __future__ import annotations

from .checks import check_inputs
from .model import (
    Adjustment,
    AgencyInput,
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
    TieBreakKey,
    TieredRule,
    YesNoRule,
)
from .problems import Problem, ProblemsError
from .ranking import classify
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
from .score import score_agency, score_block

__all__ = [
    "Adjustment",
    "AdjustmentResult",
    "AgencyInput",
    "AgencyResult",
    "Band",
    "BlockResult",
    "ClassBand",
    "Explanation",
    "Framework",
    "LeaderInput",
    "LeaderPolicy",
    "LeaderScore",
    "ManualRule",
    "MetricRule",
    "Node",
    "NodeResult",
    "NotApplicable",
    "Problem",
    "ProblemsError",
    "RatioRule",
    "Rounding",
    "Rule",
    "Step",
    "SurveyRule",
    "TieBreakKey",
    "TieredRule",
    "YesNoRule",
    "check_inputs",
    "classify",
    "format_decimal",
    "score_agency",
    "score_block",
]
