"""The scoring rule of a leaf: read from its dict, checked against the leaf's max points.

Also :func:`fact_names`, the facts a parsed framework's rules read.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from chiso.engine.arithmetic import HUNDRED
from chiso.engine.model import (
    Band,
    Framework,
    ManualRule,
    MetricRule,
    RatioRule,
    Rule,
    SurveyRule,
    TieredRule,
    YesNoRule,
    iter_nodes,
)

from .schema import RULE_KEYS, RULE_TYPES, SURVEY_NAME
from .validate import Checker


def parse_rule(check: Checker, value: Any, where: str, top: Decimal | None) -> Rule | None:
    """The rule at ``where`` of a leaf worth ``top`` points (None: the max is itself invalid)."""
    raw = check.mapping(value, where)
    if raw is None:
        return None
    kind = raw.get("type")
    if kind not in RULE_TYPES:
        check.report(
            "unknown_rule_type", f"{where}.type", value=str(kind), types=", ".join(RULE_TYPES)
        )
        return None
    check.unknown_keys(raw, RULE_KEYS[kind], where)
    if kind == "manual":
        return _manual(check, raw, where, top)
    if kind == "yes_no":
        no = check.number(raw.get("no_points", 0), f"{where}.no_points")
        check.within(no, f"{where}.no_points", top)
        return YesNoRule(no_points=no) if no is not None else None
    if kind == "tiered":
        bands = _bands(check, raw.get("bands"), f"{where}.bands", top)
        source = _source(check, raw, where)
        unit = check.text(raw.get("unit", ""), f"{where}.unit", required=False)
        return TieredRule(bands=bands, source=source, unit=unit) if bands else None
    if kind == "ratio":
        return _ratio(check, raw, where, top)
    if kind == "survey":
        return _survey(check, raw, where)
    return _metric(check, raw, where, top)


def fact_names(fw: Framework) -> set[str]:
    """The fact names the framework's rules read (``survey.<name>`` for surveys)."""
    names: set[str] = set()
    for node in iter_nodes(fw.nodes):
        rule = node.rule
        if isinstance(rule, TieredRule | RatioRule) and rule.source:
            names.add(rule.source)
        elif isinstance(rule, SurveyRule):
            names.add(rule.fact_name)
        elif isinstance(rule, MetricRule):
            names.add(rule.metric)
    return names


def _manual(
    check: Checker, raw: Mapping[str, Any], where: str, top: Decimal | None
) -> ManualRule | None:
    items = check.sequence(raw.get("levels", []), f"{where}.levels")
    levels: list[Decimal] = []
    for i, item in enumerate(items or [], start=1):
        d = check.number(item, f"{where}.levels[{i}]")
        if d is None:
            continue
        check.within(d, f"{where}.levels[{i}]", top, "level_out_of_range")
        if d in levels:
            check.report("duplicate_level", f"{where}.levels[{i}]", value=d)
        levels.append(d)
    return ManualRule(levels=tuple(levels))


def _survey(check: Checker, raw: Mapping[str, Any], where: str) -> SurveyRule | None:
    name = check.text(raw.get("survey"), f"{where}.survey")
    if name and not SURVEY_NAME.match(name):
        check.report("bad_survey_name", f"{where}.survey", name=name)
    elif name and check.known_facts is not None:
        check.fact(f"survey.{name}", f"{where}.survey")
    threshold = _threshold(check, raw, where)
    if not name or threshold is None:
        return None
    return SurveyRule(survey=name, threshold=threshold)


def _threshold(check: Checker, raw: Mapping[str, Any], where: str) -> Decimal | None:
    if "threshold" not in raw:
        return HUNDRED
    return check.positive(raw["threshold"], f"{where}.threshold", "bad_threshold")


def _source(check: Checker, raw: Mapping[str, Any], where: str) -> str | None:
    if raw.get("source") in (None, ""):
        return None
    name = check.text(raw["source"], f"{where}.source")
    check.fact(name, f"{where}.source")
    return name


def _ratio(
    check: Checker, raw: Mapping[str, Any], where: str, top: Decimal | None
) -> RatioRule | None:
    threshold = _threshold(check, raw, where)
    source = _source(check, raw, where)
    unit = check.text(raw.get("unit", "%"), f"{where}.unit", required=False)
    floor_below = check.optional_number(raw, "floor_below", where)
    floor_points = check.number(raw.get("floor_points", 0), f"{where}.floor_points")
    check.within(floor_points, f"{where}.floor_points", top)
    if floor_points and raw.get("floor_below") is None:
        check.report("floor_points_without_floor", f"{where}.floor_points")
    if threshold is None or floor_points is None:
        return None
    return RatioRule(
        threshold=threshold,
        source=source,
        floor_below=floor_below,
        floor_points=floor_points,
        unit=unit,
    )


def _metric(
    check: Checker, raw: Mapping[str, Any], where: str, top: Decimal | None
) -> MetricRule | None:
    name = check.text(raw.get("metric"), f"{where}.metric")
    if name:
        check.fact(name, f"{where}.metric")
    bands: tuple[Band, ...] = ()
    if raw.get("bands") is not None:
        bands = _bands(check, raw["bands"], f"{where}.bands", top)
        if "threshold" in raw:
            check.report("bands_and_threshold", where)
    threshold = _threshold(check, raw, where)
    if not name or threshold is None or (raw.get("bands") is not None and not bands):
        return None
    return MetricRule(metric=name, bands=bands, threshold=threshold)


def _bands(check: Checker, value: Any, where: str, top: Decimal | None) -> tuple[Band, ...]:
    if value is None:
        check.report("missing/bands", where)
        return ()
    items = check.sequence(value, where)
    if items is None:
        return ()
    if not items:
        check.report("no_bands", where)
        return ()
    out: list[Band] = []
    ok = True
    for i, item in enumerate(items, start=1):
        w = f"{where}[{i}]"
        raw = check.mapping(item, w)
        if raw is None:
            ok = False
            continue
        check.unknown_keys(raw, ("gte", "lte", "points"), w)
        points = check.number(raw.get("points"), f"{w}.points")
        check.within(points, f"{w}.points", top)
        gte = check.optional_number(raw, "gte", w)
        lte = check.optional_number(raw, "lte", w)
        if raw.get("gte") is not None and raw.get("lte") is not None:
            check.report("band_both", w)
        catch_all = raw.get("gte") is None and raw.get("lte") is None
        if catch_all and i < len(items):
            check.report("catch_all_not_last", w)
        if points is None:
            ok = False
            continue
        out.append(Band(points=points, gte=gte, lte=lte))
    last = items[-1]
    if isinstance(last, Mapping) and (last.get("gte") is not None or last.get("lte") is not None):
        check.report("bands_gap", where)
    _band_order(check, items, where)
    return tuple(out) if ok else ()


def _band_order(check: Checker, items: list[Any], where: str) -> None:
    maps = [b for b in items if isinstance(b, Mapping)]
    has_gte = any(b.get("gte") is not None for b in maps)
    has_lte = any(b.get("lte") is not None for b in maps)
    if has_gte and has_lte:
        check.report("bands_mixed", where)
        return
    key = "gte" if has_gte else "lte"
    previous: Decimal | None = None
    for i, b in enumerate(items, start=1):
        if not isinstance(b, Mapping) or b.get(key) is None:
            continue
        try:
            value = Decimal(str(b[key]))
        except InvalidOperation:
            continue  # already reported as not a number
        if not value.is_finite():
            continue  # NaN/Infinity: already reported, and cannot be ordered
        # gte cut-offs must fall and lte cut-offs rise, so that every band can be reached.
        if previous is not None and (value >= previous if key == "gte" else value <= previous):
            check.report(
                f"bands_order/{key}", f"{where}[{i}].{key}", value=value, previous=previous
            )
        previous = value
