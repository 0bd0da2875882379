"""Validate a canonical framework dict completely and build the engine's :class:`Framework`."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from chiso.engine.model import Framework
from chiso.engine.problems import ProblemsError

from .nodes import parse_nodes
from .schema import KINDS, SLUG, TOP_KEYS
from .settings import (
    parse_adjustments,
    parse_blocks,
    parse_final_range,
    parse_leaders,
    parse_rounding,
    parse_scale,
    parse_tie_break,
)
from .validate import Checker


def parse_framework(data: Mapping[str, Any], known_facts: Set[str] | None = None) -> Framework:
    """Validate a canonical framework dict and build the engine's :class:`Framework`.

    Raises :class:`ProblemsError` listing every problem found (where, in Vietnamese and
    English). With ``known_facts``, fact names used by rules (``metric``, ``source``,
    ``survey.<name>``) must be in that set.
    """
    check = Checker(known_facts)
    fw = _framework(check, data)
    if check.problems or fw is None:
        raise ProblemsError(check.problems)
    return fw


def _framework(check: Checker, data: Any) -> Framework | None:
    """The framework, or None when a part is too broken to build (its problems are reported)."""
    raw = check.mapping(data, "")
    if raw is None:
        return None
    check.unknown_keys(raw, TOP_KEYS, "")
    code = check.text(raw.get("code"), "code")
    if code and not SLUG.match(code):
        check.report("bad_code", "code", value=code)
    year = check.integer(raw.get("year"), "year", 2000, 2100, "bad_integer/year")
    version = check.integer(raw.get("version", 1), "version", 1, 9999, "bad_integer/version")
    title = check.text(raw.get("title"), "title")
    kind = raw.get("kind", "par_index")
    if kind not in KINDS:
        check.report("bad_kind", "kind", value=str(kind))
    blocks = parse_blocks(check, raw.get("blocks", []))
    total = None
    if "total_points" in raw:
        total = check.positive(raw["total_points"], "total_points")
    else:
        check.report("missing", "total_points")
    rounding = parse_rounding(check, raw.get("rounding", {}))
    final_min, final_max = parse_final_range(check, raw.get("final_range", [0, 100]))
    classification = parse_scale(check, raw.get("classification", []), "classification")
    leaders = parse_leaders(check, raw.get("leaders", {}))
    adjustments, bonus_cap, penalty_cap = parse_adjustments(check, raw.get("adjustments", {}))
    codes: dict[str, str] = {}  # node code -> where first seen, for node:<code> tie-break keys
    nodes = parse_nodes(check, raw.get("nodes"), total, codes)
    tie_break = parse_tie_break(check, raw.get("tie_break", ["final", "base"]), codes)
    if check.problems or year is None or version is None or total is None or nodes is None:
        return None
    return Framework(
        code=code,
        year=year,
        version=version,
        title=title,
        total_points=total,
        nodes=nodes,
        blocks=blocks,
        kind=kind,
        adjustments=adjustments,
        bonus_cap=bonus_cap,
        penalty_cap=penalty_cap,
        final_min=final_min,
        final_max=final_max,
        classification=classification,
        tie_break=tie_break,
        rounding=rounding,
        leaders=leaders,
    )
