"""The only write path of the registry.

Every action runs in one transaction, takes a keyword-only ``actor`` — a user of the reform
office, or None for the command line, which runs with the rights of whoever can reach the
server's shell — checks permission, validates (raising :class:`ValidationError` with messages
for the user) and writes one audit row per change, holding the old and the new values.
``update_*`` and ``set_*`` actions that find nothing to change return False and write nothing,
which is what makes imports idempotent.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.accounts import scope
from chiso.audit.actions import record
from chiso.org.columns import ImportCounts, Problem, day
from chiso.org.importing import AgencyPlan, PeoplePlan, detect_kind, plan_agencies, plan_people
from chiso.org.models import (
    Agency,
    AgencyType,
    Assignment,
    Block,
    Lineage,
    Person,
    Position,
)
from chiso.org.tabular import TableError, read_table

AGENCY_FIELDS = ("electronic_id", "name", "short_name", "type", "parent", "valid_from", "valid_to")
PERSON_FIELDS = ("full_name", "email", "phone")
POSITION_FIELDS = ("title", "end")  # person, agency, role and start identify a term
CEASING = (Lineage.Kind.MERGED_INTO, Lineage.Kind.RENAMED)


def _allow(actor: Any) -> None:
    if actor is not None:
        scope.require_reform_office(actor)


def _plain(value: Any) -> Any:
    """A value as the audit trail shows it: registry objects by their code."""
    if isinstance(value, Agency | AgencyType | Person | Block):
        return value.code
    return value


def _snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(obj, name)) for name in fields}


def _update(
    obj: models.Model,
    changes: Mapping[str, Any],
    allowed: tuple[str, ...],
    *,
    actor: Any,
    action: str,
    agency_id: int | None,
) -> bool:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} here")
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name, value in changes.items():
        if getattr(obj, name) != value:
            old[name], new[name] = _plain(getattr(obj, name)), _plain(value)
            setattr(obj, name, value)
    if not new:
        return False
    obj.full_clean()
    obj.save(update_fields=list(new))
    record(action, actor=actor, obj=obj, agency_id=agency_id, data={"old": old, "new": new})
    return True


# ---------------------------------------------------------------------------- agencies


@transaction.atomic
def create_agency_type(*, code: str, name: str, actor: Any) -> AgencyType:
    _allow(actor)
    agency_type = AgencyType(code=code, name=name)
    agency_type.full_clean()
    agency_type.save()
    record(
        "org.agency_type.created",
        actor=actor,
        obj=agency_type,
        data={"new": {"code": code, "name": name}},
    )
    return agency_type


@transaction.atomic
def create_agency(
    *,
    code: str,
    name: str,
    type: AgencyType,
    actor: Any,
    electronic_id: str = "",
    short_name: str = "",
    parent: Agency | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
) -> Agency:
    _allow(actor)
    agency = Agency(
        code=code,
        name=name,
        type=type,
        electronic_id=electronic_id,
        short_name=short_name,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    agency.full_clean()
    agency.save()
    record(
        "org.agency.created",
        actor=actor,
        obj=agency,
        agency_id=agency.pk,
        data={"new": _snapshot(agency, ("code", *AGENCY_FIELDS))},
    )
    return agency


@transaction.atomic
def update_agency(agency: Agency, changes: Mapping[str, Any], *, actor: Any) -> bool:
    """Change some of :data:`AGENCY_FIELDS` (the code never changes: files and URLs use it)."""
    _allow(actor)
    parent = changes.get("parent")
    while parent is not None:
        if parent.pk == agency.pk:
            raise ValidationError({"parent": _("An agency cannot be placed below itself.")})
        parent = parent.parent
    return _update(
        agency,
        changes,
        AGENCY_FIELDS,
        actor=actor,
        action="org.agency.updated",
        agency_id=agency.pk,
    )


@transaction.atomic
def add_lineage(
    predecessor: Agency,
    successor: Agency,
    *,
    kind: str,
    effective_date: datetime.date,
    actor: Any,
    legal_basis: str = "",
) -> Lineage:
    """Record that ``predecessor`` was merged into, split into or renamed to ``successor``
    from ``effective_date``. A merged or renamed unit ceases: its ``valid_to`` becomes the day
    before (written as its own audit row), and it cannot cease twice."""
    _allow(actor)
    if kind in CEASING and predecessor.successor_links.filter(kind__in=CEASING).exists():
        raise ValidationError(
            _("%(agency)s has already been merged or renamed.") % {"agency": predecessor}
        )
    link = Lineage(
        predecessor=predecessor,
        successor=successor,
        kind=kind,
        effective_date=effective_date,
        legal_basis=legal_basis,
    )
    link.full_clean()
    link.save()
    record(
        "org.lineage.added",
        actor=actor,
        obj=link,
        agency_id=successor.pk,
        data={
            "new": _snapshot(
                link, ("predecessor", "successor", "kind", "effective_date", "legal_basis")
            )
        },
    )
    if kind in CEASING:
        update_agency(
            predecessor, {"valid_to": effective_date - datetime.timedelta(days=1)}, actor=actor
        )
    return link


# ---------------------------------------------------------------------------- blocks


@transaction.atomic
def create_block(*, code: str, year: int, name: str, actor: Any, order: int = 0) -> Block:
    _allow(actor)
    block = Block(code=code, year=year, name=name, order=order)
    block.full_clean()
    block.save()
    record(
        "org.block.created",
        actor=actor,
        obj=block,
        data={"new": {"code": code, "year": year, "name": name, "order": order}},
    )
    return block


@transaction.atomic
def set_block_membership(agency: Agency, year: int, blocks: Iterable[Block], *, actor: Any) -> bool:
    """Make ``blocks`` (all of ``year``) the agency's blocks that year; return whether that
    changed anything."""
    _allow(actor)
    wanted = {b.pk: b for b in blocks}
    if any(b.year != year for b in wanted.values()):
        raise ValueError("every block must belong to the year")
    current = {b.pk: b for b in agency.blocks.filter(year=year)}
    if set(current) == set(wanted):
        return False
    agency.blocks.remove(*(b for pk, b in current.items() if pk not in wanted))
    agency.blocks.add(*(b for pk, b in wanted.items() if pk not in current))
    record(
        "org.agency.blocks_set",
        actor=actor,
        obj=agency,
        agency_id=agency.pk,
        data={
            "year": year,
            "old": sorted(b.code for b in current.values()),
            "new": sorted(b.code for b in wanted.values()),
        },
    )
    return True


# ---------------------------------------------------------------------------- people


@transaction.atomic
def create_person(
    *, code: str, full_name: str, actor: Any, email: str = "", phone: str = ""
) -> Person:
    _allow(actor)
    person = Person(code=code, full_name=full_name, email=email, phone=phone)
    person.full_clean()
    person.save()
    record(
        "org.person.created",
        actor=actor,
        obj=person,
        data={"new": _snapshot(person, ("code", *PERSON_FIELDS))},
    )
    return person


@transaction.atomic
def update_person(person: Person, changes: Mapping[str, Any], *, actor: Any) -> bool:
    _allow(actor)
    return _update(
        person, changes, PERSON_FIELDS, actor=actor, action="org.person.updated", agency_id=None
    )


def _check_one_head(
    agency: Agency, start: datetime.date, end: datetime.date | None, *, exclude: int | None
) -> None:
    """An agency has one head at any date (par-index.md §2.4: the head answers for the unit)."""
    far = datetime.date.max
    heads = Position.objects.filter(agency=agency, role=Position.Role.HEAD)
    if exclude is not None:
        heads = heads.exclude(pk=exclude)
    for other in heads.select_related("person"):
        if start <= (other.end or far) and other.start <= (end or far):
            raise ValidationError(
                {
                    "start": _(
                        "%(agency)s already has a head at that time: %(name)s (%(start)s – %(end)s)."
                    )
                    % {
                        "agency": agency,
                        "name": other.person,
                        "start": day(other.start),
                        "end": day(other.end) if other.end else _("present"),
                    }
                }
            )


@transaction.atomic
def create_position(
    person: Person,
    agency: Agency,
    *,
    role: str,
    start: datetime.date,
    actor: Any,
    end: datetime.date | None = None,
    title: str = "",
) -> Position:
    """Give ``person`` a term as head or deputy head of ``agency``."""
    _allow(actor)
    position = Position(person=person, agency=agency, role=role, start=start, end=end, title=title)
    position.full_clean()
    if role == Position.Role.HEAD:
        _check_one_head(agency, start, end, exclude=None)
    position.save()
    record(
        "org.position.created",
        actor=actor,
        obj=position,
        agency_id=agency.pk,
        data={"new": _snapshot(position, ("person", "agency", "role", "start", *POSITION_FIELDS))},
    )
    return position


@transaction.atomic
def update_position(position: Position, changes: Mapping[str, Any], *, actor: Any) -> bool:
    """Change a term's title or end date."""
    _allow(actor)
    if position.role == Position.Role.HEAD and "end" in changes:
        _check_one_head(position.agency, position.start, changes["end"], exclude=position.pk)
    return _update(
        position,
        changes,
        POSITION_FIELDS,
        actor=actor,
        action="org.position.updated",
        agency_id=position.agency_id,
    )


@transaction.atomic
def set_assignment(
    position: Position,
    year: int,
    node_codes: list[str],
    *,
    actor: Any,
    decision: str | None = None,
) -> bool:
    """Set the framework fields or criteria a deputy head answers for in ``year``. An empty
    list clears an existing assignment and creates none."""
    _allow(actor)
    if position.role != Position.Role.DEPUTY:
        raise ValidationError(_("Only a deputy head is assigned fields or criteria."))
    assignment = Assignment.objects.filter(position=position, year=year).first()
    if assignment is None and not node_codes:
        return False
    old: dict[str, Any] | None = (
        {"node_codes": assignment.node_codes, "decision": assignment.decision}
        if assignment is not None
        else None
    )
    if decision is None:
        decision = assignment.decision if assignment is not None else ""
    new = {"node_codes": list(node_codes), "decision": decision}
    if old == new:
        return False
    assignment = assignment or Assignment(position=position, year=year)
    assignment.node_codes, assignment.decision = list(node_codes), decision
    assignment.full_clean()
    assignment.save()
    record(
        "org.assignment.set",
        actor=actor,
        obj=assignment,
        agency_id=position.agency_id,
        data={"year": year, "old": old, "new": new},
    )
    return True


# ---------------------------------------------------------------------------- import

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
KIND_LABELS = {"agencies": gettext_lazy("Agencies"), "people": gettext_lazy("Leaders")}


@dataclass
class ImportReport(ImportCounts):
    """What a registry import found and did: the counts of every table import, plus which
    table (agencies or people) and whether it was a dry run."""

    kind: str = ""
    dry_run: bool = False

    def count(self, statuses: Iterable[str]) -> None:
        for status in statuses:
            setattr(self, status, getattr(self, status) + 1)

    def summary(self) -> str:
        """One sentence for the user, in the active language."""
        if not self.ok:
            return _("%(count)s errors: nothing was imported.") % {"count": len(self.problems)}
        text = _("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
            "kind": KIND_LABELS[self.kind],
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            text += " " + _("Dry run: nothing was saved.")
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "dry_run": self.dry_run, **super().as_dict()}


@transaction.atomic
def import_registry(
    data: bytes,
    *,
    actor: Any,
    filename: str = "",
    kind: str | None = None,
    year: int | None = None,
    lang: str = "vi",
    dry_run: bool = False,
) -> ImportReport:
    """Import an agencies or people file (XLSX or CSV; ``kind`` guessed from the headers when
    None). The whole file is checked first: with any problem nothing is written and the report
    lists every problem, in ``lang``. Otherwise rows are upserted by code, counted per row as
    created, updated or unchanged; ``dry_run`` rolls everything back but still counts."""
    _allow(actor)
    if kind not in (None, "agencies", "people"):
        raise ValueError(f"unknown registry kind {kind!r}")
    with translation.override(lang):
        try:
            table = read_table(data, filename)
        except TableError as e:
            return ImportReport(
                kind=kind or "", dry_run=dry_run, problems=[Problem.make(None, "", str(e))]
            )
        kind = kind or detect_kind(table)
        plan: AgencyPlan | PeoplePlan = (
            plan_agencies(table, year=year, lang=lang)
            if kind == "agencies"
            else plan_people(table, year=year, lang=lang)
        )
    # Row by row, each row's problems in the order they were found.
    problems = sorted(plan.problems, key=lambda p: p.line or 0)
    report = ImportReport(kind=kind, dry_run=dry_run, problems=problems)
    if not report.ok:
        return report
    if isinstance(plan, AgencyPlan):
        report.count(_apply_agencies(plan, actor))
    else:
        report.count(_apply_people(plan, actor))
    if dry_run:
        transaction.set_rollback(True)
    elif report.created or report.updated:
        record(
            "org.registry.imported",
            actor=actor,
            data={"file": filename, **report.as_dict()},
        )
    return report


def _apply_agencies(plan: AgencyPlan, actor: Any) -> list[str]:
    types = {t.code: t for t in AgencyType.objects.all()}
    for code, name in plan.new_types.items():
        types[code] = create_agency_type(code=code, name=name, actor=actor)
    agencies = {a.code: a for a in Agency.objects.select_related("type", "parent")}
    status: dict[str, str] = {}
    for row in plan.rows:
        fields = {**row.fields, "type": types[row.fields["type"]]}
        if "parent" in fields:
            fields["parent"] = agencies[fields["parent"]] if fields["parent"] else None
        agency = agencies.get(row.code)
        if agency is None:
            agency = agencies[row.code] = create_agency(code=row.code, actor=actor, **fields)
            status[row.code] = CREATED
        else:
            status[row.code] = UPDATED if update_agency(agency, fields, actor=actor) else UNCHANGED
        if row.blocks is not None and row.block_year:
            blocks = Block.objects.filter(year=row.block_year, code__in=row.blocks)
            if set_block_membership(agency, row.block_year, blocks, actor=actor):
                status[row.code] = status[row.code].replace(UNCHANGED, UPDATED)
    for link in plan.links:
        add_lineage(
            agencies[link.predecessor],
            agencies[link.successor],
            kind=link.kind,
            effective_date=link.date,
            actor=actor,
        )
        status[link.row] = status[link.row].replace(UNCHANGED, UPDATED)
    return list(status.values())


def _apply_people(plan: PeoplePlan, actor: Any) -> list[str]:
    people = {p.code: p for p in Person.objects.all()}
    agencies = {a.code: a for a in Agency.objects.all()}
    terms: dict[tuple[str, str, str, datetime.date | None], Position] = {
        (p.person.code, p.agency.code, p.role, p.start): p
        for p in Position.objects.select_related("person", "agency")
    }
    statuses = []
    # Known terms first: a file that ends one head's term and starts the next must never hold
    # two heads at once halfway through.
    for row in sorted(plan.rows, key=lambda row: row.key not in terms):
        status = UNCHANGED
        person = people.get(row.code)
        if person is None:
            person = people[row.code] = create_person(code=row.code, actor=actor, **row.person)
            status = CREATED
        elif update_person(person, row.person, actor=actor):
            status = UPDATED
        if row.agency and row.start:
            term = terms.get(row.key)
            if term is None:
                term = terms[row.key] = create_position(
                    person,
                    agencies[row.agency],
                    role=row.role,
                    start=row.start,
                    actor=actor,
                    **row.position,
                )
                status = CREATED
            elif update_position(term, row.position, actor=actor):
                status = status.replace(UNCHANGED, UPDATED)
            if row.node_codes is not None and row.year:
                new = not term.assignments.filter(year=row.year).exists()
                if set_assignment(term, row.year, row.node_codes, actor=actor):
                    status = CREATED if new else status.replace(UNCHANGED, UPDATED)
        statuses.append(status)
    return statuses
