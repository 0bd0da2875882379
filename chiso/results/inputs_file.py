"""Reading scoring inputs from JSON, CSV or XLSX files (``chiso score --inputs FILE``).

Three layouts, described in docs/cli.md:

- JSON: ``{"agencies": [{"agency": "stp", "values": {"1.1": "0"}, "not_applicable": ["2.1"],
  "facts": {"survey.sipas": "81.5"}, "adjustments": {"T1": 1}, "leaders": [...]}]}``;
- wide table (CSV/XLSX): one row per agency, a column ``Mã cơ quan`` (optionally ``Tên cơ
  quan`` and ``Loại cơ quan``) and one column per leaf code, bonus/penalty code or fact name;
- long table: columns ``Mã cơ quan``, ``Mã`` and ``Giá trị``, one row per value.

A cell ``N/A`` (or ``KĐG``, không đánh giá) under a node code marks the node not applicable.
Every problem is reported with its row and column; nothing is returned unless all are fine.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from chiso.engine import AgencyInput, Framework, LeaderInput, Node, Problem, ProblemsError
from chiso.lib.numbers import parse_decimal
from chiso.org.tabular import Table, TableError, read_table

FACT_NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z0-9_.]+$")
NOT_APPLICABLE = {"n/a", "na", "kđg", "kdg", "không đánh giá"}
AGENCY_HEADERS = {"mã cơ quan", "agency", "ma co quan"}
NAME_HEADERS = {"tên cơ quan", "name", "ten co quan"}
TYPE_HEADERS = {"loại cơ quan", "agency type", "agency_type", "loai co quan"}
CODE_HEADERS = {"mã", "code", "ma", "mã tiêu chí"}
VALUE_HEADERS = {"giá trị", "value", "gia tri"}


@dataclass
class _Draft:
    agency: str
    name: str = ""
    agency_type: str = ""
    values: dict[str, Decimal] = field(default_factory=dict)
    not_applicable: set[str] = field(default_factory=set)
    facts: dict[str, Decimal] = field(default_factory=dict)
    adjustments: dict[str, Decimal] = field(default_factory=dict)

    def freeze(self) -> AgencyInput:
        return AgencyInput(
            agency=self.agency,
            name=self.name,
            agency_type=self.agency_type,
            values=self.values,
            not_applicable=frozenset(self.not_applicable),
            facts=self.facts,
            adjustments=self.adjustments,
        )


def _all_codes(nodes: tuple[Node, ...]) -> Iterator[str]:
    for node in nodes:
        yield node.code
        yield from _all_codes(node.children)


def _where(row: int, column: str) -> str:
    return f"dòng {row}, cột «{column}»"


def _bad_number(row: int, column: str, text: str) -> Problem:
    return Problem.make(
        "input.not_a_number",
        _where(row, column),
        vi="«{text}» không phải là số",
        en="«{text}» is not a number",
        text=text,
    )


class _Reader:
    def __init__(self, framework: Framework):
        self.node_codes = set(_all_codes(framework.nodes))
        self.adjustments = {a.code for a in framework.adjustments}
        self.drafts: dict[str, _Draft] = {}
        self.problems: list[Problem] = []

    def put(self, agency: str, code: str, text: str, row: int, column: str) -> None:
        draft = self.drafts.setdefault(agency, _Draft(agency))
        if not text:
            return
        if code in self.node_codes and text.lower() in NOT_APPLICABLE:
            draft.not_applicable.add(code)
            return
        if code not in self.node_codes | self.adjustments and not FACT_NAME.match(code):
            self.problems.append(
                Problem.make(
                    "input.unknown_code",
                    _where(row, column),
                    vi="mã «{name}» không có trong bộ chỉ số (không phải tiêu chí, điểm "
                    "thưởng/trừ hay tên dữ liệu)",
                    en="code «{name}» is not in the framework (not a node, bonus/penalty item "
                    "or fact name)",
                    name=code,
                )
            )
            return
        value = parse_decimal(text)
        if value is None:
            self.problems.append(_bad_number(row, column, text))
        elif code in self.node_codes:
            draft.values[code] = value
        elif code in self.adjustments:
            draft.adjustments[code] = value
        else:
            draft.facts[code] = value


def _header_index(header: list[str], names: set[str]) -> int | None:
    lowered = [h.lower() for h in header]
    return next((i for i, h in enumerate(lowered) if h in names), None)


def _read_table(table: Table, framework: Framework) -> list[AgencyInput]:
    reader = _Reader(framework)
    header = table.headers
    agency_col = _header_index(header, AGENCY_HEADERS)
    if agency_col is None:
        raise ProblemsError(
            [
                Problem.make(
                    "input.no_agency_column",
                    "dòng 1",
                    vi="thiếu cột «Mã cơ quan»",
                    en="the «Mã cơ quan» (agency) column is missing",
                )
            ]
        )
    name_col = _header_index(header, NAME_HEADERS)
    type_col = _header_index(header, TYPE_HEADERS)
    code_col = _header_index(header, CODE_HEADERS)
    value_col = _header_index(header, VALUE_HEADERS)
    long_layout = code_col is not None and value_col is not None
    for number, row in table.rows:
        cells = [c.strftime("%d/%m/%Y") if isinstance(c, datetime.date) else c for c in row]
        agency = cells[agency_col]
        if not agency:
            reader.problems.append(
                Problem.make(
                    "input.no_agency",
                    _where(number, header[agency_col]),
                    vi="thiếu mã cơ quan",
                    en="the agency code is missing",
                )
            )
            continue
        draft = reader.drafts.setdefault(agency, _Draft(agency))
        if name_col is not None and cells[name_col]:
            draft.name = cells[name_col]
        if type_col is not None and cells[type_col]:
            draft.agency_type = cells[type_col]
        if long_layout:
            assert code_col is not None and value_col is not None
            reader.put(agency, cells[code_col], cells[value_col], number, header[value_col])
            continue
        for index, column in enumerate(header):
            if index in (agency_col, name_col, type_col) or not column:
                continue
            reader.put(agency, column, cells[index], number, column)
    if reader.problems:
        raise ProblemsError(reader.problems)
    return [d.freeze() for d in reader.drafts.values()]


def _read_json(data: Any) -> list[AgencyInput]:
    items = data.get("agencies", []) if isinstance(data, dict) else data
    problems: list[Problem] = []
    out = []
    for index, item in enumerate(items, start=1):
        try:
            out.append(
                AgencyInput(
                    agency=str(item["agency"]),
                    name=item.get("name", ""),
                    agency_type=item.get("agency_type", ""),
                    values={k: Decimal(str(v)) for k, v in item.get("values", {}).items()},
                    not_applicable=frozenset(item.get("not_applicable", ())),
                    facts={k: Decimal(str(v)) for k, v in item.get("facts", {}).items()},
                    adjustments={
                        k: Decimal(str(v)) for k, v in item.get("adjustments", {}).items()
                    },
                    leaders=tuple(
                        LeaderInput(
                            id=str(ld["id"]),
                            name=ld.get("name", ""),
                            role=ld["role"],
                            assigned=tuple(ld.get("assigned", ())),
                        )
                        for ld in item.get("leaders", ())
                    ),
                )
            )
        except (KeyError, TypeError, AttributeError, InvalidOperation) as error:
            problems.append(
                Problem.make(
                    "input.bad_json_item",
                    f"mục {index}",
                    vi="dữ liệu cơ quan không hợp lệ ({error})",
                    en="invalid agency entry ({error})",
                    error=repr(error),
                )
            )
    if problems:
        raise ProblemsError(problems)
    return out


def read_inputs(path: Path, framework: Framework) -> list[AgencyInput]:
    """The agencies' inputs in ``path``; raises :class:`ProblemsError` naming rows and columns."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ProblemsError(
                [
                    Problem.make(
                        "input.bad_json",
                        f"dòng {error.lineno}",
                        vi="JSON không hợp lệ: {msg}",
                        en="invalid JSON: {msg}",
                        msg=error.msg,
                    )
                ]
            ) from error
        return _read_json(data)
    if path.suffix.lower() not in (".csv", ".xlsx", ".txt"):
        raise ProblemsError(
            [
                Problem.make(
                    "input.bad_format",
                    str(path.name),
                    vi="chỉ nhận tệp .json, .csv hoặc .xlsx",
                    en="only .json, .csv or .xlsx files are accepted",
                )
            ]
        )
    try:
        table = read_table(path.read_bytes(), path.name)
    except TableError as error:
        raise ProblemsError(
            [Problem.make("input.unreadable", path.name, vi=str(error), en=str(error))]
        ) from error
    return _read_table(table, framework)
