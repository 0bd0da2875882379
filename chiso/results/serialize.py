"""Engine inputs and results as JSON-ready dicts (Decimals as strings, nothing lost).

What is stored is exactly what the engine saw and said, so a stored result can be re-scored
and compared (``chiso results verify`` in a later issue) and explained in either language.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chiso.engine import AgencyInput, AgencyResult, Framework, LeaderInput, Node


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def input_to_dict(agency_input: AgencyInput) -> dict[str, Any]:
    return {
        "agency": agency_input.agency,
        "name": agency_input.name,
        "agency_type": agency_input.agency_type,
        "values": {k: str(v) for k, v in agency_input.values.items()},
        "not_applicable": sorted(agency_input.not_applicable),
        "facts": {k: str(v) for k, v in agency_input.facts.items()},
        "adjustments": {k: str(v) for k, v in agency_input.adjustments.items()},
        "leaders": [
            {"id": ld.id, "name": ld.name, "role": ld.role, "assigned": list(ld.assigned)}
            for ld in agency_input.leaders
        ],
    }


def input_from_dict(data: dict[str, Any]) -> AgencyInput:
    return AgencyInput(
        agency=data["agency"],
        name=data.get("name", ""),
        agency_type=data.get("agency_type", ""),
        values={k: Decimal(v) for k, v in data.get("values", {}).items()},
        not_applicable=frozenset(data.get("not_applicable", ())),
        facts={k: Decimal(v) for k, v in data.get("facts", {}).items()},
        adjustments={k: Decimal(v) for k, v in data.get("adjustments", {}).items()},
        leaders=tuple(
            LeaderInput(
                id=ld["id"],
                name=ld.get("name", ""),
                role=ld["role"],
                assigned=tuple(ld["assigned"]),
            )
            for ld in data.get("leaders", ())
        ),
    )


def _depths(nodes: tuple[Node, ...], depth: int = 0) -> dict[str, int]:
    out: dict[str, int] = {}
    for node in nodes:
        out[node.code] = depth
        out.update(_depths(node.children, depth + 1))
    return out


def nodes_to_list(framework: Framework, result: AgencyResult) -> list[dict[str, Any]]:
    """Per-node results in tree order, each with its depth and explanation in both languages."""
    depths = _depths(framework.nodes)
    return [
        {
            "code": n.code,
            "title": n.title,
            "depth": depths[n.code],
            "points": _dec(n.points),
            "max": _dec(n.max_points),
            "applicable_max": _dec(n.applicable_max),
            "percent": _dec(n.percent),
            "not_applicable": n.not_applicable,
            "missing_input": n.missing_input,
            "explanation": {"vi": n.explanation.text("vi"), "en": n.explanation.text("en")},
        }
        for n in result.nodes.values()
    ]


def leaders_to_list(result: AgencyResult) -> list[dict[str, Any]]:
    return [
        {
            "id": ld.id,
            "name": ld.name,
            "role": ld.role,
            "assigned": list(ld.assigned),
            "assigned_percent": _dec(ld.assigned_percent),
            "score": _dec(ld.score),
            "classification": ld.classification,
            "explanation": {"vi": ld.explanation.text("vi"), "en": ld.explanation.text("en")},
        }
        for ld in result.leaders
    ]


def result_to_dict(framework: Framework, result: AgencyResult) -> dict[str, Any]:
    """The whole agency result, as ``chiso score --json`` prints it."""
    return {
        "agency": result.agency,
        "name": result.name,
        "rank": result.rank,
        "base_points": _dec(result.base_points),
        "base_max": _dec(result.base_max),
        "base_percent": _dec(result.base_percent),
        "bonus": _dec(result.bonus),
        "penalty": _dec(result.penalty),
        "final": _dec(result.final),
        "classification": result.classification,
        "explanation": {"vi": result.explanation.text("vi"), "en": result.explanation.text("en")},
        "nodes": nodes_to_list(framework, result),
        "leaders": leaders_to_list(result),
    }
