"""Importing external index values (PAR Index, SIPAS, PAPI, PCI, 766) from XLSX/CSV.

Columns: Chỉ số (PAR, SIPAS, PAPI, PCI, 766), Năm, Giá trị, Thang điểm (default 100), Xếp hạng,
Trên tổng số (default 63), Nhóm, Nguồn. Every row is checked first; nothing is written on any
error; importing the same file again changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.lib.numbers import parse_decimal
from chiso.org.columns import Column, Problem, Sheet
from chiso.org.tabular import TableError, read_table
from chiso.plans.actions import set_external_index
from chiso.plans.models import IndexKind

COLUMNS = (
    Column("kind", "Chỉ số", "Index", required=True),
    Column("year", "Năm", "Year", required=True),
    Column("value", "Giá trị", "Value", required=True),
    Column("scale", "Thang điểm", "Maximum value"),
    Column("rank", "Xếp hạng", "Rank"),
    Column("of", "Trên tổng số", "Out of"),
    Column("group", "Nhóm", "Group"),
    Column("source", "Nguồn", "Source"),
)
KINDS = {k.casefold(): k for k in IndexKind.values} | {"par index": "par"}


def _number(row: Any, key: str, default: Decimal | None) -> Decimal | None:
    raw = row.raw(key)
    if raw == "":
        return default
    value = parse_decimal(raw)
    if value is None or value < 0:
        row.problem(key, _("'%(value)s' is not a number") % {"value": raw})
    return value


@transaction.atomic
def import_indices(
    data: bytes, *, actor: Any, filename: str = "", lang: str = "vi"
) -> tuple[int, list[Problem]]:
    """Return (rows changed, problems); with any problem nothing is written."""
    try:
        sheet = Sheet(read_table(data, filename), COLUMNS, lang)
    except TableError as error:
        return 0, [Problem.make(None, "", str(error))]
    if sheet.problems:
        return 0, sheet.problems
    rows: list[tuple[str, int, Decimal, Decimal, Decimal | None, Decimal, str, str]] = []
    seen: dict[tuple[str, int], int] = {}
    for row in sheet.rows():
        kind = KINDS.get(str(row.raw("kind")).strip().casefold())
        if kind is None:
            row.problem(
                "kind",
                _("'%(value)s' is not an index: write PAR, SIPAS, PAPI, PCI or 766")
                % {"value": row.raw("kind")},
            )
        year = row.year("year")
        if year is None and not row.raw("year"):
            row.problem("year", _("cannot be empty"))
        value = _number(row, "value", None)
        if value is None and not row.raw("value"):
            row.problem("value", _("cannot be empty"))
        scale = _number(row, "scale", Decimal(100))
        rank = _number(row, "rank", None)
        of = _number(row, "of", Decimal(63))
        if rank is not None and of is not None and not 1 <= rank <= of:
            row.problem("rank", _("the rank must lie between 1 and the number ranked"))
        if kind and year:
            if (kind, year) in seen:
                row.problem(
                    "",
                    _("the same index and year are given twice (also on row %(line)s)")
                    % {"line": seen[(kind, year)]},
                )
            seen[(kind, year)] = row.line
        group, source = row.text("group", 20), row.text("source", 300)
        if kind and year and value is not None and scale is not None and of is not None:
            rows.append((kind, year, value, scale, rank, of, group, source))
    if sheet.problems:
        return 0, sheet.problems
    changed = 0
    for kind, year, value, scale, rank, of, group, source in rows:
        _row, did = set_external_index(
            actor=actor,
            kind=kind,
            year=year,
            value=value,
            scale=scale,
            rank=int(rank) if rank is not None else None,
            of=int(of),
            group=group,
            source=source,
        )
        changed += did
    return changed, []
