"""Simple tables in XLSX or CSV: one header row, then data rows.

Both formats read into the same :class:`Table`, so import code never looks at the file format.
Row numbers are those a user sees when opening the file in a spreadsheet (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

Cell = str | datetime.date  # what reading gives
Value = str | int | datetime.date  # what writing takes

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class TableError(Exception):
    """The file cannot be read as a table; the message is translated and shown to the user."""


@dataclass
class Table:
    headers: list[str]
    # (row number in the file, cells padded to the width of the headers); blank rows are skipped
    rows: list[tuple[int, list[Cell]]]


def read_table(data: bytes, filename: str = "") -> Table:
    """Read the first sheet of an XLSX file, or a CSV file (UTF-8 with or without BOM, comma
    or semicolon). Raise :class:`TableError` when the file is neither."""
    if data.startswith(b"PK\x03\x04"):
        return _table(_xlsx_rows(data))
    if filename.lower().endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableError(_("Old Excel files (.xls) are not supported: save the file as .xlsx."))
    return _table(_csv_rows(data))


def write_table(headers: Sequence[str], rows: Iterable[Sequence[Value]], fmt: str) -> bytes:
    """Write a table as ``xlsx`` (real date cells shown dd/mm/yyyy) or ``csv`` (UTF-8 with a
    BOM so that Excel shows Vietnamese correctly; dates dd/mm/yyyy)."""
    if fmt == "xlsx":
        return _write_xlsx(headers, rows)
    if fmt == "csv":
        return _write_csv(headers, rows)
    raise ValueError(f"unknown table format {fmt!r}")


def _clean(value: object) -> Cell:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store typed numbers (years, numeric codes) as floats.
        value = int(value)
    # Vietnamese typed with different input methods arrives composed or decomposed.
    return unicodedata.normalize("NFC", str(value)).strip()


def _table(raw: Iterable[Sequence[object]]) -> Table:
    rows = [[_clean(v) for v in row] for row in raw]
    if not rows or not any(c != "" for c in rows[0]):
        raise TableError(_("The file is empty or its first row holds no column headers."))
    # Columns run to the last non-empty cell of any row, so that data under a missing header
    # is reported rather than silently dropped.
    width = max(max((i + 1 for i, c in enumerate(r) if c != ""), default=0) for r in rows)
    padded = [r[:width] + [""] * (width - len(r)) for r in rows]
    body = [
        (n, cells) for n, cells in enumerate(padded[1:], start=2) if any(c != "" for c in cells)
    ]
    return Table(headers=[str(h) for h in padded[0]], rows=body)


def _xlsx_rows(data: bytes) -> list[tuple[object, ...]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as e:
        raise TableError(
            _("The file is not a valid XLSX workbook (%(error)s).") % {"error": e}
        ) from e
    try:
        return [tuple(_cell_value(c) for c in row) for row in book.worksheets[0].iter_rows()]
    finally:
        book.close()


def _cell_value(cell: Any) -> object:
    """A cell's value as the user sees it: a rate formatted as a percentage (97,35%) is stored
    by Excel as 0.9735, and must arrive as 97.35."""
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return Decimal(repr(value)) * 100
    return value


def _csv_rows(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            _("The CSV file is not UTF-8 text: save it as “CSV UTF-8 (comma delimited)”.")
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel in a Vietnamese locale writes ";" because "," is the decimal separator.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [[_unguard(cell) for cell in row] for row in rows]


# Text starting with these is run as a formula by spreadsheets (CSV/formula injection, OWASP);
# exports put an apostrophe in front, as Excel itself does, and imports take it away.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guard_formula(value: Value) -> Value:
    """``value`` safe to write into a CSV/XLSX cell (shared by every export that writes text)."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def _unguard(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def _write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Value]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula Excel would run
    for column in sheet.columns:
        letter = column[0].column_letter
        sheet.column_dimensions[letter].width = min(
            60, max(10, *(len(str(c.value or "")) + 2 for c in column))
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_csv(headers: Sequence[str], rows: Iterable[Sequence[Value]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [
                c.strftime("%d/%m/%Y") if isinstance(c, datetime.date) else guard_formula(c)
                for c in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
