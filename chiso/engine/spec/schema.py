"""The shape of the canonical framework dict: its keys, the values some keys allow, name patterns.

docs/framework-format.md describes the format in words; this is what the parser checks against.
"""

from __future__ import annotations

import re

KINDS = ("par_index", "service_index")
RULE_TYPES = ("manual", "yes_no", "tiered", "ratio", "survey", "metric")
ROUNDING_MODES = ("half_up", "half_even", "down")
ADJUSTMENT_KINDS = ("bonus", "penalty")

SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
NODE_CODE = re.compile(r"^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$")
FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
SURVEY_NAME = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*$")

TOP_KEYS = (
    "code",
    "year",
    "version",
    "title",
    "kind",
    "blocks",
    "total_points",
    "rounding",
    "final_range",
    "classification",
    "tie_break",
    "leaders",
    "adjustments",
    "nodes",
)
NODE_KEYS = (
    "code",
    "title",
    "max_points",
    "rule",
    "evidence",
    "not_applicable",
    "guidance",
    "children",
)
RULE_KEYS: dict[str, tuple[str, ...]] = {
    "manual": ("type", "levels"),
    "yes_no": ("type", "no_points"),
    "tiered": ("type", "source", "unit", "bands"),
    "ratio": ("type", "source", "unit", "threshold", "floor_below", "floor_points"),
    "survey": ("type", "survey", "threshold"),
    "metric": ("type", "metric", "bands", "threshold"),
}
