"""The result table of one block as an Excel workbook, in the layout provincial offices use.

Sheet 1 is the ranking table (title rows, two-row merged headers, one column per field in
points), sheet 2 every criterion's points for every agency, sheet 3 ("Ghi chú") where the
numbers come from. Numbers are rounded Decimals written as numbers with a ``0.00`` format, so
Excel shows 82,22 under a Vietnamese locale and formulas still work. Text is Vietnamese
whatever the user's language: these are official documents.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chiso.reports.data import fields_of, ranked_scores, rounded
from chiso.results.models import AgencyScore, ResultSet

FONT = "Times New Roman"
NUMBER = "0.00"
HEADER_ROW = 5  # first of the two header rows
THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def number(value: Any) -> float | None:
    """openpyxl stores Decimals as floats: round to the published two places first."""
    decimal = rounded(value)
    return float(decimal) if decimal is not None else None


def plain(value: Any) -> str:
    """A maximum for a header: "12", "2,5" (no exponent, Vietnamese decimal comma)."""
    return format(Decimal(str(value)).normalize(), "f").replace(".", ",")


def province_heading() -> str:
    name = settings.PROVINCE_NAME
    return f"UBND {name.upper()}"


def table_title(result_set: ResultSet) -> str:
    return _("RESULTS OF THE ADMINISTRATIVE REFORM INDEX %(year)s — %(block)s") % {
        "year": result_set.year,
        "block": result_set.block.name.upper(),
    }


def write_cell(ws: Worksheet, row: int, col: int, value: Any, **style: Any) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    cell.font = Font(name=FONT, size=style.pop("size", 11), bold=style.pop("bold", False))
    for key, val in style.items():
        setattr(cell, key, val)


def _headers(ws: Worksheet, fields: list[dict[str, Any]], total_max: Any) -> list[str]:
    top, sub = HEADER_ROW, HEADER_ROW + 1
    heads = [_("No."), _("Agency/unit")]
    first_field = len(heads) + 1
    tail = [
        _("Total points (max %(max)s)") % {"max": plain(total_max)},
        _("Bonus points"),
        _("Penalty points"),
        pgettext("report", "CCHC index (%)"),
        _("Classification"),
        pgettext("report", "Rank"),
    ]
    for col, text in enumerate(heads, start=1):
        write_cell(ws, top, col, text, bold=True, alignment=CENTRE)
        ws.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
    last_field = first_field + len(fields) - 1
    write_cell(ws, top, first_field, _("Points per field"), bold=True, alignment=CENTRE)
    if fields:
        ws.merge_cells(start_row=top, start_column=first_field, end_row=top, end_column=last_field)
    for offset, node in enumerate(fields):
        text = _("Field %(code)s (max %(max)s)") % {"code": node["code"], "max": plain(node["max"])}
        write_cell(ws, sub, first_field + offset, text, bold=True, alignment=CENTRE)
    for offset, text in enumerate(tail, start=last_field + 1):
        write_cell(ws, top, offset, text, bold=True, alignment=CENTRE)
        ws.merge_cells(start_row=top, start_column=offset, end_row=sub, end_column=offset)
    return heads + [n["code"] for n in fields] + tail


def _row(score: AgencyScore, number_in_list: int) -> list[Any]:
    points = [number(n["points"]) for n in fields_of(score)]
    return [
        number_in_list,
        score.agency.name,
        *points,
        number(score.base_points),
        number(score.bonus),
        number(score.penalty),
        number(score.final),
        score.classification,
        score.rank,
    ]


def _result_sheet(ws: Worksheet, result_set: ResultSet, scores: list[AgencyScore]) -> None:
    fields = fields_of(scores[0] if scores else None)
    width = 2 + len(fields) + 6
    write_cell(ws, 1, 1, province_heading(), bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    write_cell(ws, 2, 1, table_title(result_set), bold=True, size=13, alignment=CENTRE)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    write_cell(ws, 3, 1, result_set.framework.title, alignment=CENTRE)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
    ws.row_dimensions[2].height = 33
    ws.row_dimensions[HEADER_ROW + 1].height = 45
    _headers(ws, fields, scores[0].base_max if scores else 100)
    numeric = set(range(3, width - 1))
    for index, score in enumerate(scores, start=1):
        row = HEADER_ROW + 1 + index
        for col, value in enumerate(_row(score, index), start=1):
            write_cell(ws, row, col, value, border=BOX)
            if col in numeric:
                ws.cell(row=row, column=col).number_format = NUMBER
    for row in ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW + 1, max_col=width):
        for cell in row:
            cell.border = BOX
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 42
    for col in range(3, width + 1):
        ws.column_dimensions[get_column_letter(col)].width = 11
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 2, column=3)
    print_setup(ws, f"{HEADER_ROW}:{HEADER_ROW + 1}")


def print_setup(ws: Worksheet, title_rows: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = title_rows


def _criteria_sheet(ws: Worksheet, scores: list[AgencyScore]) -> None:
    """One row per field and criterion, one column of points per agency (in rank order)."""
    heads = [_("Code"), _("Content"), _("Maximum points")]
    for col, text in enumerate([*heads, *(s.agency.name for s in scores)], start=1):
        write_cell(ws, 1, col, text, bold=True, alignment=CENTRE, border=BOX)
    ws.row_dimensions[1].height = 60
    for row, node in enumerate(scores[0].nodes if scores else [], start=2):
        bold = node["depth"] == 0
        write_cell(ws, row, 1, node["code"], bold=bold, border=BOX)
        write_cell(ws, row, 2, node["title"], bold=bold, border=BOX)
        write_cell(ws, row, 3, number(node["max"]), bold=bold, border=BOX, number_format=NUMBER)
        for col, score in enumerate(scores, start=4):
            mine = score.node(node["code"])
            value = number(mine["points"]) if mine and not mine["not_applicable"] else None
            write_cell(ws, row, col, value, bold=bold, border=BOX, number_format=NUMBER)
    ws.column_dimensions["A"].width = 7
    ws.column_dimensions["B"].width = 60
    for col in range(3, len(scores) + 4):
        ws.column_dimensions[get_column_letter(col)].width = 12
    ws.freeze_panes = "D2"
    print_setup(ws, "1:1")


def _notes_sheet(ws: Worksheet, result_set: ResultSet) -> None:
    framework = result_set.framework
    published = result_set.published_at
    lines = [
        (
            _("Framework"),
            f"{framework.title} ({framework.code}, {framework.year}, v{framework.version})",
        ),
        (_("Status"), result_set.get_status_display()),
        (
            _("Published on"),
            timezone.localtime(published).strftime("%d/%m/%Y") if published else _("not published"),
        ),
        (_("Generated on"), timezone.localtime().strftime("%d/%m/%Y %H:%M")),
        (
            _("Explanations"),
            _(
                "Every number in this table is explained, down to the rule and the input it "
                "came from, on the agency's scorecard in chiso: /results/%(year)s/%(block)s/"
            )
            % {"year": result_set.year, "block": result_set.block.code},
        ),
        (
            _("Rounding"),
            _("Points and percentages are rounded half up to two decimals, as published."),
        ),
    ]
    for row, (label, text) in enumerate(lines, start=1):
        write_cell(ws, row, 1, label, bold=True)
        write_cell(ws, row, 2, text, alignment=Alignment(wrap_text=True, vertical="top"))
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 100


def result_table_xlsx(result_set: ResultSet, viewer: Any = None) -> bytes:
    """The workbook of one result set, as bytes (sheets: results, criteria, heads and deputies
    — only the agencies ``viewer`` may see, all when None —, notes)."""
    from chiso.reports.xlsx_leaders import leaders_sheet  # it uses this module's cell helpers

    scores = ranked_scores(result_set)
    with translation.override("vi"):
        workbook = Workbook()
        results = workbook.active
        assert results is not None
        results.title = _("Results")
        _result_sheet(results, result_set, scores)
        _criteria_sheet(workbook.create_sheet(_("Criterion points")), scores)
        leaders_sheet(workbook.create_sheet(_("Heads, deputies")), result_set, viewer)
        _notes_sheet(workbook.create_sheet(_("Notes")), result_set)
        buffer = BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()
