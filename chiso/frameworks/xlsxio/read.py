"""Read the framework workbook back to the canonical dict.

Every bad cell is reported at once; columns are found by their header text, so officials may
reorder them. :func:`load_xlsx` also validates the framework and names the sheet, row and column
of each framework problem (:mod:`.locate`).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, BinaryIO

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chiso.engine.problems import Problem, ProblemsError
from chiso.engine.spec import parse_framework

from .cells import CellReader, cell_text
from .layout import (
    ADJUSTMENT_COLUMNS,
    ADJUSTMENTS,
    ADJUSTMENTS_BY_LABEL,
    ALL_TYPES,
    HEADER_ROW,
    INFO,
    INFO_ROWS,
    KINDS_BY_LABEL,
    NODE_COLUMNS,
    NODES,
    RULE_LABELS,
    RULES_BY_LABEL,
)
from .locate import Rows, locate

# Rule keys in the order dump_framework writes them, so that dict → xlsx → dict is the identity
# (manual and yes_no rules have a single parameter).
_RULE_KEY_ORDER = {
    "tiered": ("source", "unit", "bands"),
    "ratio": ("source", "unit", "threshold", "floor_below", "floor_points"),
    "metric": ("metric", "bands", "threshold"),
    "survey": ("survey", "threshold"),
}


def read_xlsx(data: bytes | BinaryIO) -> dict[str, Any]:
    """The canonical framework dict from a workbook; every unreadable cell is reported at once.

    This checks the cells, not the framework: pass the result to ``parse_framework`` (or use
    :func:`load_xlsx`, which does both and names the rows of framework problems).
    """
    return _read(data)[0]


def load_xlsx(data: bytes | BinaryIO, known_facts: Any = None) -> dict[str, Any]:
    """Read and validate a workbook; framework problems name their sheet, row and column."""
    out, rows = _read(data)
    try:
        parse_framework(out, known_facts=known_facts)
    except ProblemsError as exc:
        raise ProblemsError([locate(p, rows) for p in exc.problems]) from exc
    return out


def _read(data: bytes | BinaryIO) -> tuple[dict[str, Any], Rows]:
    """The dict and the rows its parts come from; raises ProblemsError for unreadable cells."""
    wb = _open(data)
    reader = _Reader()
    out = reader.info(wb)
    items = reader.adjustments(wb)
    nodes = reader.nodes(wb)
    if reader.problems:
        raise ProblemsError(reader.problems)
    adjustments = out.pop("adjustments", {})
    if items or any(adjustments.get(k) for k in ("bonus_cap", "penalty_cap")):
        out["adjustments"] = {
            "bonus_cap": adjustments.get("bonus_cap", Decimal(0)),
            "penalty_cap": adjustments.get("penalty_cap", Decimal(0)),
            "items": items,
        }
    out["nodes"] = nodes
    return out, reader.rows


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


class _Reader(CellReader):
    """Reads the three sheets; ``rows`` records where each setting, node and item came from."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: Rows = {}

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

    def table(
        self, wb: Any, name: str, columns: list[tuple[str, str, int]]
    ) -> tuple[dict[str, int], list[tuple[int, dict[str, Any]]]]:
        """The column numbers of sheet ``name`` by key, and each row below the header with
        something in it (its number and cells by key); no rows when the sheet or a column is
        missing (reported)."""
        ws = self.sheet(wb, name)
        if ws is None:
            return {}, []
        cols = self.header(ws, name, columns)
        if len(cols) < len(columns):
            return cols, []
        rows = []
        for row in range(HEADER_ROW + 1, ws.max_row + 1):
            cells = {key: ws.cell(row=row, column=c).value for key, c in cols.items()}
            if any(cell_text(v) != "" for v in cells.values()):
                rows.append((row, cells))
        return cols, rows

    def header(
        self, ws: Worksheet, sheet: str, columns: list[tuple[str, str, int]]
    ) -> dict[str, int]:
        """Map column keys to column numbers by header text, so officials may reorder columns."""
        found = {
            cell_text(ws.cell(row=HEADER_ROW, column=c).value).lower(): c
            for c in range(1, ws.max_column + 1)
        }
        out: dict[str, int] = {}
        for key, header, _width in columns:
            if header.lower() in found:
                out[key] = found[header.lower()]
            else:
                self.bad(sheet, HEADER_ROW, None, "missing_column", header=header)
        return out

    # -- "Thông tin"

    def info(self, wb: Any) -> dict[str, Any]:
        ws = self.sheet(wb, INFO)
        if ws is None:
            return {}
        by_label = {label.lower(): (key, kind) for label, key, kind, _note in INFO_ROWS}
        values: dict[str, Any] = {}
        for row in range(HEADER_ROW + 1, ws.max_row + 1):
            label = cell_text(ws.cell(row=row, column=1).value)
            raw = ws.cell(row=row, column=2).value
            if not label:
                continue
            if label.lower() not in by_label:
                self.bad(INFO, row, 1, "unknown_setting", label=label)
                continue
            key, kind = by_label[label.lower()]
            self.rows[f"info:{key}"] = (INFO, row)
            text = cell_text(raw)
            if kind == "int":
                if text:
                    values[key] = self.integer(raw, INFO, row, 2)
            elif kind == "number":
                if text:
                    values[key] = self.number(raw, INFO, row, 2)
            elif kind == "kind":
                values[key] = KINDS_BY_LABEL.get(text.lower(), text)
            elif kind == "list":
                values[key] = [p.strip() for p in text.split(",") if p.strip()]
            elif kind == "scale":
                values[key] = self.scale(text, INFO, row, 2) if text else []
            else:
                values[key] = text
        return _settings(values)

    # -- "Tiêu chí"

    def nodes(self, wb: Any) -> list[dict[str, Any]]:
        cols, rows = self.table(wb, NODES, NODE_COLUMNS)
        roots: list[dict[str, Any]] = []
        by_code: dict[str, tuple[dict[str, Any], int]] = {}
        for row, cells in rows:
            node, parent, level = self.node_row(cells, cols, row)
            if node is None:
                continue
            code = node["code"]
            self.rows[f"node:{code}"] = (NODES, row)
            depth = 1
            if parent:
                if parent not in by_code:
                    self.bad(NODES, row, cols["parent"], "unknown_parent", parent=parent)
                    continue
                holder, depth = by_code[parent][0], by_code[parent][1] + 1
                holder.setdefault("children", []).append(node)
            else:
                roots.append(node)
            if level is not None and level != depth:
                self.bad(NODES, row, cols["level"], "wrong_level", level=level, depth=depth)
            by_code.setdefault(code, (node, depth))
        return roots

    def node_row(
        self, cells: dict[str, Any], cols: dict[str, int], row: int
    ) -> tuple[dict[str, Any] | None, str, int | None]:
        """The node of one row (None after reporting), its parent's code and its level."""
        code = cell_text(cells["code"])
        if not code:
            self.bad(NODES, row, cols["code"], "missing_code")
            return None, "", None
        level = None
        if cell_text(cells["level"]):
            level = self.integer(cells["level"], NODES, row, cols["level"])
        node: dict[str, Any] = {"code": code, "title": cell_text(cells["title"])}
        node["max_points"] = self.number(cells["max_points"], NODES, row, cols["max_points"])
        kind_text = cell_text(cells["rule"])
        if kind_text:
            rule = self.rule(kind_text, cells, cols, row)
            if rule is not None:
                node["rule"] = rule
        else:
            for key in ("params", "unit", "source"):
                if cell_text(cells[key]):
                    letter = get_column_letter(cols["rule"])
                    self.bad(NODES, row, cols[key], "params_without_rule", letter=letter)
        required = self.flag(cell_text(cells["evidence"]), NODES, row, cols["evidence"])
        hint = cell_text(cells["hint"])
        if required or hint:
            node["evidence"] = {"required": required, **({"hint": hint} if hint else {})}
        na_text = cell_text(cells["na"])
        if na_text:
            if na_text.lower() in (ALL_TYPES.lower(), "có", "x"):
                node["not_applicable"] = {"allowed": True}
            else:
                types = [t.strip() for t in na_text.split(",") if t.strip()]
                node["not_applicable"] = {"allowed": True, "agency_types": types}
        guidance = cell_text(cells["guidance"])
        if guidance:
            node["guidance"] = guidance
        return node, cell_text(cells["parent"]), level

    def rule(
        self, kind_text: str, cells: dict[str, Any], cols: dict[str, int], row: int
    ) -> dict[str, Any] | None:
        kind = RULES_BY_LABEL.get(kind_text.lower())
        if kind is None:
            choices = ", ".join(RULE_LABELS.values())
            self.bad(NODES, row, cols["rule"], "bad_rule_type", value=kind_text, choices=choices)
            return None
        rule: dict[str, Any] = {"type": kind}
        params = self.params(kind, cell_text(cells["params"]), NODES, row, cols["params"])
        unit = cell_text(cells["unit"])
        source = cell_text(cells["source"])
        if kind in ("survey", "metric", "manual", "yes_no") and unit:
            self.bad(NODES, row, cols["unit"], "unit_not_used")
        if kind in ("manual", "yes_no") and source:
            self.bad(NODES, row, cols["source"], "source_not_used")
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
        merged = {**rule, **params}
        keys = ("type",) + _RULE_KEY_ORDER.get(kind, tuple(k for k in merged if k != "type"))
        return {k: merged[k] for k in keys if k in merged}

    # -- "Điểm thưởng, trừ"

    def adjustments(self, wb: Any) -> list[dict[str, Any]]:
        cols, rows = self.table(wb, ADJUSTMENTS, ADJUSTMENT_COLUMNS)
        items: list[dict[str, Any]] = []
        for row, cells in rows:
            self.rows[f"adjustment:{len(items) + 1}"] = (ADJUSTMENTS, row)
            kind_text = cell_text(cells["kind"])
            kind = ADJUSTMENTS_BY_LABEL.get(kind_text.lower())
            if kind is None:
                self.bad(ADJUSTMENTS, row, cols["kind"], "bad_adjustment_kind", value=kind_text)
            item: dict[str, Any] = {
                "code": cell_text(cells["code"]),
                "kind": kind or kind_text,
                "title": cell_text(cells["title"]),
                "points_each": self.number(
                    cells["points_each"], ADJUSTMENTS, row, cols["points_each"]
                ),
                "max": self.number(cells["max"], ADJUSTMENTS, row, cols["max"]),
            }
            evidence = cell_text(cells["evidence_required"])
            if self.flag(evidence, ADJUSTMENTS, row, cols["evidence_required"]):
                item["evidence_required"] = True
            items.append(item)
        return items


def _settings(values: dict[str, Any]) -> dict[str, Any]:
    """The canonical dict's settings from the values of "Thông tin" by key (``rounding.mode``…)."""
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
