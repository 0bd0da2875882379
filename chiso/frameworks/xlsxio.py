"""Frameworks as the Excel workbook officials edit, read and written exactly.

Three sheets (layout in docs/framework-format.md): "Thông tin" (one row per setting),
"Tiêu chí" (one row per field/criterion, parent by code) and "Điểm thưởng, trừ". Parameters are
written the way officials write them (``≥98:3; ≥95:2; còn lại:0``, decimal comma). Reading
reports every bad cell at once as "Sheet 'Tiêu chí', dòng 12, cột F: …"; the dict it returns
is the canonical one, so dict → xlsx → dict is the identity. No Django import.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from chiso.engine.problems import Problem, ProblemsError
from chiso.engine.spec import fmt_decimal, parse_framework

__all__ = ["load_xlsx", "read_xlsx", "write_xlsx"]

INFO, NODES, ADJUSTMENTS = "Thông tin", "Tiêu chí", "Điểm thưởng, trừ"
FONT = "Times New Roman"

RULE_LABELS = {
    "manual": "Chấm trực tiếp",
    "yes_no": "Có/Không",
    "tiered": "Theo bậc",
    "ratio": "Theo tỷ lệ",
    "survey": "Điều tra xã hội học",
    "metric": "Chỉ số tự động",
}
KIND_LABELS = {"par_index": "Chỉ số CCHC", "service_index": "Chỉ số phục vụ (766)"}
ADJUSTMENT_LABELS = {"bonus": "Thưởng", "penalty": "Trừ"}
OTHERWISE = "còn lại"
ALL_TYPES = "Tất cả"
YES = "Có"

# Sheet "Thông tin": (label, key, kind, note). Keys with a dot live in a sub-dict.
INFO_ROWS: list[tuple[str, str, str, str]] = [
    (
        "Mã bộ chỉ số",
        "code",
        "text",
        "Chữ thường không dấu, số, gạch ngang; giữ nguyên qua các năm",
    ),
    ("Năm áp dụng", "year", "int", ""),
    ("Phiên bản", "version", "int", "1, 2, 3… khi sửa bộ chỉ số trong cùng một năm"),
    ("Tên bộ chỉ số", "title", "text", ""),
    ("Loại bộ chỉ số", "kind", "kind", "Chỉ số CCHC hoặc Chỉ số phục vụ (766)"),
    ("Khối áp dụng", "blocks", "list", "Mã các khối, cách nhau bởi dấu phẩy"),
    ("Tổng điểm", "total_points", "number", ""),
    ("Số chữ số thập phân của điểm", "rounding.points", "int", "Từ 0 đến 6"),
    ("Số chữ số thập phân của tỷ lệ %", "rounding.percent", "int", "Từ 0 đến 6"),
    ("Cách làm tròn", "rounding.mode", "text", "half_up (làm tròn lên từ 5), half_even, down"),
    ("Điểm cuối cùng thấp nhất", "final_min", "number", ""),
    ("Điểm cuối cùng cao nhất", "final_max", "number", ""),
    ("Xếp loại", "classification", "scale", "Ví dụ: Xuất sắc: ≥90; Tốt: ≥80; Yếu: còn lại"),
    (
        "Tiêu chí phụ khi bằng điểm",
        "tie_break",
        "list",
        "final, base, bonus, penalty, survey, name, node:<mã>",
    ),
    (
        "Trọng số phần được phân công của cấp phó",
        "leaders.deputy_assigned_weight",
        "number",
        "Từ 0 đến 1",
    ),
    ("Thang xếp loại lãnh đạo", "leaders.scale", "scale", "Để trống: dùng thang xếp loại ở trên"),
    ("Trần điểm thưởng", "adjustments.bonus_cap", "number", ""),
    ("Trần điểm trừ", "adjustments.penalty_cap", "number", ""),
]

# Sheet "Tiêu chí": (key, header, width).
NODE_COLUMNS: list[tuple[str, str, int]] = [
    ("level", "Cấp", 6),
    ("code", "Mã", 8),
    ("parent", "Mã cha", 8),
    ("title", "Nội dung", 60),
    ("max_points", "Điểm tối đa", 10),
    ("rule", "Loại quy tắc", 18),
    ("params", "Tham số", 34),
    ("unit", "Đơn vị tính", 10),
    ("source", "Nguồn dữ liệu", 30),
    ("evidence", "Minh chứng bắt buộc", 12),
    ("hint", "Tài liệu minh chứng", 34),
    ("guidance", "Hướng dẫn", 50),
    ("na", "Không đánh giá (N/A) cho loại cơ quan", 18),
]
ADJUSTMENT_COLUMNS: list[tuple[str, str, int]] = [
    ("code", "Mã", 8),
    ("kind", "Loại", 10),
    ("title", "Nội dung", 70),
    ("points_each", "Điểm mỗi lần", 12),
    ("max", "Tối đa", 10),
    ("evidence_required", "Minh chứng bắt buộc", 12),
]
HEADER_ROW = 2  # row 1 holds the merged sheet title


# ---------------------------------------------------------------------------- numbers and text


def _cell_number(value: Decimal | int) -> int | Decimal:
    """What to put in a cell: an int when whole, else a Decimal without exponent."""
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else Decimal(fmt_decimal(d))


def _to_decimal(value: Any) -> Decimal | None:
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


def _num_text(value: Any) -> str:
    return fmt_decimal(Decimal(str(value)), "vi")


def bands_text(bands: list[Mapping[str, Any]]) -> str:
    parts = []
    for b in bands:
        if b.get("gte") is not None:
            cond = f"≥{_num_text(b['gte'])}"
        elif b.get("lte") is not None:
            cond = f"≤{_num_text(b['lte'])}"
        else:
            cond = OTHERWISE
        parts.append(f"{cond}:{_num_text(b['points'])}")
    return "; ".join(parts)


def scale_text(scale: list[Mapping[str, Any]]) -> str:
    return "; ".join(
        f"{c['label']}: ≥{_num_text(c['gte'])}"
        if c.get("gte") is not None
        else f"{c['label']}: {OTHERWISE}"
        for c in scale
    )


def params_text(rule: Mapping[str, Any]) -> str:
    kind = rule["type"]
    parts: list[str] = []
    if kind == "manual":
        parts = [_num_text(v) for v in rule.get("levels", [])]
    elif kind == "yes_no" and rule.get("no_points"):
        parts = [f"không:{_num_text(rule['no_points'])}"]
    elif kind in ("tiered", "metric") and rule.get("bands"):
        return bands_text(rule["bands"])
    if kind in ("ratio", "survey", "metric") and "threshold" in rule:
        parts.append(f"ngưỡng:{_num_text(rule['threshold'])}")
    if kind == "ratio" and rule.get("floor_below") is not None:
        parts.append(
            f"dưới {_num_text(rule['floor_below'])}:{_num_text(rule.get('floor_points', 0))}"
        )
    return "; ".join(parts)


def source_text(rule: Mapping[str, Any]) -> str:
    if rule["type"] == "survey":
        return f"survey.{rule['survey']}"
    if rule["type"] == "metric":
        return str(rule["metric"])
    return str(rule.get("source", ""))


# ---------------------------------------------------------------------------- writing


@dataclass
class _Style:
    font: Font = field(default_factory=lambda: Font(name=FONT, size=12))
    bold: Font = field(default_factory=lambda: Font(name=FONT, size=12, bold=True))
    title: Font = field(default_factory=lambda: Font(name=FONT, size=14, bold=True))
    fill: PatternFill = field(
        default_factory=lambda: PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
    )
    field_fill: PatternFill = field(
        default_factory=lambda: PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
    )
    border: Border = field(
        default_factory=lambda: Border(*(Side(style="thin", color="999999"),) * 4)
    )
    wrap: Alignment = field(default_factory=lambda: Alignment(wrap_text=True, vertical="top"))
    center: Alignment = field(
        default_factory=lambda: Alignment(horizontal="center", vertical="center", wrap_text=True)
    )


def _put(
    ws: Worksheet, row: int, col: int, value: Any, style: _Style, *, bold: bool = False
) -> None:
    cell = ws.cell(row=row, column=col)
    cell.value = None if value == "" else value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # a title starting with "=" is text, not a formula
    cell.font = style.bold if bold else style.font
    cell.alignment = style.wrap
    cell.border = style.border
    if isinstance(value, str):
        cell.number_format = "@"


def _sheet(
    wb: Workbook, name: str, title: str, columns: list[tuple[str, str, int]], s: _Style
) -> Worksheet:
    ws = wb.create_sheet(name)
    ws.cell(row=1, column=1, value=title).font = s.title
    ws.cell(row=1, column=1).alignment = s.center
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.row_dimensions[1].height = 30
    for i, (_key, header, width) in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=header)
        cell.font, cell.fill, cell.alignment, cell.border = s.bold, s.fill, s.center, s.border
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
    return ws


def _info_value(data: Mapping[str, Any], key: str, kind: str) -> Any:
    if key == "final_min":
        return data.get("final_range", [0, 100])[0]
    if key == "final_max":
        return data.get("final_range", [0, 100])[1]
    if "." in key:
        group, sub = key.split(".")
        value = (data.get(group) or {}).get(sub)
    else:
        value = data.get(key)
    if value is None:
        return ""
    if kind == "kind":
        return KIND_LABELS.get(value, value)
    if kind == "list":
        return ", ".join(str(v) for v in value)
    if kind == "scale":
        return scale_text(value)
    if kind == "number":
        return _cell_number(value)
    return value


def write_xlsx(data: Mapping[str, Any]) -> bytes:
    """The workbook for a canonical framework dict (validate it first: this only lays it out)."""
    s = _Style()
    wb = Workbook()
    wb.remove(wb.active)
    info_columns = [("label", "Mục", 42), ("value", "Giá trị", 60), ("note", "Ghi chú", 50)]
    ws = _sheet(wb, INFO, "THÔNG TIN BỘ CHỈ SỐ", info_columns, s)
    for r, (label, key, kind, note) in enumerate(INFO_ROWS, start=HEADER_ROW + 1):
        _put(ws, r, 1, label, s, bold=True)
        _put(ws, r, 2, _info_value(data, key, kind), s)
        _put(ws, r, 3, note, s)
        ws.cell(row=r, column=3).font = Font(name=FONT, size=11, italic=True, color="666666")

    ws = _sheet(wb, NODES, str(data.get("title", "")).upper(), NODE_COLUMNS, s)
    rule_list = DataValidation(
        type="list", formula1='"' + ",".join(RULE_LABELS.values()) + '"', allow_blank=True
    )
    yes_list = DataValidation(type="list", formula1=f'"{YES}"', allow_blank=True)
    ws.add_data_validation(rule_list)
    ws.add_data_validation(yes_list)
    row = HEADER_ROW + 1
    for node, parent, depth in _walk(data.get("nodes", []), "", 1):
        _node_row(ws, row, node, parent, depth, s)
        if depth == 1:
            for col in range(1, len(NODE_COLUMNS) + 1):
                ws.cell(row=row, column=col).fill = s.field_fill
                ws.cell(row=row, column=col).font = s.bold
        row += 1
    if row > HEADER_ROW + 1:
        rule_list.add(f"F{HEADER_ROW + 1}:F{row + 200}")
        yes_list.add(f"J{HEADER_ROW + 1}:J{row + 200}")

    ws = _sheet(wb, ADJUSTMENTS, "ĐIỂM THƯỞNG, ĐIỂM TRỪ", ADJUSTMENT_COLUMNS, s)
    items = (data.get("adjustments") or {}).get("items", [])
    for r, item in enumerate(items, start=HEADER_ROW + 1):
        values = [
            item["code"],
            ADJUSTMENT_LABELS.get(item["kind"], item["kind"]),
            item["title"],
            _cell_number(item["points_each"]),
            _cell_number(item["max"]),
            YES if item.get("evidence_required") else "",
        ]
        for c, value in enumerate(values, start=1):
            _put(ws, r, c, value, s)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _walk(nodes: list[Mapping[str, Any]], parent: str, depth: int) -> Any:
    for node in nodes:
        yield node, parent, depth
        yield from _walk(node.get("children", []), str(node["code"]), depth + 1)


def _node_row(
    ws: Worksheet, row: int, node: Mapping[str, Any], parent: str, depth: int, s: _Style
) -> None:
    rule = node.get("rule")
    evidence = node.get("evidence") or {}
    na = node.get("not_applicable") or {}
    unit = ""
    if rule and rule["type"] == "tiered":
        unit = rule.get("unit", "")
    elif rule and rule["type"] == "ratio":
        unit = rule.get("unit", "%")
    na_text = ""
    if na.get("allowed"):
        na_text = ", ".join(na.get("agency_types", [])) or ALL_TYPES
    values = {
        "level": depth,
        "code": str(node["code"]),
        "parent": parent,
        "title": node.get("title", ""),
        "max_points": _cell_number(node["max_points"]),
        "rule": RULE_LABELS[rule["type"]] if rule else "",
        "params": params_text(rule) if rule else "",
        "unit": unit,
        "source": source_text(rule) if rule else "",
        "evidence": YES if evidence.get("required") else "",
        "hint": evidence.get("hint", ""),
        "guidance": node.get("guidance", ""),
        "na": na_text,
    }
    for c, (key, _header, _width) in enumerate(NODE_COLUMNS, start=1):
        _put(ws, row, c, values[key], s)


# ---------------------------------------------------------------------------- reading


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.rows: dict[str, tuple[str, int]] = {}  # spec location prefix -> (sheet, row)

    def bad(self, sheet: str, row: int, col: int | None, vi: str, en: str, **params: Any) -> None:
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

    # -- helpers

    def number(
        self, value: Any, sheet: str, row: int, col: int, *, required: bool = True
    ) -> Decimal | None:
        if value in (None, "") and not required:
            return None
        d = _to_decimal(value)
        if d is None:
            self.bad(
                sheet,
                row,
                col,
                'cần một số, đang ghi "{value}"',
                'a number is needed, got "{value}"',
                value="" if value is None else str(value),
            )
        return d

    def integer(self, value: Any, sheet: str, row: int, col: int) -> int | None:
        d = self.number(value, sheet, row, col)
        if d is not None and d != d.to_integral_value():
            self.bad(
                sheet,
                row,
                col,
                "cần một số nguyên, đang ghi {value}",
                "a whole number is needed, got {value}",
                value=str(value),
            )
            return None
        return None if d is None else int(d)

    def flag(self, value: str, sheet: str, row: int, col: int) -> bool:
        lowered = value.lower()
        if lowered in ("", "không", "khong", "no", "false", "0"):
            return False
        if lowered in ("có", "co", "x", "yes", "true", "1"):
            return True
        self.bad(
            sheet,
            row,
            col,
            'ghi "Có" hoặc để trống, đang ghi "{value}"',
            'write "Có" (yes) or leave blank, got "{value}"',
            value=value,
        )
        return False

    def scale(self, text: str, sheet: str, row: int, col: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for part in [p.strip() for p in text.split(";") if p.strip()]:
            label, sep, cut = part.rpartition(":")
            cut = cut.strip()
            if not sep or not label.strip():
                self.bad(
                    sheet,
                    row,
                    col,
                    'không hiểu "{part}"; viết như: Tốt: ≥80; Yếu: còn lại',
                    'cannot read "{part}"; write e.g. Tốt: ≥80; Yếu: còn lại',
                    part=part,
                )
                continue
            if cut.lower() == OTHERWISE:
                out.append({"label": label.strip()})
                continue
            d = _to_decimal(cut.lstrip("≥>=").strip()) if cut[:1] in "≥>" else None
            if d is None:
                self.bad(
                    sheet,
                    row,
                    col,
                    'ngưỡng "{cut}" phải viết như ≥80 hoặc "còn lại"',
                    'cut-off "{cut}" must read like ≥80 or "còn lại"',
                    cut=cut,
                )
                continue
            out.append({"label": label.strip(), "gte": d})
        return out

    def bands(self, text: str, sheet: str, row: int, col: int) -> list[dict[str, Any]] | None:
        out: list[dict[str, Any]] = []
        ok = True
        for part in [p.strip() for p in text.split(";") if p.strip()]:
            cond, sep, points_text = part.rpartition(":")
            points = _to_decimal(points_text.strip()) if sep else None
            cond = cond.strip()
            band: dict[str, Any] = {}
            if cond.lower() == OTHERWISE:
                pass
            elif cond[:1] in "≥≤" or cond[:2] in (">=", "<="):
                key = "gte" if cond[:1] in "≥>" else "lte"
                d = _to_decimal(cond.lstrip("≥≤<>=").strip())
                if d is None:
                    points = None
                band[key] = d
            else:
                points = None
            if points is None:
                ok = False
                self.bad(
                    sheet,
                    row,
                    col,
                    'không hiểu bậc "{part}"; viết như: ≥98:3; ≥95:2; còn lại:0',
                    'cannot read band "{part}"; write e.g. ≥98:3; ≥95:2; còn lại:0',
                    part=part,
                )
                continue
            band["points"] = points
            out.append(band)
        return out if ok else None

    def params(self, kind: str, text: str, sheet: str, row: int, col: int) -> dict[str, Any] | None:
        """The rule's parameters from the "Tham số" cell, or None after reporting."""
        looks_like_bands = any(ch in text for ch in "≥≤<>") or OTHERWISE in text.lower()
        if kind == "tiered" or (kind == "metric" and looks_like_bands):
            if not text:
                self.bad(
                    sheet,
                    row,
                    col,
                    "quy tắc theo bậc cần các bậc, ví dụ: ≥98:3; ≥95:2; còn lại:0",
                    "a tiered rule needs bands, e.g. ≥98:3; ≥95:2; còn lại:0",
                )
                return None
            bands = self.bands(text, sheet, row, col)
            return None if bands is None else {"bands": bands}
        out: dict[str, Any] = {}
        parts = [p.strip() for p in text.split(";") if p.strip()]
        if kind == "manual":
            levels = [_to_decimal(p) for p in parts]
            if any(v is None for v in levels):
                self.bad(
                    sheet,
                    row,
                    col,
                    'các mức điểm phải là số cách nhau bởi dấu chấm phẩy, ví dụ 1,5; 0,5; 0 (đang ghi "{text}")',
                    'levels must be numbers separated by semicolons, e.g. 1,5; 0,5; 0 (got "{text}")',
                    text=text,
                )
                return None
            return {"levels": levels} if levels else {}
        for part in parts:
            name, sep, value_text = part.rpartition(":")
            name = name.strip().lower()
            value = _to_decimal(value_text.strip()) if sep else None
            if kind == "yes_no" and name == "không" and value is not None:
                out["no_points"] = value
            elif kind in ("ratio", "survey", "metric") and name == "ngưỡng" and value is not None:
                out["threshold"] = value
            elif (
                kind == "ratio"
                and name.startswith("dưới")
                and value is not None
                and _to_decimal(name[4:].strip()) is not None
            ):
                out["floor_below"] = _to_decimal(name[4:].strip())
                if value:
                    out["floor_points"] = value
            else:
                self.bad(
                    sheet,
                    row,
                    col,
                    'không hiểu tham số "{part}" cho loại quy tắc "{rule}"',
                    'cannot read parameter "{part}" for rule type "{rule}"',
                    part=part,
                    rule=RULE_LABELS[kind],
                )
                return None
        return out

    # -- sheets

    def info(self, wb: Any) -> dict[str, Any]:
        ws = self.sheet(wb, INFO)
        if ws is None:
            return {}
        by_label = {label.lower(): (key, kind) for label, key, kind, _note in INFO_ROWS}
        values: dict[str, Any] = {}
        for row in range(HEADER_ROW + 1, ws.max_row + 1):
            label = _text(ws.cell(row=row, column=1).value)
            raw = ws.cell(row=row, column=2).value
            if not label:
                continue
            if label.lower() not in by_label:
                self.bad(
                    INFO,
                    row,
                    1,
                    'mục "{label}" không được hỗ trợ',
                    'unknown setting "{label}"',
                    label=label,
                )
                continue
            key, kind = by_label[label.lower()]
            self.rows[f"info:{key}"] = (INFO, row)
            text = _text(raw)
            if kind == "int":
                if text:
                    values[key] = self.integer(raw, INFO, row, 2)
            elif kind == "number":
                if text:
                    values[key] = self.number(raw, INFO, row, 2)
            elif kind == "kind":
                reverse = {v.lower(): k for k, v in KIND_LABELS.items()}
                values[key] = reverse.get(text.lower(), text)
            elif kind == "list":
                values[key] = [p.strip() for p in text.split(",") if p.strip()]
            elif kind == "scale":
                values[key] = self.scale(text, INFO, row, 2) if text else []
            else:
                values[key] = text
        out: dict[str, Any] = {}
        for key in ("code", "year", "version", "title", "kind", "blocks", "total_points"):
            if key in values:
                out[key] = values[key]
        rounding = {
            k: values[f"rounding.{k}"]
            for k in ("points", "percent", "mode")
            if f"rounding.{k}" in values
        }
        if rounding:
            out["rounding"] = rounding
        if "final_min" in values or "final_max" in values:
            out["final_range"] = [
                values.get("final_min", Decimal(0)),
                values.get("final_max", Decimal(100)),
            ]
        for key in ("classification", "tie_break"):
            if key in values:
                out[key] = values[key]
        leaders: dict[str, Any] = {}
        if "leaders.deputy_assigned_weight" in values:
            leaders["deputy_assigned_weight"] = values["leaders.deputy_assigned_weight"]
        if values.get("leaders.scale"):
            leaders["scale"] = values["leaders.scale"]
        if leaders:
            out["leaders"] = leaders
        for cap in ("bonus_cap", "penalty_cap"):
            if f"adjustments.{cap}" in values:
                out.setdefault("adjustments", {})[cap] = values[f"adjustments.{cap}"]
        return out

    def sheet(self, wb: Any, name: str) -> Worksheet | None:
        if name in wb.sheetnames:
            return wb[name]
        self.problems.append(
            Problem.make(
                "xlsx_sheet_missing",
                "",
                vi="Tệp Excel thiếu sheet '{sheet}'",
                en="The workbook has no sheet '{sheet}'",
                sheet=name,
            )
        )
        return None

    def header(
        self, ws: Worksheet, sheet: str, columns: list[tuple[str, str, int]]
    ) -> dict[str, int]:
        """Map column keys to column numbers by header text, so officials may reorder columns."""
        found = {
            _text(ws.cell(row=HEADER_ROW, column=c).value).lower(): c
            for c in range(1, ws.max_column + 1)
        }
        out: dict[str, int] = {}
        for key, header, _width in columns:
            if header.lower() in found:
                out[key] = found[header.lower()]
            else:
                self.bad(
                    sheet,
                    HEADER_ROW,
                    None,
                    'thiếu cột "{header}" ở dòng tiêu đề',
                    'the header row has no column "{header}"',
                    header=header,
                )
        return out

    def nodes(self, wb: Any) -> list[dict[str, Any]]:
        ws = self.sheet(wb, NODES)
        if ws is None:
            return []
        cols = self.header(ws, NODES, NODE_COLUMNS)
        if len(cols) < len(NODE_COLUMNS):
            return []
        roots: list[dict[str, Any]] = []
        by_code: dict[str, tuple[dict[str, Any], int]] = {}
        for row in range(HEADER_ROW + 1, ws.max_row + 1):
            cells = {key: ws.cell(row=row, column=c).value for key, c in cols.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            node, parent, level = self.node_row(cells, cols, row)
            if node is None:
                continue
            code = node["code"]
            self.rows[f"node:{code}"] = (NODES, row)
            depth = 1
            if parent:
                if parent not in by_code:
                    self.bad(
                        NODES,
                        row,
                        cols["parent"],
                        'mã cha "{parent}" chưa có ở các dòng phía trên',
                        'parent code "{parent}" does not appear on an earlier row',
                        parent=parent,
                    )
                    continue
                holder, depth = by_code[parent][0], by_code[parent][1] + 1
                holder.setdefault("children", []).append(node)
            else:
                roots.append(node)
            if level is not None and level != depth:
                self.bad(
                    NODES,
                    row,
                    cols["level"],
                    "cấp {level} không khớp với mã cha (phải là cấp {depth})",
                    "level {level} does not match the parent code (should be {depth})",
                    level=level,
                    depth=depth,
                )
            by_code.setdefault(code, (node, depth))
        return roots

    def node_row(
        self, cells: dict[str, Any], cols: dict[str, int], row: int
    ) -> tuple[dict[str, Any] | None, str, int | None]:
        code = _text(cells["code"])
        if not code:
            self.bad(NODES, row, cols["code"], "chưa có mã tiêu chí", "the node code is missing")
            return None, "", None
        level = None
        if _text(cells["level"]):
            level = self.integer(cells["level"], NODES, row, cols["level"])
        node: dict[str, Any] = {"code": code, "title": _text(cells["title"])}
        node["max_points"] = self.number(cells["max_points"], NODES, row, cols["max_points"])
        kind_text = _text(cells["rule"])
        if kind_text:
            rule = self.rule(kind_text, cells, cols, row)
            if rule is not None:
                node["rule"] = rule
        else:
            for key in ("params", "unit", "source"):
                if _text(cells[key]):
                    self.bad(
                        NODES,
                        row,
                        cols[key],
                        "có nội dung nhưng chưa chọn loại quy tắc (cột {letter})",
                        "filled in but no rule type is chosen (column {letter})",
                        letter=get_column_letter(cols["rule"]),
                    )
        required = self.flag(_text(cells["evidence"]), NODES, row, cols["evidence"])
        hint = _text(cells["hint"])
        if required or hint:
            node["evidence"] = {"required": required, **({"hint": hint} if hint else {})}
        na_text = _text(cells["na"])
        if na_text:
            if na_text.lower() in (ALL_TYPES.lower(), "có", "x"):
                node["not_applicable"] = {"allowed": True}
            else:
                types = [t.strip() for t in na_text.split(",") if t.strip()]
                node["not_applicable"] = {"allowed": True, "agency_types": types}
        guidance = _text(cells["guidance"])
        if guidance:
            node["guidance"] = guidance
        return node, _text(cells["parent"]), level

    def rule(
        self, kind_text: str, cells: dict[str, Any], cols: dict[str, int], row: int
    ) -> dict[str, Any] | None:
        reverse = {v.lower(): k for k, v in RULE_LABELS.items()} | {k: k for k in RULE_LABELS}
        kind = reverse.get(kind_text.lower())
        if kind is None:
            self.bad(
                NODES,
                row,
                cols["rule"],
                'loại quy tắc "{value}" không hợp lệ; chọn một trong: {choices}',
                'rule type "{value}" is not valid; choose one of: {choices}',
                value=kind_text,
                choices=", ".join(RULE_LABELS.values()),
            )
            return None
        rule: dict[str, Any] = {"type": kind}
        params = self.params(kind, _text(cells["params"]), NODES, row, cols["params"])
        unit = _text(cells["unit"])
        source = _text(cells["source"])
        if kind in ("survey", "metric", "manual", "yes_no") and unit:
            self.bad(
                NODES,
                row,
                cols["unit"],
                "đơn vị tính chỉ dùng cho quy tắc theo bậc hoặc theo tỷ lệ",
                "a unit is only used by tiered and ratio rules",
            )
        if kind in ("manual", "yes_no") and source:
            self.bad(
                NODES,
                row,
                cols["source"],
                "quy tắc chấm trực tiếp hoặc có/không không đọc nguồn dữ liệu",
                "manual and yes/no rules read no data source",
            )
        if kind == "survey":
            rule["survey"] = source.removeprefix("survey.")
        elif kind == "metric":
            rule["metric"] = source
        elif kind in ("tiered", "ratio") and source:
            rule["source"] = source
        if kind == "tiered" and unit:
            rule["unit"] = unit
        if kind == "ratio" and unit != "%" and unit:
            rule["unit"] = unit
        if params is None:
            return None
        order = {
            "tiered": ("source", "unit", "bands"),
            "ratio": ("source", "unit", "threshold", "floor_below", "floor_points"),
            "metric": ("metric", "bands", "threshold"),
            "survey": ("survey", "threshold"),
        }
        merged = {**rule, **params}
        keys = ("type",) + order.get(kind, tuple(k for k in merged if k != "type"))
        return {k: merged[k] for k in keys if k in merged}

    def adjustments(self, wb: Any) -> list[dict[str, Any]]:
        ws = self.sheet(wb, ADJUSTMENTS)
        if ws is None:
            return []
        cols = self.header(ws, ADJUSTMENTS, ADJUSTMENT_COLUMNS)
        if len(cols) < len(ADJUSTMENT_COLUMNS):
            return []
        items: list[dict[str, Any]] = []
        reverse = {v.lower(): k for k, v in ADJUSTMENT_LABELS.items()} | {
            k: k for k in ADJUSTMENT_LABELS
        }
        for row in range(HEADER_ROW + 1, ws.max_row + 1):
            cells = {key: ws.cell(row=row, column=c).value for key, c in cols.items()}
            if all(_text(v) == "" for v in cells.values()):
                continue
            self.rows[f"adjustment:{len(items) + 1}"] = (ADJUSTMENTS, row)
            kind_text = _text(cells["kind"])
            kind = reverse.get(kind_text.lower())
            if kind is None:
                self.bad(
                    ADJUSTMENTS,
                    row,
                    cols["kind"],
                    'loại "{value}" không hợp lệ; ghi "Thưởng" hoặc "Trừ"',
                    'kind "{value}" is not valid; write "Thưởng" (bonus) or "Trừ" (penalty)',
                    value=kind_text,
                )
            item: dict[str, Any] = {
                "code": _text(cells["code"]),
                "kind": kind or kind_text,
                "title": _text(cells["title"]),
                "points_each": self.number(
                    cells["points_each"], ADJUSTMENTS, row, cols["points_each"]
                ),
                "max": self.number(cells["max"], ADJUSTMENTS, row, cols["max"]),
            }
            if self.flag(
                _text(cells["evidence_required"]), ADJUSTMENTS, row, cols["evidence_required"]
            ):
                item["evidence_required"] = True
            items.append(item)
        return items


def _text(value: Any) -> str:
    """A cell as text; numbers typed into a code cell (1.1) come back as "1.1", not 1.1000001."""
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt_decimal(Decimal(repr(value)))
    return str(value).strip()


def _open(data: bytes | BinaryIO) -> Any:
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        return load_workbook(stream, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ProblemsError(
            [
                Problem.make(
                    "xlsx_unreadable",
                    "",
                    vi="Tệp không phải là bảng tính Excel (.xlsx) đọc được ({detail})",
                    en="The file is not a readable Excel workbook (.xlsx) ({detail})",
                    detail=type(exc).__name__,
                )
            ]
        ) from exc


def _read(data: bytes | BinaryIO) -> tuple[dict[str, Any], _Reader]:
    wb = _open(data)
    reader = _Reader()
    out = reader.info(wb)
    items = reader.adjustments(wb)
    nodes = reader.nodes(wb)
    adjustments = out.pop("adjustments", {})
    if items or any(adjustments.get(k) for k in ("bonus_cap", "penalty_cap")):
        out["adjustments"] = {
            "bonus_cap": adjustments.get("bonus_cap", Decimal(0)),
            "penalty_cap": adjustments.get("penalty_cap", Decimal(0)),
            "items": items,
        }
    out["nodes"] = nodes
    return out, reader


def read_xlsx(data: bytes | BinaryIO) -> dict[str, Any]:
    """The canonical framework dict from a workbook; every unreadable cell is reported at once.

    This checks the cells, not the framework: pass the result to ``parse_framework`` (or use
    :func:`load_xlsx`, which does both and names the rows of framework problems).
    """
    out, reader = _read(data)
    if reader.problems:
        raise ProblemsError(reader.problems)
    return out


def load_xlsx(data: bytes | BinaryIO, known_facts: Any = None) -> dict[str, Any]:
    """Read and validate a workbook; framework problems name their sheet, row and column."""
    out, reader = _read(data)
    if reader.problems:
        raise ProblemsError(reader.problems)
    try:
        parse_framework(out, known_facts=known_facts)
    except ProblemsError as exc:
        raise ProblemsError([_locate(p, reader.rows) for p in exc.problems]) from exc
    return out


# Which column of "Tiêu chí" a framework problem points at, by the field it names.
_FIELD_COLUMN = {
    "code": "code",
    "title": "title",
    "max_points": "max_points",
    "children": "max_points",
    "rule": "rule",
    "type": "rule",
    "levels": "params",
    "bands": "params",
    "gte": "params",
    "lte": "params",
    "points": "params",
    "threshold": "params",
    "floor_below": "params",
    "floor_points": "params",
    "no_points": "params",
    "unit": "unit",
    "source": "source",
    "survey": "source",
    "metric": "source",
    "evidence": "evidence",
    "required": "evidence",
    "hint": "hint",
    "guidance": "guidance",
    "not_applicable": "na",
    "allowed": "na",
    "agency_types": "na",
}
_INFO_KEYS = {
    "classification": "classification",
    "tie_break": "tie_break",
    "total_points": "total_points",
    "code": "code",
    "year": "year",
    "version": "version",
    "title": "title",
    "kind": "kind",
    "blocks": "blocks",
    "final_range": "final_min",
    "rounding": "rounding.points",
    "leaders": "leaders.deputy_assigned_weight",
    "scale": "leaders.scale",
}


def _locate(problem: Problem, rows: dict[str, tuple[str, int]]) -> Problem:
    """Put the sheet/row/column of a framework problem in front of its message."""
    where = problem.where
    place: tuple[str, int] | None = None
    column: int | None = None
    if "›" in where:
        code, _sep, rest = where.partition("›")
        place = rows.get(f"node:{code.strip()}")
        key = re.sub(r"\[\d+\]", "", rest.strip()).split(".")[-1]
        if key in _FIELD_COLUMN:
            column = 1 + [k for k, _h, _w in NODE_COLUMNS].index(_FIELD_COLUMN[key])
    elif where in rows or f"node:{where}" in rows:
        place = rows.get(f"node:{where}")
    elif where.startswith("adjustments.items["):
        number = re.findall(r"\d+", where)[0]
        place = rows.get(f"adjustment:{number}")
    else:
        head = re.sub(r"\[\d+\]", "", where.split(".")[0])
        if head == "leaders" and "scale" in where:
            head = "scale"
        if head == "adjustments":
            key = where.split(".")[-1]
            place = rows.get(f"info:adjustments.{key}")
        else:
            place = rows.get(f"info:{_INFO_KEYS.get(head, head)}")
        column = 2 if place else None
    if place is None:
        return problem
    sheet, row = place
    letter = f", cột {get_column_letter(column)}" if column else ""
    letter_en = f", column {get_column_letter(column)}" if column else ""
    suffix = f" ({where})" if where else ""
    return Problem(
        problem.code,
        "",
        f"Sheet '{sheet}', dòng {row}{letter}{suffix}: {problem.vi}",
        f"Sheet '{sheet}', row {row}{letter_en}{suffix}: {problem.en}",
        {**problem.params, "sheet": sheet, "row": row},
    )
