"""The "Người đứng đầu, cấp phó" sheet of a block's workbook: the table of the results page
``/results/leaders/<year>/<block>/`` (chiso.results.leaders), the same rows and numbers."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from chiso.reports import xlsx
from chiso.results.leaders import LeaderRow, leader_table, visible_agency_ids
from chiso.results.models import ResultSet

WRAP = Alignment(wrap_text=True, vertical="top")


def _role(row: LeaderRow) -> str:
    if row.title:
        return row.title
    return _("Head") if row.is_head else _("Deputy head")


def _fields(row: LeaderRow, year: int) -> str:
    if row.is_head:
        return _("All fields (the agency's index)")
    if row.unassigned:
        return _("no fields assigned for %(year)s") % {"year": year}
    return "\n".join(f"{f.code}. {f.title}" if f.title else f.code for f in row.fields)


def leaders_sheet(ws: Worksheet, result_set: ResultSet, viewer: Any = None) -> None:
    """Fill ``ws`` with the heads and deputies of ``result_set`` that ``viewer`` may see
    (everyone when ``viewer`` is None: the command line), counts per class first."""
    agency_ids = visible_agency_ids(viewer, result_set) if viewer is not None else None
    table = leader_table(result_set.block, result_set, agency_ids)
    xlsx.write_cell(ws, 1, 1, xlsx.province_heading(), bold=True)
    title = _("CLASSIFICATION OF HEADS AND DEPUTIES %(year)s — %(block)s") % {
        "year": result_set.year,
        "block": result_set.block.name.upper(),
    }
    xlsx.write_cell(ws, 2, 1, title, bold=True, size=13)
    # Outside the f-strings, where makemessages finds them.
    heads_label, deputies_label = _("Heads"), _("Deputies")
    xlsx.write_cell(ws, 3, 1, f"{heads_label} ({table.heads})", bold=True)
    xlsx.write_cell(ws, 3, 2, table.heads_summary or "—")
    xlsx.write_cell(ws, 4, 1, f"{deputies_label} ({table.deputies})", bold=True)
    xlsx.write_cell(ws, 4, 2, table.deputies_summary or "—")
    header = 6
    columns = [
        _("No."),
        _("Name"),
        _("Agency/unit"),
        _("Job title"),
        _("Fields they answer for"),
        _("Score"),
        _("Classification"),
    ]
    for col, text in enumerate(columns, start=1):
        xlsx.write_cell(ws, header, col, text, bold=True, alignment=xlsx.CENTRE, border=xlsx.BOX)
    for index, row in enumerate(table.rows, start=1):
        values = [
            index,
            row.name,
            row.agency.name,
            _role(row),
            _fields(row, table.year),
            xlsx.number(row.score),
            row.classification or "",
        ]
        for col, value in enumerate(values, start=1):
            xlsx.write_cell(ws, header + index, col, value, border=xlsx.BOX, alignment=WRAP)
        ws.cell(row=header + index, column=6).number_format = xlsx.NUMBER
    for letter, width in zip("ABCDEFG", (5, 26, 34, 18, 48, 9, 14), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = ws.cell(row=header + 1, column=3)
    xlsx.print_setup(ws, f"{header}:{header}")
