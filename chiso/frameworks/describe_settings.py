"""A framework's settings in words, e.g. "chỉ số, điểm trước cộng trừ, điểm khảo sát".

The framework pages and the diff show settings as an official reads them, never as the keys
and JSON a framework file holds (review s8 §8). Works on canonical values (what
``Framework.to_dict()`` and files hold) and returns Vietnamese or English; no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from chiso.frameworks.describe import num

__all__ = [
    "describe_blocks",
    "describe_evidence",
    "describe_final_range",
    "describe_kind",
    "describe_not_applicable",
    "describe_rounding",
    "describe_scale",
    "describe_tie_break",
    "describe_weight",
]

# The tie-break keys of chiso.engine.model.TIE_BREAK_KEYS, as chiso.engine.ranking uses them.
TIE_BREAK_WORDS: dict[str, tuple[str, str]] = {
    "final": ("chỉ số", "final index"),
    "base": ("điểm trước cộng trừ", "points before bonus and penalty"),
    "bonus": ("điểm thưởng", "bonus points"),
    "penalty": ("ít điểm trừ hơn", "fewer penalty points"),
    "survey": ("điểm khảo sát", "survey points"),
    "name": ("tên cơ quan", "agency name"),
}
KIND_WORDS: dict[str, tuple[str, str]] = {
    "par_index": ("Chỉ số cải cách hành chính (PAR)", "Administrative reform index (PAR)"),
    "service_index": (
        "Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)",
        "Public service index (Decision 766)",
    ),
}
ROUNDING_MODES: dict[str, tuple[str, str]] = {
    "half_up": ("làm tròn lên từ 5", "round half up"),
    "half_even": ("làm tròn về số chẵn", "round half to even"),
    "down": ("cắt bỏ phần thừa", "round down"),
}


def _vi(lang: str) -> bool:
    return not lang.startswith("en")


def _pick(words: tuple[str, str], lang: str) -> str:
    return words[0] if _vi(lang) else words[1]


def describe_tie_break(keys: Sequence[str] | None, lang: str = "vi") -> str:
    """ "chỉ số, điểm trước cộng trừ, điểm khảo sát"; "điểm tiêu chí 3.1" for ``node:3.1``."""
    if not keys:
        return "—"
    parts = []
    for key in keys:
        if key.startswith("node:"):
            code = key.removeprefix("node:")
            parts.append(f"điểm tiêu chí {code}" if _vi(lang) else f"points of criterion {code}")
        else:
            parts.append(_pick(TIE_BREAK_WORDS[key], lang) if key in TIE_BREAK_WORDS else key)
    return ", ".join(parts)


def describe_kind(kind: str | None, lang: str = "vi") -> str:
    if not kind:
        return "—"
    return _pick(KIND_WORDS[kind], lang) if kind in KIND_WORDS else kind


def describe_blocks(
    codes: Sequence[str] | None, names: Mapping[str, str] | None = None, lang: str = "vi"
) -> str:
    """The blocks by name ("Khối sở, ban, ngành"); a code with no known name as written."""
    if not codes:
        return "—"
    names = names or {}
    return ", ".join(names.get(code, code) for code in codes)


def describe_rounding(rounding: Mapping[str, Any] | None, lang: str = "vi") -> str:
    """ "điểm 2 chữ số thập phân, tỷ lệ 2 chữ số thập phân, làm tròn lên từ 5"."""
    rounding = rounding or {}
    points, percent = rounding.get("points", 2), rounding.get("percent", 2)
    mode = str(rounding.get("mode", "half_up"))
    mode_words = _pick(ROUNDING_MODES[mode], lang) if mode in ROUNDING_MODES else mode
    if _vi(lang):
        return f"điểm {points} chữ số thập phân, tỷ lệ {percent} chữ số thập phân, {mode_words}"
    return f"points {points} decimals, percentages {percent} decimals, {mode_words}"


def describe_final_range(bounds: Sequence[Any] | None, lang: str = "vi") -> str:
    """ "từ 0 đến 100"."""
    if not bounds or len(bounds) != 2:
        return "—"
    low, high = (num(b, lang) for b in bounds)
    return f"từ {low} đến {high}" if _vi(lang) else f"{low} to {high}"


def describe_scale(scale: Sequence[Mapping[str, Any]] | None, lang: str = "vi") -> str:
    """ "Tốt ≥ 80; Chưa tốt"; an empty leaders' scale is the framework's own."""
    if not scale:
        return "theo thang xếp loại của bộ chỉ số" if _vi(lang) else "the framework's scale"
    return "; ".join(
        f"{c['label']} ≥ {num(c['gte'], lang)}" if c.get("gte") is not None else str(c["label"])
        for c in scale
    )


def describe_weight(weight: Any, lang: str = "vi") -> str:
    """A weight between 0 and 1 as a percentage: 0.7 → "70%"."""
    if weight is None:
        return "—"
    return f"{num(Decimal(str(weight)) * 100, lang)}%"


def describe_evidence(evidence: Mapping[str, Any] | None, lang: str = "vi") -> str:
    """ "bắt buộc, gợi ý “Kế hoạch CCHC năm”" or "không bắt buộc"."""
    evidence = evidence or {}
    if _vi(lang):
        text = "bắt buộc" if evidence.get("required") else "không bắt buộc"
        hint = "gợi ý"
    else:
        text = "required" if evidence.get("required") else "not required"
        hint = "hint"
    if evidence.get("hint"):
        text += f", {hint} “{evidence['hint']}”"
    return text


def describe_not_applicable(value: Mapping[str, Any] | None, lang: str = "vi") -> str:
    """Whether a criterion may be marked not applicable: "cho phép", "không cho phép", "cho
    phép với loại cơ quan: …"."""
    value = value or {}
    if not value.get("allowed"):
        return "không cho phép" if _vi(lang) else "not allowed"
    types = value.get("agency_types") or []
    if not types:
        return "cho phép" if _vi(lang) else "allowed"
    listed = ", ".join(str(t) for t in types)
    return (
        f"cho phép với loại cơ quan: {listed}"
        if _vi(lang)
        else f"allowed for agency types: {listed}"
    )
