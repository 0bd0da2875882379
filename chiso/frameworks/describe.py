"""Scoring rules in plain words, e.g. "Bậc: ≥ 98% → 3 điểm; ≥ 95% → 2 điểm; còn lại → 0 điểm".

Used by the framework pages, the diff and the Excel notes, so an official reads the same sentence
everywhere. Works on canonical rule dicts (what files and the database hold) and returns
Vietnamese or English; no Django import, so the CLI and pure code can use it too.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from chiso.engine.spec import fmt_decimal
from chiso.engine.units import UNIT_EN_ONE, UNITS_EN
from chiso.frameworks.facts import FACTS, describe_fact

__all__ = ["UNITS_EN", "UNIT_EN_ONE", "describe_bands", "describe_rule", "num", "unit_label"]

WORDS = {
    "vi": {
        "points": "điểm",
        "otherwise": "còn lại",
        "manual": "Chấm trực tiếp",
        "manual_range": "từ 0 đến {max} điểm",
        "manual_levels": "chọn một mức: {levels} điểm",
        "yes_no": "Có/Không: có → {max} điểm; không → {no} điểm",
        "tiered": "Bậc",
        "ratio": "Tỷ lệ: điểm = {max} × giá trị / {threshold} (tối đa {max} điểm)",
        "floor": "dưới {floor} → {points} điểm",
        "survey": "Điều tra xã hội học ({name}): điểm = {max} × chỉ số / {threshold} "
        "(tối đa {max} điểm)",
        "metric_ratio": "Chỉ số tự động: điểm = {max} × giá trị / {threshold} (tối đa {max} điểm)",
        "metric_bands": "Chỉ số tự động, bậc",
        "source": "nguồn",
        "entered": "giá trị do cơ quan nhập",
    },
    "en": {
        "points": "points",
        "otherwise": "otherwise",
        "manual": "Entered directly",
        "manual_range": "0 to {max} points",
        "manual_levels": "one of {levels} points",
        "yes_no": "Yes/no: yes → {max} points; no → {no} points",
        "tiered": "Bands",
        "ratio": "Ratio: points = {max} × value / {threshold} (at most {max} points)",
        "floor": "below {floor} → {points} points",
        "survey": "Survey ({name}): points = {max} × index / {threshold} (at most {max} points)",
        "metric_ratio": "Automatic metric: points = {max} × value / {threshold} "
        "(at most {max} points)",
        "metric_bands": "Automatic metric, bands",
        "source": "source",
        "entered": "value entered by the agency",
    },
}


def num(value: Any, lang: str = "vi") -> str:
    """A number for people: 1,5 in Vietnamese, 1.5 in English, never 1.50 or 1E+1."""
    return fmt_decimal(Decimal(str(value)), "vi" if lang.startswith("vi") else "en")


def unit_label(unit: str, lang: str = "vi", value: Any = None) -> str:
    """``unit`` ("ngày", "%") in ``lang``: English words for the units of :data:`UNITS_EN`,
    singular when ``value`` is exactly 1 (Vietnamese has no plural)."""
    if not lang.startswith("en"):
        return unit
    english = UNITS_EN.get(unit.strip().casefold(), unit)
    if value is not None and _is_one(value):
        return UNIT_EN_ONE.get(english, english)
    return english


def _is_one(value: Any) -> bool:
    try:
        return Decimal(str(value)) == 1
    except ArithmeticError:
        return False


def _unit(value: Any, unit: str, lang: str) -> str:
    text = num(value, lang)
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit_label(unit, lang, value)}"


def describe_bands(bands: list[Mapping[str, Any]], unit: str, lang: str = "vi") -> str:
    """ "≥ 98% → 3 điểm; ≥ 95% → 2 điểm; còn lại → 0 điểm"."""
    w = WORDS["en" if lang.startswith("en") else "vi"]
    parts = []
    for band in bands:
        # "1 point" in English; Vietnamese has no plural ("1 điểm", "2 điểm").
        word = (
            "point" if lang.startswith("en") and Decimal(str(band["points"])) == 1 else w["points"]
        )
        points = f"{num(band['points'], lang)} {word}"
        if band.get("gte") is not None:
            parts.append(f"≥ {_unit(band['gte'], unit, lang)} → {points}")
        elif band.get("lte") is not None:
            parts.append(f"≤ {_unit(band['lte'], unit, lang)} → {points}")
        else:
            parts.append(f"{w['otherwise']} → {points}")
    return "; ".join(parts)


def describe_rule(rule: Mapping[str, Any] | None, max_points: Any, lang: str = "vi") -> str:
    """One sentence for a canonical rule dict (defaults may be omitted, as in files)."""
    if not rule:
        return ""
    lang = "en" if lang.startswith("en") else "vi"
    w = WORDS[lang]
    top = num(max_points, lang)
    kind = rule.get("type")
    if kind == "manual":
        levels = rule.get("levels") or []
        if levels:
            shown = "; ".join(num(v, lang) for v in levels)
            return f"{w['manual']}: {w['manual_levels'].format(levels=shown)}"
        return f"{w['manual']}: {w['manual_range'].format(max=top)}"
    if kind == "yes_no":
        return w["yes_no"].format(max=top, no=num(rule.get("no_points", 0), lang))
    if kind == "tiered":
        text = f"{w['tiered']}: {describe_bands(rule['bands'], rule.get('unit', ''), lang)}"
        return text + _source(rule.get("source"), lang)
    if kind == "ratio":
        unit = rule.get("unit", "%")
        text = w["ratio"].format(max=top, threshold=_unit(rule.get("threshold", 100), unit, lang))
        if rule.get("floor_below") is not None:
            floor = w["floor"].format(
                floor=_unit(rule["floor_below"], unit, lang),
                points=num(rule.get("floor_points", 0), lang),
            )
            text += f"; {floor}"
        return text + _source(rule.get("source"), lang)
    if kind == "survey":
        name = describe_fact(f"survey.{rule['survey']}", lang)
        return w["survey"].format(
            name=name, max=top, threshold=num(rule.get("threshold", 100), lang)
        )
    if kind == "metric":
        metric = str(rule.get("metric", ""))
        unit = FACTS[metric].unit if metric in FACTS else ""
        unit = "%" if unit == "%" else ""
        if rule.get("bands"):
            text = f"{w['metric_bands']}: {describe_bands(rule['bands'], unit, lang)}"
        else:
            threshold = _unit(rule.get("threshold", 100), unit, lang)
            text = w["metric_ratio"].format(max=top, threshold=threshold)
        return f"{text} — {w['source']}: {describe_fact(metric, lang)}"
    return str(kind)


def _source(source: Any, lang: str) -> str:
    w = WORDS[lang]
    if not source:
        return f" — {w['entered']}"
    return f" — {w['source']}: {describe_fact(str(source), lang)}"
