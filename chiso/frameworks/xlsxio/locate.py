"""Point a framework problem at the workbook cell it comes from.

:func:`~chiso.engine.spec.parse_framework` says where a problem is in the canonical dict
("1.2 › rule.bands[1].gte"); officials need "Sheet 'Tiêu chí', dòng 12, cột G".
"""

from __future__ import annotations

import re

from openpyxl.utils import get_column_letter

from chiso.engine.problems import Problem

from .layout import NODE_COLUMNS

Rows = dict[str, tuple[str, int]]
"""(sheet, row) by ``info:<key>``, ``node:<code>`` and ``adjustment:<number>``."""

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
# The "Thông tin" row (by INFO_ROWS key) of a top-level field that is not a row of its own; the
# other fields are rows under their own key.
_INFO_KEYS = {
    "final_range": "final_min",
    "rounding": "rounding.points",
    "leaders": "leaders.deputy_assigned_weight",
    "scale": "leaders.scale",
}


def locate(problem: Problem, rows: Rows) -> Problem:
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
