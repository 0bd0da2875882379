"""Reading single cells of the framework workbook: numbers, yes/no flags and the notations officials
write ("Tốt: ≥80; Yếu: còn lại", "≥98:3; còn lại:0", "ngưỡng:50"), each unreadable cell reported
as "Sheet 'Tiêu chí', dòng 12, cột F: …" without stopping the reading.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils import get_column_letter

from chiso.engine.problems import Problem
from chiso.engine.spec import fmt_decimal

from .layout import OTHERWISE, RULE_LABELS

# Every problem with a cell, as (Vietnamese, English) ``str.format`` templates; all of them have
# the problem code "xlsx_cell".
MESSAGES: dict[str, tuple[str, str]] = {
    "not_number": ('cần một số, đang ghi "{value}"', 'a number is needed, got "{value}"'),
    "not_integer": ("cần một số nguyên, đang ghi {value}", "a whole number is needed, got {value}"),
    "not_flag": (
        'ghi "Có" hoặc để trống, đang ghi "{value}"',
        'write "Có" (yes) or leave blank, got "{value}"',
    ),
    "bad_class": (
        'không hiểu "{part}"; viết như: Tốt: ≥80; Yếu: còn lại',
        'cannot read "{part}"; write e.g. Tốt: ≥80; Yếu: còn lại',
    ),
    "bad_cut_off": (
        'ngưỡng "{cut}" phải viết như ≥80 hoặc "còn lại"',
        'cut-off "{cut}" must read like ≥80 or "còn lại"',
    ),
    "bad_band": (
        'không hiểu bậc "{part}"; viết như: ≥98:3; ≥95:2; còn lại:0',
        'cannot read band "{part}"; write e.g. ≥98:3; ≥95:2; còn lại:0',
    ),
    "no_bands": (
        "quy tắc theo bậc cần các bậc, ví dụ: ≥98:3; ≥95:2; còn lại:0",
        "a tiered rule needs bands, e.g. ≥98:3; ≥95:2; còn lại:0",
    ),
    "bad_levels": (
        "các mức điểm phải là số cách nhau bởi dấu chấm phẩy, ví dụ 1,5; 0,5; 0 "
        '(đang ghi "{text}")',
        'levels must be numbers separated by semicolons, e.g. 1,5; 0,5; 0 (got "{text}")',
    ),
    "bad_parameter": (
        'không hiểu tham số "{part}" cho loại quy tắc "{rule}"',
        'cannot read parameter "{part}" for rule type "{rule}"',
    ),
    "unknown_setting": ('mục "{label}" không được hỗ trợ', 'unknown setting "{label}"'),
    "missing_column": (
        'thiếu cột "{header}" ở dòng tiêu đề',
        'the header row has no column "{header}"',
    ),
    "unknown_parent": (
        'mã cha "{parent}" chưa có ở các dòng phía trên',
        'parent code "{parent}" does not appear on an earlier row',
    ),
    "wrong_level": (
        "cấp {level} không khớp với mã cha (phải là cấp {depth})",
        "level {level} does not match the parent code (should be {depth})",
    ),
    "missing_code": ("chưa có mã tiêu chí", "the node code is missing"),
    "params_without_rule": (
        "có nội dung nhưng chưa chọn loại quy tắc (cột {letter})",
        "filled in but no rule type is chosen (column {letter})",
    ),
    "bad_rule_type": (
        'loại quy tắc "{value}" không hợp lệ; chọn một trong: {choices}',
        'rule type "{value}" is not valid; choose one of: {choices}',
    ),
    "unit_not_used": (
        "đơn vị tính chỉ dùng cho quy tắc theo bậc hoặc theo tỷ lệ",
        "a unit is only used by tiered and ratio rules",
    ),
    "source_not_used": (
        "quy tắc chấm trực tiếp hoặc có/không không đọc nguồn dữ liệu",
        "manual and yes/no rules read no data source",
    ),
    "bad_adjustment_kind": (
        'loại "{value}" không hợp lệ; ghi "Thưởng" hoặc "Trừ"',
        'kind "{value}" is not valid; write "Thưởng" (bonus) or "Trừ" (penalty)',
    ),
}


def cell_text(value: Any) -> str:
    """A cell as text; numbers typed into a code cell (1.1) come back as "1.1", not 1.1000001."""
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt_decimal(Decimal(repr(value)))
    return str(value).strip()


def to_decimal(value: Any) -> Decimal | None:
    """A cell's number; floats go through their shortest text, "1,5" typed as text is 1.5."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        d = Decimal(repr(value))
    elif isinstance(value, Decimal):
        d = value
    else:
        try:
            d = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            return None
    if not d.is_finite():
        return None
    return Decimal(int(d)) if d == d.to_integral_value() else d


def _parts(text: str) -> list[str]:
    """The non-empty items of a "; "-separated cell."""
    return [p.strip() for p in text.split(";") if p.strip()]


class CellReader:
    """Reads cells, collecting a problem for each one it cannot read and going on."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, sheet: str, row: int, col: int | None, key: str, /, **params: Any) -> None:
        """Report the :data:`MESSAGES` ``key`` for a cell (``col`` None: the whole row)."""
        vi, en = MESSAGES[key]
        letter = get_column_letter(col) if col else ""
        where_vi = f"Sheet '{sheet}', dòng {row}" + (f", cột {letter}" if letter else "")
        where_en = f"Sheet '{sheet}', row {row}" + (f", column {letter}" if letter else "")
        self.problems.append(
            Problem(
                "xlsx_cell",
                "",
                f"{where_vi}: {vi.format(**params)}",
                f"{where_en}: {en.format(**params)}",
                {"sheet": sheet, "row": row, "column": letter, **params},
            )
        )

    def number(
        self, value: Any, sheet: str, row: int, col: int, *, required: bool = True
    ) -> Decimal | None:
        if value in (None, "") and not required:
            return None
        d = to_decimal(value)
        if d is None:
            self.bad(sheet, row, col, "not_number", value="" if value is None else str(value))
        return d

    def integer(self, value: Any, sheet: str, row: int, col: int) -> int | None:
        d = self.number(value, sheet, row, col)
        if d is not None and d != d.to_integral_value():
            self.bad(sheet, row, col, "not_integer", value=str(value))
            return None
        return None if d is None else int(d)

    def flag(self, value: str, sheet: str, row: int, col: int) -> bool:
        lowered = value.lower()
        if lowered in ("", "không", "khong", "no", "false", "0"):
            return False
        if lowered in ("có", "co", "x", "yes", "true", "1"):
            return True
        self.bad(sheet, row, col, "not_flag", value=value)
        return False

    def scale(self, text: str, sheet: str, row: int, col: int) -> list[dict[str, Any]]:
        """A classification scale: "Xuất sắc: ≥90; Tốt: ≥80; Yếu: còn lại"."""
        out: list[dict[str, Any]] = []
        for part in _parts(text):
            label, sep, cut = part.rpartition(":")
            cut = cut.strip()
            if not sep or not label.strip():
                self.bad(sheet, row, col, "bad_class", part=part)
                continue
            if cut.lower() == OTHERWISE:
                out.append({"label": label.strip()})
                continue
            d = to_decimal(cut.lstrip("≥>=").strip()) if cut[:1] in "≥>" else None
            if d is None:
                self.bad(sheet, row, col, "bad_cut_off", cut=cut)
                continue
            out.append({"label": label.strip(), "gte": d})
        return out

    def bands(self, text: str, sheet: str, row: int, col: int) -> list[dict[str, Any]] | None:
        """Bands "≥98:3; ≥95:2; còn lại:0", or None after reporting."""
        out: list[dict[str, Any]] = []
        ok = True
        for part in _parts(text):
            cond, sep, points_text = part.rpartition(":")
            points = to_decimal(points_text.strip()) if sep else None
            cond = cond.strip()
            band: dict[str, Any] = {}
            if cond.lower() == OTHERWISE:
                pass
            elif cond[:1] in "≥≤" or cond[:2] in (">=", "<="):
                key = "gte" if cond[:1] in "≥>" else "lte"
                d = to_decimal(cond.lstrip("≥≤<>=").strip())
                if d is None:
                    points = None
                band[key] = d
            else:
                points = None
            if points is None:
                ok = False
                self.bad(sheet, row, col, "bad_band", part=part)
                continue
            band["points"] = points
            out.append(band)
        return out if ok else None

    def params(self, kind: str, text: str, sheet: str, row: int, col: int) -> dict[str, Any] | None:
        """The rule's parameters from the "Tham số" cell, or None after reporting."""
        looks_like_bands = any(ch in text for ch in "≥≤<>") or OTHERWISE in text.lower()
        if kind == "tiered" or (kind == "metric" and looks_like_bands):
            if not text:
                self.bad(sheet, row, col, "no_bands")
                return None
            bands = self.bands(text, sheet, row, col)
            return None if bands is None else {"bands": bands}
        out: dict[str, Any] = {}
        parts = _parts(text)
        if kind == "manual":
            levels = [to_decimal(p) for p in parts]
            if any(v is None for v in levels):
                self.bad(sheet, row, col, "bad_levels", text=text)
                return None
            return {"levels": levels} if levels else {}
        for part in parts:
            name, sep, value_text = part.rpartition(":")
            name = name.strip().lower()
            value = to_decimal(value_text.strip()) if sep else None
            if kind == "yes_no" and name == "không" and value is not None:
                out["no_points"] = value
            elif kind in ("ratio", "survey", "metric") and name == "ngưỡng" and value is not None:
                out["threshold"] = value
            elif (
                kind == "ratio"
                and name.startswith("dưới")
                and value is not None
                and to_decimal(name[4:].strip()) is not None
            ):
                out["floor_below"] = to_decimal(name[4:].strip())
                if value:
                    out["floor_points"] = value
            else:
                self.bad(sheet, row, col, "bad_parameter", part=part, rule=RULE_LABELS[kind])
                return None
        return out
