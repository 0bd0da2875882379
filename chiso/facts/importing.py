"""Importing facts from XLSX/CSV: every row checked first, nothing written on any error.

Columns (Vietnamese headers, English accepted): Mã cơ quan, Tên dữ liệu, Năm, Giá trị,
Nguồn, Ngày số liệu, and optionally Mã lãnh đạo (a leader's person code: the value is then that
leader's within the agency, not the agency's own). A fact name must be in the catalogue (chiso/frameworks/facts.py), so a
typo cannot silently leave an item without data; rates (unit %) must lie in 0–100.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.audit.actions import record
from chiso.facts.models import Fact
from chiso.frameworks.facts import FACTS
from chiso.lib.numbers import fits, parse_decimal
from chiso.org.columns import Column, ImportCounts, Problem, Sheet
from chiso.org.models import Agency, Person
from chiso.org.tabular import TableError, read_table

COLUMNS = (
    Column("agency", "Mã cơ quan", "Agency code", required=True),
    Column("name", "Tên dữ liệu", "Data name", required=True),
    Column("year", "Năm", "Year", required=True),
    Column("value", "Giá trị", "Value", required=True),
    Column("source", "Nguồn", "Source"),
    Column("as_of", "Ngày số liệu", "As of"),
    Column("person", "Mã lãnh đạo", "Leader code"),
)


class FactImportReport(ImportCounts):
    """What an import of facts found and did."""


@dataclass(frozen=True)
class _Row:
    agency: Agency
    person: Person | None
    name: str
    year: int
    value: Decimal
    source: str
    as_of: datetime.date | None


def _read(data: bytes, filename: str, lang: str) -> tuple[list[_Row], list[Problem]]:
    try:
        table = read_table(data, filename)
    except TableError as error:
        return [], [Problem.make(None, "", str(error))]
    sheet = Sheet(table, COLUMNS, lang)
    if sheet.problems:
        return [], sheet.problems
    agencies = {a.code: a for a in Agency.objects.all()}
    people = {p.code: p for p in Person.objects.all()}
    rows: list[_Row] = []
    seen: dict[tuple[str, str, str, int], int] = {}
    for row in sheet.rows():
        code = row.code("agency", required=True)
        name = row.text("name", 80, required=True)
        year = row.year("year")
        value = parse_decimal(row.raw("value"))
        agency = agencies.get(code)
        if code and agency is None:
            row.problem("agency", _("no agency with code '%(code)s'") % {"code": code})
        person_code = row.code("person")
        person = people.get(person_code)
        if person_code and person is None:
            row.problem("person", _("no leader with code '%(code)s'") % {"code": person_code})
        fact = FACTS.get(name)
        if name and fact is None:
            row.problem("name", _("'%(name)s' is not a known data name") % {"name": name})
        if year is None and str(row.raw("year")).strip() == "":
            row.problem("year", _("cannot be empty"))
        if value is None:
            row.problem("value", _("'%(value)s' is not a number") % {"value": row.raw("value")})
        elif fact is not None and fact.unit == "%" and not Decimal(0) <= value <= Decimal(100):
            row.problem("value", _("a rate must lie between 0 and 100"))
        elif not fits(value, digits=14, places=4):
            # Stored with 4 decimals: refuse rather than round silently (and make re-imports
            # of the same file look like changes).
            row.problem("value", _("at most 4 decimals and 10 digits before the decimal point"))
        key = (code, person_code, name, year or 0)
        if key in seen:
            row.problem(
                "", _("the same data is given twice (also on row %(line)s)") % {"line": seen[key]}
            )
        seen[key] = row.line
        as_of = row.date("as_of")
        source = row.text("source", 255)
        if agency is not None and fact is not None and year is not None and value is not None:
            rows.append(_Row(agency, person, name, year, value, source, as_of))
    return rows, sheet.problems


@transaction.atomic
def import_facts(
    data: bytes, *, actor: Any, filename: str = "", lang: str = "vi", dry_run: bool = False
) -> FactImportReport:
    """Check every row, then (unless ``dry_run`` or any problem) create or update the facts,
    one audit row per changed fact with its old and new value. Only the reform office (or the
    command line, ``actor=None``) imports."""
    if actor is not None:
        scope.require_reform_office(actor)
    rows, problems = _read(data, filename, lang)
    report = FactImportReport(problems=problems)
    if problems:
        return report
    for row in rows:
        fact = Fact.objects.filter(
            name=row.name, agency=row.agency, year=row.year, person=row.person
        ).first()
        new = {"value": row.value, "source": row.source, "as_of": row.as_of}
        if fact is None:
            report.created += 1
            if not dry_run:
                fact = Fact.objects.create(
                    name=row.name, agency=row.agency, year=row.year, person=row.person, **new
                )
                record(
                    "facts.fact.created",
                    actor=actor,
                    obj=fact,
                    agency_id=row.agency.pk,
                    data={"new": new, "file": filename, **_leader(row)},
                )
            continue
        old = {"value": fact.value, "source": fact.source, "as_of": fact.as_of}
        if old == new:
            report.unchanged += 1
            continue
        report.updated += 1
        if not dry_run:
            fact.value, fact.source, fact.as_of = row.value, row.source, row.as_of
            fact.save(update_fields=["value", "source", "as_of", "updated_at"])
            record(
                "facts.fact.updated",
                actor=actor,
                obj=fact,
                agency_id=row.agency.pk,
                data={"old": old, "new": new, "file": filename, **_leader(row)},
            )
    return report


def _leader(row: _Row) -> dict[str, str]:
    return {"leader": row.person.code} if row.person is not None else {}


def facts_for(agency: Agency, year: int) -> dict[str, Decimal]:
    """The agency's own facts of ``year`` by name, as the engine's ``AgencyInput.facts`` wants
    them: a leader's value (``person`` set) is never the agency's."""
    return dict(
        Fact.objects.filter(agency=agency, year=year, person=None).values_list("name", "value")
    )
