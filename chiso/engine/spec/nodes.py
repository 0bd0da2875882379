"""The tree of fields, criteria and sub-criteria: each node read from its dict, and the maxima of
every node's children (and of the fields) checked to add up to its own."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chiso.engine.arithmetic import ZERO
from chiso.engine.model import Node, NotApplicable, Rule

from .messages import SUM_PARTS
from .rules import parse_rule
from .schema import NODE_CODE, NODE_KEYS
from .validate import Checker


def parse_nodes(
    check: Checker, value: Any, total: Decimal | None, codes: dict[str, str]
) -> tuple[Node, ...] | None:
    """The fields (top-level nodes) of a framework worth ``total`` points.

    ``codes`` gets every node code, mapped to where it was first seen.
    """
    if value is None:
        check.report("missing", "nodes")
        return None
    items = check.sequence(value, "nodes")
    if items is not None and not items:
        check.report("no_nodes", "nodes")
    nodes = [_node(check, item, f"nodes[{i}]", codes) for i, item in enumerate(items or [], 1)]
    _check_sum(check, nodes, total, "total_points", "fields")
    if any(n is None for n in nodes) or items is None:
        return None
    return tuple(n for n in nodes if n is not None)


def _check_sum(
    check: Checker, parts: list[Node | None], whole: Decimal | None, where: str, variant: str
) -> None:
    """Report maxima of ``parts`` that do not add up to ``whole``; ``variant`` names the parts
    (:data:`~chiso.engine.spec.messages.SUM_PARTS`)."""
    maxima = [p.max_points if p is not None else None for p in parts]
    if whole is None or not parts or any(m is None for m in maxima):
        return
    total = sum((m for m in maxima if m is not None), ZERO)
    if total == whole:
        return
    vparts, eparts = SUM_PARTS[variant]
    check.report(
        f"{'sum_exceeds' if total > whole else 'sum_short'}/{variant}",
        where,
        vparts=vparts,
        eparts=eparts,
        sum=total,
        diff=abs(total - whole),
        total=whole,
    )


def _node(check: Checker, value: Any, path: str, codes: dict[str, str]) -> Node | None:
    raw = check.mapping(value, path)
    if raw is None:
        return None
    code = check.text(raw.get("code"), f"{path}.code")
    if code and not NODE_CODE.match(code):
        check.report("bad_node_code", f"{path}.code", value=code)
    if code and code in codes:
        check.report("duplicate_code", code, code=code, first=codes[code])
    elif code:
        codes[code] = path
    w = f"{code} ›" if code else f"{path} ›"
    check.unknown_keys(raw, NODE_KEYS, w.rstrip(" ›"))
    title = check.text(raw.get("title"), f"{w} title")
    top = None
    if raw.get("max_points") is not None:
        top = check.positive(raw["max_points"], f"{w} max_points")
    else:
        check.report("missing", f"{w} max_points")
    guidance = check.text(raw.get("guidance", ""), f"{w} guidance", required=False)
    evidence_required, evidence_hint = _evidence(check, raw.get("evidence", {}), f"{w} evidence")
    na = _not_applicable(check, raw.get("not_applicable", {}), f"{w} not_applicable")
    children_list = check.sequence(raw.get("children", []), f"{w} children") or []
    children = [
        _node(check, c, f"{path}.children[{i}]", codes)
        for i, c in enumerate(children_list, start=1)
    ]
    rule: Rule | None = None
    if children:
        if raw.get("rule") is not None:
            check.report("inner_with_rule", f"{w} rule")
        _check_sum(check, children, top, f"{w} children", "children")
    elif raw.get("rule") is None:
        check.report("leaf_without_rule", f"{w} rule")
    else:
        rule = parse_rule(check, raw["rule"], f"{w} rule", top)
    if top is None or any(c is None for c in children):
        return None  # keep walking to collect every problem, but build nothing broken
    return Node(
        code=code,
        title=title,
        max_points=top,
        children=tuple(c for c in children if c is not None),
        rule=rule,
        guidance=guidance,
        evidence_required=evidence_required,
        evidence_hint=evidence_hint,
        not_applicable=na,
    )


def _evidence(check: Checker, value: Any, where: str) -> tuple[bool, str]:
    raw = check.mapping(value, where) or {}
    check.unknown_keys(raw, ("required", "hint"), where)
    required = check.boolean(raw.get("required", False), f"{where}.required")
    hint = check.text(raw.get("hint", ""), f"{where}.hint", required=False)
    return required, hint


def _not_applicable(check: Checker, value: Any, where: str) -> NotApplicable:
    raw = check.mapping(value, where) or {}
    check.unknown_keys(raw, ("allowed", "agency_types"), where)
    allowed = check.boolean(raw.get("allowed", False), f"{where}.allowed")
    types = check.sequence(raw.get("agency_types", []), f"{where}.agency_types") or []
    codes = tuple(check.text(t, f"{where}.agency_types") for t in types)
    if codes and not allowed:
        check.report("na_types_without_allowed", where)
    return NotApplicable(allowed=allowed, agency_types=codes)
