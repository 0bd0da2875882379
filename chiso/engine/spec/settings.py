"""The framework-wide settings of the canonical dict: blocks, rounding, the final range, the
classification scale, the leader policy, bonus and penalty items and the tie-break keys."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chiso.engine.arithmetic import HUNDRED, ZERO
from chiso.engine.model import TIE_BREAK_KEYS, Adjustment, ClassBand, LeaderPolicy, Rounding

from .schema import ADJUSTMENT_KINDS, ROUNDING_MODES, SLUG
from .validate import Checker


def parse_blocks(check: Checker, value: Any) -> tuple[str, ...]:
    items = check.sequence(value, "blocks")
    out: list[str] = []
    for i, item in enumerate(items or [], start=1):
        text = check.text(item, f"blocks[{i}]")
        if text and not SLUG.match(text):
            check.report("bad_block", f"blocks[{i}]", value=text)
        out.append(text)
    return tuple(out)


def parse_rounding(check: Checker, value: Any) -> Rounding:
    raw = check.mapping(value, "rounding") or {}
    check.unknown_keys(raw, ("points", "percent", "mode"), "rounding")
    places = []
    for key in ("points", "percent"):
        # Stored results keep 4 decimals for points and 2 for percentages (the published form,
        # 82,22%), so a framework may not ask for more than the results can hold.
        most = 4 if key == "points" else 2
        got = check.integer(raw.get(key, 2), f"rounding.{key}", 0, most, "bad_integer/places")
        places.append(2 if got is None else got)
    mode = raw.get("mode", "half_up")
    if mode not in ROUNDING_MODES:
        check.report("bad_rounding_mode", "rounding.mode", value=str(mode))
        mode = "half_up"
    return Rounding(points=places[0], percent=places[1], mode=mode)


def parse_final_range(check: Checker, value: Any) -> tuple[Decimal, Decimal]:
    items = check.sequence(value, "final_range")
    if items is None:
        return ZERO, HUNDRED
    if len(items) != 2:
        check.report("bad_range/count", "final_range")
        return ZERO, HUNDRED
    lo = check.number(items[0], "final_range[1]")
    hi = check.number(items[1], "final_range[2]")
    if lo is None or hi is None:
        return ZERO, HUNDRED
    if lo >= hi:
        check.report("bad_range/order", "final_range", lo=lo, hi=hi)
    return lo, hi


def parse_scale(check: Checker, value: Any, where: str) -> tuple[ClassBand, ...]:
    """A classification scale: labels from the highest cut-off down to a catch-all last class."""
    items = check.sequence(value, where)
    out: list[ClassBand] = []
    labels: set[str] = set()
    previous: Decimal | None = None
    for i, item in enumerate(items or [], start=1):
        w = f"{where}[{i}]"
        raw = check.mapping(item, w)
        if raw is None:
            continue
        check.unknown_keys(raw, ("label", "gte"), w)
        label = check.text(raw.get("label"), f"{w}.label")
        if label in labels:
            check.report("duplicate_label", f"{w}.label", label=label)
        labels.add(label)
        last = i == len(items or [])
        gte = check.optional_number(raw, "gte", w)
        if raw.get("gte") is None and not last:
            check.report("class_catch_all_not_last", f"{w}.gte")
        if last and raw.get("gte") is not None:
            check.report("class_last_has_cut_off", f"{w}.gte")
        if gte is not None and previous is not None and gte >= previous:
            check.report("class_order", f"{w}.gte", value=gte, previous=previous)
        if gte is not None:
            previous = gte
        out.append(ClassBand(label=label, gte=gte))
    return tuple(out)


def parse_leaders(check: Checker, value: Any) -> LeaderPolicy:
    raw = check.mapping(value, "leaders") or {}
    check.unknown_keys(raw, ("deputy_assigned_weight", "scale"), "leaders")
    weight = Decimal("0.7")
    if "deputy_assigned_weight" in raw:
        got = check.number(raw["deputy_assigned_weight"], "leaders.deputy_assigned_weight")
        if got is not None and not ZERO <= got <= 1:
            check.report("bad_weight", "leaders.deputy_assigned_weight", value=got)
        elif got is not None:
            weight = got
    scale = parse_scale(check, raw.get("scale", []), "leaders.scale")
    return LeaderPolicy(deputy_assigned_weight=weight, scale=scale)


def parse_adjustments(
    check: Checker, value: Any
) -> tuple[tuple[Adjustment, ...], Decimal, Decimal]:
    """The bonus and penalty items, the bonus cap and the penalty cap."""
    raw = check.mapping(value, "adjustments") or {}
    check.unknown_keys(raw, ("bonus_cap", "penalty_cap", "items"), "adjustments")
    caps = []
    for key in ("bonus_cap", "penalty_cap"):
        got = check.number(raw.get(key, 0), f"adjustments.{key}")
        if got is not None and got < 0:
            check.report("negative_cap", f"adjustments.{key}", value=got)
        caps.append(got if got is not None and got >= 0 else ZERO)
    items: list[Adjustment] = []
    seen: set[str] = set()
    for i, item in enumerate(check.sequence(raw.get("items", []), "adjustments.items") or [], 1):
        adj = _adjustment(check, item, f"adjustments.items[{i}]", seen)
        if adj is not None:
            items.append(adj)
    return tuple(items), caps[0], caps[1]


def _adjustment(check: Checker, value: Any, where: str, seen: set[str]) -> Adjustment | None:
    raw = check.mapping(value, where)
    if raw is None:
        return None
    keys = ("code", "kind", "title", "points_each", "max", "evidence_required")
    check.unknown_keys(raw, keys, where)
    code = check.text(raw.get("code"), f"{where}.code")
    if code in seen:
        check.report("duplicate_adjustment", f"{where}.code", code=code)
    seen.add(code)
    kind = raw.get("kind")
    if kind not in ADJUSTMENT_KINDS:
        check.report("bad_adjustment_kind", f"{where}.kind", value=str(kind))
    title = check.text(raw.get("title"), f"{where}.title")
    each = check.positive(raw.get("points_each"), f"{where}.points_each")
    top = check.positive(raw.get("max"), f"{where}.max")
    if each is not None and top is not None and top < each:
        check.report("adjustment_max_below_each", f"{where}.max", max=top, each=each)
    evidence = check.boolean(raw.get("evidence_required", False), f"{where}.evidence_required")
    if kind not in ADJUSTMENT_KINDS or each is None or top is None:
        return None
    return Adjustment(
        code=code,
        title=title,
        kind=kind,
        points_each=each,
        max=top,
        evidence_required=evidence,
    )


def parse_tie_break(check: Checker, value: Any, codes: Mapping[str, str]) -> tuple[str, ...]:
    """The tie-break keys; a ``node:<code>`` key must name one of ``codes``."""
    items = check.sequence(value, "tie_break")
    out: list[str] = []
    for i, item in enumerate(items or [], start=1):
        key = str(item)
        where = f"tie_break[{i}]"
        if key.startswith("node:"):
            node_code = key[5:]
            if node_code not in codes:
                check.report("tie_break_unknown_node", where, code=node_code, value=key)
        elif key not in TIE_BREAK_KEYS:
            check.report("tie_break_unknown_key", where, value=key)
        if key in out:
            check.report("tie_break_duplicate", where, value=key)
        out.append(key)
    return tuple(out)
