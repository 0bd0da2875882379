"""Write an engine :class:`Framework` back as its canonical dict."""

from __future__ import annotations

from typing import Any

from chiso.engine.arithmetic import HUNDRED
from chiso.engine.model import (
    Band,
    ClassBand,
    Framework,
    ManualRule,
    Node,
    RatioRule,
    Rule,
    SurveyRule,
    TieredRule,
    YesNoRule,
)


def dump_framework(fw: Framework) -> dict[str, Any]:
    """The canonical dict of ``fw``: stable key order, Decimals kept, rule defaults omitted."""
    leaders: dict[str, Any] = {"deputy_assigned_weight": fw.leaders.deputy_assigned_weight}
    if fw.leaders.scale:
        leaders["scale"] = _scale(fw.leaders.scale)
    out: dict[str, Any] = {
        "code": fw.code,
        "year": fw.year,
        "version": fw.version,
        "title": fw.title,
        "kind": fw.kind,
        "blocks": list(fw.blocks),
        "total_points": fw.total_points,
        "rounding": {
            "points": fw.rounding.points,
            "percent": fw.rounding.percent,
            "mode": fw.rounding.mode,
        },
        "final_range": [fw.final_min, fw.final_max],
        "classification": _scale(fw.classification),
        "tie_break": list(fw.tie_break),
        "leaders": leaders,
    }
    if fw.adjustments or fw.bonus_cap or fw.penalty_cap:
        items = []
        for a in fw.adjustments:
            item: dict[str, Any] = {
                "code": a.code,
                "kind": a.kind,
                "title": a.title,
                "points_each": a.points_each,
                "max": a.max,
            }
            if a.evidence_required:
                item["evidence_required"] = True
            items.append(item)
        out["adjustments"] = {
            "bonus_cap": fw.bonus_cap,
            "penalty_cap": fw.penalty_cap,
            "items": items,
        }
    out["nodes"] = [_node(n) for n in fw.nodes]
    return out


def _band(b: Band) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if b.gte is not None:
        out["gte"] = b.gte
    if b.lte is not None:
        out["lte"] = b.lte
    out["points"] = b.points
    return out


def _rule(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"type": rule.type}
    if isinstance(rule, ManualRule):
        if rule.levels:
            out["levels"] = list(rule.levels)
    elif isinstance(rule, YesNoRule):
        if rule.no_points:
            out["no_points"] = rule.no_points
    elif isinstance(rule, TieredRule):
        if rule.source:
            out["source"] = rule.source
        if rule.unit:
            out["unit"] = rule.unit
        out["bands"] = [_band(b) for b in rule.bands]
    elif isinstance(rule, RatioRule):
        if rule.source:
            out["source"] = rule.source
        if rule.unit != "%":
            out["unit"] = rule.unit
        if rule.threshold != HUNDRED:
            out["threshold"] = rule.threshold
        if rule.floor_below is not None:
            out["floor_below"] = rule.floor_below
        if rule.floor_points:
            out["floor_points"] = rule.floor_points
    elif isinstance(rule, SurveyRule):
        out["survey"] = rule.survey
        if rule.threshold != HUNDRED:
            out["threshold"] = rule.threshold
    else:
        out["metric"] = rule.metric
        if rule.bands:
            out["bands"] = [_band(b) for b in rule.bands]
        elif rule.threshold != HUNDRED:
            out["threshold"] = rule.threshold
    return out


def _node(node: Node) -> dict[str, Any]:
    out: dict[str, Any] = {"code": node.code, "title": node.title, "max_points": node.max_points}
    if node.rule is not None:
        out["rule"] = _rule(node.rule)
    if node.evidence_required or node.evidence_hint:
        out["evidence"] = {"required": node.evidence_required}
        if node.evidence_hint:
            out["evidence"]["hint"] = node.evidence_hint
    if node.not_applicable.allowed or node.not_applicable.agency_types:
        out["not_applicable"] = {"allowed": node.not_applicable.allowed}
        if node.not_applicable.agency_types:
            out["not_applicable"]["agency_types"] = list(node.not_applicable.agency_types)
    if node.guidance:
        out["guidance"] = node.guidance
    if node.children:
        out["children"] = [_node(c) for c in node.children]
    return out


def _scale(scale: tuple[ClassBand, ...]) -> list[dict[str, Any]]:
    return [{"label": c.label, **({"gte": c.gte} if c.gte is not None else {})} for c in scale]
