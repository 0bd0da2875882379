"""The columns of the registry's import/export files, and reading their cells.

Headers are part of the file format, not interface text: each column has a Vietnamese and an
English header, both accepted on import (in any letter case); exports write one of them. Reading
never raises: every problem is collected as a :class:`Problem` naming the row and the column, so
that a user sees all of a file's errors at once.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from chiso.org.tabular import Cell, Table


@dataclass(frozen=True)
class Column:
    key: str
    vi: str
    en: str
    required: bool = False

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.vi


AGENCY_COLUMNS = (
    Column("code", "Mã", "Code", required=True),
    Column("electronic_id", "Mã định danh", "Electronic ID"),
    Column("name", "Tên", "Name", required=True),
    Column("short_name", "Tên viết tắt", "Short name"),
    Column("type", "Loại", "Type", required=True),
    Column("type_name", "Tên loại", "Type name"),
    Column("parent", "Mã cơ quan cha", "Parent code"),
    Column("valid_from", "Hiệu lực từ", "Valid from"),
    Column("valid_to", "Hiệu lực đến", "Valid to"),
    Column("block_year", "Khối năm", "Block year"),
    Column("blocks", "Khối", "Blocks"),
    Column("merged_into", "Sáp nhập vào", "Merged into"),
    Column("renamed_to", "Đổi tên thành", "Renamed to"),
    Column("split_from", "Tách từ", "Split from"),
    Column("lineage_date", "Ngày hiệu lực", "Effective date"),
)

PEOPLE_COLUMNS = (
    Column("person", "Mã người", "Person code", required=True),
    Column("full_name", "Họ và tên", "Full name", required=True),
    Column("email", "Email", "Email"),
    Column("phone", "Điện thoại", "Phone"),
    Column("agency", "Mã cơ quan", "Agency code"),
    Column("role", "Chức vụ", "Role"),
    Column("title", "Chức danh", "Title"),
    Column("start", "Từ ngày", "Start"),
    Column("end", "Đến ngày", "End"),
    Column("year", "Năm phân công", "Assignment year"),
    Column("fields", "Lĩnh vực/tiêu chí phụ trách", "Assigned fields/criteria"),
)

# Columns people add to their own sheets; accepted and ignored.
IGNORED_HEADERS = frozenset({"stt", "tt", "no.", "ghi chú", "notes"})

CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
NODE_CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d")


def normalise_header(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class Problem:
    """One error in a file. ``line`` is the row number (1 = header row) or None for the whole
    file; ``column`` the column's header in the report's language, or ""."""

    line: int | None
    column: str
    message: str
    text: str  # the full sentence shown to the user

    @classmethod
    def make(cls, line: int | None, column: str, message: str) -> Problem:
        if line is None:
            text = message
        elif column:
            text = _("Row %(row)s, column «%(column)s»: %(message)s") % {
                "row": line,
                "column": column,
                "message": message,
            }
        else:
            text = _("Row %(row)s: %(message)s") % {"row": line, "message": message}
        return cls(line, column, message, text)

    def __str__(self) -> str:
        return self.text

    def as_dict(self) -> dict[str, object]:
        return {"row": self.line, "column": self.column, "message": self.message, "text": self.text}


class Sheet:
    """A table whose headers have been matched to known columns."""

    def __init__(self, table: Table, columns: Sequence[Column], lang: str):
        self.table = table
        self.lang = lang
        self.columns = {c.key: c for c in columns}
        self.index: dict[str, int] = {}
        self.problems: list[Problem] = []
        by_header = {normalise_header(h): c for c in columns for h in (c.vi, c.en, c.key)}
        unknown = False
        for i, header in enumerate(table.headers):
            column = by_header.get(normalise_header(header))
            if column is None:
                unknown |= self._unmatched(i, header)
            elif column.key in self.index:
                self.problems.append(
                    Problem.make(1, column.label(lang), _("the column appears twice"))
                )
            else:
                self.index[column.key] = i
        for column in columns:
            if column.required and column.key not in self.index:
                self.problems.append(
                    Problem.make(1, column.label(lang), _("required column is missing"))
                )
        if unknown:
            known = ", ".join(c.label(lang) for c in columns)
            self.problems.append(
                Problem.make(
                    1, "", _("the columns this file may have: %(known)s") % {"known": known}
                )
            )

    def _unmatched(self, i: int, header: str) -> bool:
        """Report a header that names no column; return whether it was unknown."""
        if normalise_header(header) in IGNORED_HEADERS:
            return False
        if not header:
            if any(cells[i] != "" for _line, cells in self.table.rows):
                self.problems.append(
                    Problem.make(1, get_column_letter(i + 1), _("data under an empty header"))
                )
            return False
        self.problems.append(Problem.make(1, header, _("unknown column")))
        return True

    def has(self, key: str) -> bool:
        return key in self.index

    def label(self, key: str) -> str:
        return self.columns[key].label(self.lang)

    def rows(self) -> list[RowReader]:
        return [RowReader(self, line, cells) for line, cells in self.table.rows]


class RowReader:
    """Typed access to one row's cells. Each reader returns a neutral value (``""``, None,
    ``[]``) for a missing column or a bad cell, and records the problem in the sheet."""

    def __init__(self, sheet: Sheet, line: int, cells: list[Cell]):
        self.sheet = sheet
        self.line = line
        self.cells = cells

    def problem(self, key: str, message: str) -> None:
        """Record a problem in the column ``key``, or in the whole row when ``key`` is ""."""
        label = self.sheet.label(key) if key else ""
        self.sheet.problems.append(Problem.make(self.line, label, message))

    def raw(self, key: str) -> Cell:
        i = self.sheet.index.get(key)
        return "" if i is None else self.cells[i]

    def text(self, key: str, max_length: int, *, required: bool = False) -> str:
        value = self.raw(key)
        text = value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else value
        if not text and required:
            self.problem(key, _("cannot be empty"))
        elif len(text) > max_length:
            self.problem(
                key,
                _("too long (%(length)s characters, at most %(max)s)")
                % {"length": len(text), "max": max_length},
            )
            return ""
        return text

    def code(self, key: str, *, required: bool = False) -> str:
        code = self.text(key, 40, required=required)
        if code and not CODE_RE.match(code):
            self.problem(
                key,
                _(
                    "'%(value)s' is not a valid code: use letters without accents, digits, '-' or '_'"
                )
                % {"value": code},
            )
            return ""
        return code

    def codes(self, key: str, pattern: re.Pattern[str] = CODE_RE) -> list[str]:
        """A list separated by ';'; bad items are reported and left out."""
        value = self.raw(key)
        items = [c.strip() for c in str(value).split(";") if c.strip()]
        good = [c for c in items if pattern.match(c) and len(c) <= 40]
        for bad in (c for c in items if c not in good):
            self.problem(key, _("'%(value)s' is not a valid code") % {"value": bad})
        return good

    def date(self, key: str) -> datetime.date | None:
        value = self.raw(key)
        if isinstance(value, datetime.date):
            return value
        if not value:
            return None
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        self.problem(key, _("'%(value)s' is not a date in the form dd/mm/yyyy") % {"value": value})
        return None

    def year(self, key: str) -> int | None:
        value = self.raw(key)
        if not value:
            return None
        if isinstance(value, str) and value.isdigit() and 1900 <= int(value) <= 2100:
            return int(value)
        self.problem(key, _("'%(value)s' is not a year") % {"value": value})
        return None

    def email(self, key: str) -> str:
        value = self.text(key, 254)
        try:
            if value:
                validate_email(value)
        except ValidationError:
            self.problem(key, _("'%(value)s' is not an e-mail address") % {"value": value})
            return ""
        return value


def day(value: datetime.date | None) -> str:
    """A date as written in files and messages: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y") if value else ""


@dataclass
class ImportCounts:
    """What an import of a table found and did: ``problems`` non-empty means nothing was
    written; otherwise how many rows were created, updated or already as in the file."""

    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "problems": [p.as_dict() for p in self.problems],
        }
