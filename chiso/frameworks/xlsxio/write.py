"""Write a canonical framework dict as the workbook officials edit.

Parameters are written the way officials write them (``≥98:3; ≥95:2; còn lại:0``, decimal comma);
:mod:`.read` reads that notation back to the same dict.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from chiso.engine.spec import fmt_decimal

from .layout import (
    ADJUSTMENT_COLUMNS,
    ADJUSTMENT_LABELS,
    ADJUSTMENTS,
    ALL_TYPES,
    HEADER_ROW,
    INFO,
    INFO_ROWS,
    KIND_LABELS,
    NODE_COLUMNS,
    NODES,
    OTHERWISE,
    RULE_LABELS,
    YES,
)

FONT = "Times New Roman"


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


def _walk(
    nodes: list[Mapping[str, Any]], parent: str, depth: int
) -> Iterator[tuple[Mapping[str, Any], str, int]]:
    """Every node dict in tree order, with its parent's code and its depth (1: a field)."""
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


# ---------------------------------------------------------------------------- cell text


def _cell_number(value: Decimal | int) -> int | Decimal:
    """What to put in a cell: an int when whole, else a Decimal without exponent."""
    d = Decimal(value)
    return int(d) if d == d.to_integral_value() else Decimal(fmt_decimal(d))


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


# ---------------------------------------------------------------------------- styles


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
