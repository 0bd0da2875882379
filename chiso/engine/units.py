"""Units of measured values in English, and what a value with a unit is called.

Frameworks write units in Vietnamese, the language of the official texts ("ngày", "người",
"%"); English pages and explanations translate the known ones and show others as written.
"""

from __future__ import annotations

__all__ = ["UNITS_EN", "UNIT_EN_ONE", "measure_name"]

UNITS_EN = {
    "ngày": "days",
    "người": "people",
    "lần": "times",
    "điểm": "points",
    "văn bản": "documents",
    "hồ sơ": "dossiers",
    "thủ tục": "procedures",
    "cơ quan": "agencies",
    "nhiệm vụ": "tasks",
}
# The singular of each English unit, for a quantity of exactly one ("≤ 1 person", "1 day").
UNIT_EN_ONE = {
    "days": "day",
    "people": "person",
    "times": "time",
    "points": "point",
    "documents": "document",
    "dossiers": "dossier",
    "procedures": "procedure",
    "agencies": "agency",
    "tasks": "task",
}


def measure_name(unit: str, lang: str = "vi") -> str:
    """What a value entered in ``unit`` is, as the agency's entry form calls it: "tỷ lệ" for
    "%", "số ngày" for "ngày", "giá trị" without a unit (English: "rate", "number of days",
    "value")."""
    english = lang.startswith("en")
    unit = unit.strip()
    if unit == "%":
        return "rate" if english else "tỷ lệ"
    if not unit:
        return "value" if english else "giá trị"
    if english:
        return f"number of {UNITS_EN.get(unit.casefold(), unit)}"
    return f"số {unit}"
