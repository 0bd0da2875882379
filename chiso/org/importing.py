"""Checking an agencies or a people file against the registry before anything is written.

:func:`plan_agencies` and :func:`plan_people` read every row, check the file as a whole against
the registry and return a plan: the problems found (then nothing may be written) or the upserts
that :func:`chiso.org.actions.import_registry` applies. The rules (docs/data-model.md):

- rows are matched by code (agencies, people) and by person + agency + role + start (terms);
- a column missing from the file leaves that field alone; an empty cell in a present column
  clears it;
- nothing is ever deleted, and lineage links are only added, never changed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from chiso.org.columns import (
    AGENCY_COLUMNS,
    NODE_CODE_RE,
    PEOPLE_COLUMNS,
    Problem,
    RowReader,
    Sheet,
    day,
    normalise_header,
)
from chiso.org.models import Agency, AgencyType, Block, Lineage, Position
from chiso.org.tabular import Table

# How files write a role: the first word of each language is what exports write.
ROLE_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    Position.Role.HEAD: {"vi": ("Trưởng", "Cấp trưởng"), "en": ("head",)},
    Position.Role.DEPUTY: {"vi": ("Phó", "Cấp phó"), "en": ("deputy", "deputy head")},
}


@dataclass
class Link:
    predecessor: str
    successor: str
    kind: str
    date: datetime.date
    row: str  # code of the agency on whose row the link is given


@dataclass
class AgencyRow:
    line: int
    code: str
    # Model fields for the columns the file has; ``type`` and ``parent`` as codes.
    fields: dict[str, Any]
    type_name: str = ""
    block_year: int | None = None
    blocks: list[str] | None = None  # None: the file does not set blocks for this row
    merged_into: str = ""
    renamed_to: str = ""
    split_from: list[str] = field(default_factory=list)
    lineage_date: datetime.date | None = None


@dataclass
class AgencyPlan:
    problems: list[Problem]
    rows: list[AgencyRow] = field(default_factory=list)  # parents before their children
    new_types: dict[str, str] = field(default_factory=dict)  # code → name
    links: list[Link] = field(default_factory=list)  # links not yet in the registry


@dataclass
class PersonRow:
    line: int
    code: str
    person: dict[str, str]  # full_name, and email/phone when the file has them
    agency: str = ""  # empty: the row only describes the person
    role: str = ""
    start: datetime.date | None = None
    position: dict[str, Any] = field(default_factory=dict)  # end, title
    year: int | None = None
    node_codes: list[str] | None = None  # None: leave the year's assignment alone

    @property
    def key(self) -> tuple[str, str, str, datetime.date | None]:
        return (self.code, self.agency, self.role, self.start)


@dataclass
class PeoplePlan:
    problems: list[Problem]
    rows: list[PersonRow] = field(default_factory=list)


def detect_kind(table: Table) -> str:
    """``people`` when the file has a person-code column, else ``agencies``."""
    person = PEOPLE_COLUMNS[0]
    names = {normalise_header(h) for h in table.headers}
    wanted = {normalise_header(h) for h in (person.vi, person.en, person.key)}
    return "people" if wanted & names else "agencies"


# ---------------------------------------------------------------------------- agencies


def plan_agencies(table: Table, *, year: int | None, lang: str) -> AgencyPlan:
    """Check an agencies file; ``year`` is the block year for rows without «Khối năm».
    Messages are in the active language; column names in ``lang``."""
    sheet = Sheet(table, AGENCY_COLUMNS, lang)
    plan = AgencyPlan(problems=sheet.problems)
    if sheet.problems:
        return plan
    pairs = [(r, _read_agency(r)) for r in sheet.rows()]
    existing = {a.code: a for a in Agency.objects.select_related("parent")}
    first_line: dict[str, int] = {}
    for r, row in pairs:
        if row.code in first_line:
            r.problem(
                "code",
                _("code '%(code)s' is already used on row %(row)s")
                % {"code": row.code, "row": first_line[row.code]},
            )
        elif row.code:
            first_line[row.code] = r.line
    known = set(existing) | set(first_line)
    _check_types(pairs, plan)
    _check_parents(pairs, existing, known)
    _check_lineage(pairs, plan, known)
    _check_dates(pairs, existing)
    _check_electronic_ids(pairs, existing, first_line)
    _check_blocks(pairs, year)
    plan.rows = _parents_first([row for _r, row in pairs], existing)
    done = set(Lineage.objects.values_list("predecessor__code", "successor__code"))
    plan.links = [ln for ln in plan.links if (ln.predecessor, ln.successor) not in done]
    return plan


def _read_agency(r: RowReader) -> AgencyRow:
    # Cells are read in the order of the columns, so that a row's problems read left to right.
    code = r.code("code", required=True)
    fields: dict[str, Any] = {}
    if r.sheet.has("electronic_id"):
        fields["electronic_id"] = r.text("electronic_id", 40)
    fields["name"] = r.text("name", 255, required=True)
    if r.sheet.has("short_name"):
        fields["short_name"] = r.text("short_name", 100)
    fields["type"] = r.code("type", required=True)
    type_name = r.text("type_name", 200)
    if r.sheet.has("parent"):
        fields["parent"] = r.code("parent") or None
    for key in ("valid_from", "valid_to"):
        if r.sheet.has(key):
            fields[key] = r.date(key)
    return AgencyRow(
        line=r.line,
        code=code,
        fields=fields,
        type_name=type_name,
        block_year=r.year("block_year"),
        blocks=r.codes("blocks") if r.sheet.has("blocks") else None,
        merged_into=r.code("merged_into"),
        renamed_to=r.code("renamed_to"),
        split_from=r.codes("split_from"),
        lineage_date=r.date("lineage_date"),
    )


def _check_types(pairs: list[tuple[RowReader, AgencyRow]], plan: AgencyPlan) -> None:
    known = set(AgencyType.objects.values_list("code", flat=True))
    named: dict[str, tuple[str, int]] = {}
    for r, row in pairs:
        code = row.fields["type"]
        if not code or code in known or not row.type_name:
            continue
        name, line = named.setdefault(code, (row.type_name, r.line))
        if name != row.type_name:
            r.problem(
                "type_name",
                _("differs from row %(row)s for type '%(code)s'") % {"row": line, "code": code},
            )
    for r, row in pairs:
        code = row.fields["type"]
        if code and code not in known and code not in named:
            r.problem(
                "type",
                _(
                    "agency type '%(code)s' not found (give its name in column «%(column)s» to create it)"
                )
                % {"code": code, "column": r.sheet.label("type_name")},
            )
    plan.new_types = {code: name for code, (name, _line) in named.items()}


def _check_parents(
    pairs: list[tuple[RowReader, AgencyRow]], existing: dict[str, Agency], known: set[str]
) -> None:
    parent_of = {code: a.parent.code if a.parent else None for code, a in existing.items()}
    for _r, row in pairs:
        if "parent" in row.fields:
            parent_of[row.code] = row.fields["parent"]
    for r, row in pairs:
        parent = row.fields.get("parent")
        if parent and parent not in known:
            r.problem("parent", _("agency '%(code)s' not found") % {"code": parent})
            continue
        path = [row.code]
        up = parent_of.get(row.code)
        while up and up not in path:
            path.append(up)
            up = parent_of.get(up)
        if row.code and up == row.code:
            r.problem(
                "parent",
                _("parent links form a cycle: %(cycle)s") % {"cycle": " → ".join([*path, up])},
            )


def _check_lineage(
    pairs: list[tuple[RowReader, AgencyRow]], plan: AgencyPlan, known: set[str]
) -> None:
    declared: dict[tuple[str, str], int] = {}
    for r, row in pairs:
        wanted = [
            ("merged_into", row.code, c, Lineage.Kind.MERGED_INTO) for c in [row.merged_into] if c
        ]
        wanted += [("renamed_to", row.code, c, Lineage.Kind.RENAMED) for c in [row.renamed_to] if c]
        wanted += [("split_from", c, row.code, Lineage.Kind.SPLIT_INTO) for c in row.split_from]
        if row.merged_into and row.renamed_to:
            r.problem(
                "renamed_to", _("an agency is either merged into another or renamed, not both")
            )
        if wanted and not row.lineage_date:
            r.problem(
                "lineage_date",
                _("required when «%(column)s» is filled") % {"column": r.sheet.label(wanted[0][0])},
            )
        for key, predecessor, successor, kind in wanted:
            other = successor if predecessor == row.code else predecessor
            pair = (predecessor, successor)
            if other not in known:
                r.problem(key, _("agency '%(code)s' not found") % {"code": other})
            elif other == row.code:
                r.problem(key, _("an agency cannot be its own predecessor"))
            elif pair in declared:
                r.problem(
                    key,
                    _("the link with '%(code)s' is already given on row %(row)s")
                    % {"code": other, "row": declared[pair]},
                )
            elif row.lineage_date:
                declared[pair] = r.line
                plan.links.append(Link(predecessor, successor, kind, row.lineage_date, row.code))
        if (row.merged_into or row.renamed_to) and row.lineage_date:
            # The unit ceases when it is merged or renamed (par-index.md §3).
            last_day = row.lineage_date - datetime.timedelta(days=1)
            given = row.fields.get("valid_to")
            if given is not None and given != last_day:
                r.problem(
                    "valid_to",
                    _("must be %(date)s, the day before the effective date %(effective)s")
                    % {"date": day(last_day), "effective": day(row.lineage_date)},
                )
            row.fields["valid_to"] = last_day


def _check_dates(pairs: list[tuple[RowReader, AgencyRow]], existing: dict[str, Agency]) -> None:
    for r, row in pairs:
        old = existing.get(row.code)
        start = row.fields.get("valid_from", old.valid_from if old else None)
        end = row.fields.get("valid_to", old.valid_to if old else None)
        if start and end and end < start:
            r.problem(
                "valid_to",
                _("must not be before «%(other)s» (%(date)s)")
                % {"other": r.sheet.label("valid_from"), "date": day(start)},
            )


def _check_electronic_ids(
    pairs: list[tuple[RowReader, AgencyRow]],
    existing: dict[str, Agency],
    first_line: dict[str, int],
) -> None:
    final = {code: a.electronic_id for code, a in existing.items()}
    for _r, row in pairs:
        if "electronic_id" in row.fields:
            final[row.code] = row.fields["electronic_id"]
    owners: dict[str, list[str]] = defaultdict(list)
    for code, eid in final.items():
        if eid:
            owners[eid].append(code)
    holder = {a.electronic_id: code for code, a in existing.items() if a.electronic_id}
    for r, row in pairs:
        eid = final.get(row.code, "")
        others = [c for c in owners.get(eid, []) if c != row.code]
        moved_from = holder.get(eid, row.code)
        earlier = [first_line[c] for c in others if first_line.get(c, r.line) < r.line]
        if earlier:
            r.problem(
                "electronic_id",
                _("electronic ID '%(value)s' is already used on row %(row)s")
                % {"value": eid, "row": earlier[0]},
            )
        elif others and others[0] not in first_line:
            r.problem(
                "electronic_id",
                _("electronic ID '%(value)s' belongs to agency '%(code)s'")
                % {"value": eid, "code": others[0]},
            )
        elif moved_from != row.code:
            # Handing an ID from one agency to another in one go would break uniqueness
            # halfway through the import, whatever the order of the rows.
            r.problem(
                "electronic_id",
                _(
                    "electronic ID '%(value)s' still belongs to agency '%(code)s': import that agency's new ID first"
                )
                % {"value": eid, "code": moved_from},
            )


def _check_blocks(pairs: list[tuple[RowReader, AgencyRow]], year: int | None) -> None:
    years = {row.block_year or year for _r, row in pairs} - {None}
    known = set(Block.objects.filter(year__in=years).values_list("year", "code"))
    for r, row in pairs:
        row.block_year = row.block_year or year
        if row.blocks is None:
            continue
        if row.block_year is None:
            if row.blocks:
                r.problem(
                    "blocks",
                    _("give the year of the blocks (column «%(column)s» or the year option)")
                    % {"column": r.sheet.label("block_year")},
                )
            row.blocks = None
            continue
        for code in row.blocks:
            if (row.block_year, code) not in known:
                r.problem(
                    "blocks",
                    _("no block '%(code)s' in %(year)s") % {"code": code, "year": row.block_year},
                )


def _parents_first(rows: list[AgencyRow], existing: dict[str, Agency]) -> list[AgencyRow]:
    """Rows ordered so that every agency comes after its ancestors (the file has no cycles)."""
    parent_of = {code: a.parent.code if a.parent else None for code, a in existing.items()}
    parent_of.update({row.code: row.fields["parent"] for row in rows if "parent" in row.fields})

    def depth(code: str) -> int:
        n = 0
        while (code := parent_of.get(code) or "") and n <= len(parent_of):
            n += 1
        return n

    return sorted(rows, key=lambda row: depth(row.code))


# ---------------------------------------------------------------------------- people


def plan_people(table: Table, *, year: int | None, lang: str) -> PeoplePlan:
    """Check a people file; ``year`` is the assignment year for rows without «Năm phân công».
    Agencies must already be in the registry."""
    sheet = Sheet(table, PEOPLE_COLUMNS, lang)
    plan = PeoplePlan(problems=sheet.problems)
    if sheet.problems:
        return plan
    agencies = set(Agency.objects.values_list("code", flat=True))
    pairs = [(r, _read_person(r, agencies, year)) for r in sheet.rows()]
    _check_repeats(pairs)
    _check_heads(pairs)
    plan.rows = [row for _r, row in pairs]
    return plan


def role_word(role: str, lang: str) -> str:
    return ROLE_WORDS[Position.Role(role)]["en" if lang == "en" else "vi"][0]


def _role(r: RowReader) -> str:
    text = r.text("role", 40).casefold()
    for role, words in ROLE_WORDS.items():
        if text in {w.casefold() for ws in words.values() for w in ws}:
            return role
    if text:
        r.problem(
            "role",
            _("'%(value)s' is not a role: write «%(head)s» or «%(deputy)s»")
            % {
                "value": r.raw("role"),
                "head": role_word(Position.Role.HEAD, r.sheet.lang),
                "deputy": role_word(Position.Role.DEPUTY, r.sheet.lang),
            },
        )
    return ""


def _read_person(r: RowReader, agencies: set[str], year: int | None) -> PersonRow:
    # Cells are read in the order of the columns, so that a row's problems read left to right.
    code = r.code("person", required=True)
    person = {"full_name": r.text("full_name", 150, required=True)}
    if r.sheet.has("email"):
        person["email"] = r.email("email")
    if r.sheet.has("phone"):
        person["phone"] = r.text("phone", 30)
    row = PersonRow(line=r.line, code=code, person=person, agency=r.code("agency"), role=_role(r))
    if r.sheet.has("title"):
        row.position["title"] = r.text("title", 150)
    row.start = r.date("start")
    if r.sheet.has("end"):
        row.position["end"] = r.date("end")
    row.year = r.year("year") or year
    codes = r.codes("fields", NODE_CODE_RE) if r.sheet.has("fields") else None
    if row.agency:
        if row.agency not in agencies:
            r.problem("agency", _("agency '%(code)s' not found") % {"code": row.agency})
        for key, value in (("role", row.role), ("start", row.start)):
            if not value and not r.raw(key):
                r.problem(key, _("cannot be empty"))
    elif row.role or row.start or any(row.position.values()) or codes:
        r.problem("agency", _("needed when the row gives a role, dates, a title or fields"))
    end = row.position.get("end")
    if row.start and end and end < row.start:
        r.problem(
            "end",
            _("must not be before «%(other)s» (%(date)s)")
            % {"other": r.sheet.label("start"), "date": day(row.start)},
        )
    if codes and row.role == Position.Role.HEAD:
        r.problem("fields", _("only a deputy head is assigned fields or criteria"))
    elif codes and row.year is None:
        r.problem(
            "fields",
            _("give the year of the assignment (column «%(column)s» or the year option)")
            % {"column": r.sheet.label("year")},
        )
    if codes is not None and row.role == Position.Role.DEPUTY and row.year:
        row.node_codes = codes
    return row


def _check_repeats(pairs: list[tuple[RowReader, PersonRow]]) -> None:
    people: dict[str, PersonRow] = {}
    terms: dict[tuple[Any, ...], PersonRow] = {}
    years: dict[tuple[Any, ...], set[int | None]] = defaultdict(set)
    for r, row in pairs:
        first = people.setdefault(row.code, row)
        for key in (k for k, v in row.person.items() if v != first.person.get(k)):
            r.problem(
                key,
                _("differs from row %(row)s for the same person '%(code)s'")
                % {"row": first.line, "code": row.code},
            )
        if not row.agency:
            continue
        term = terms.setdefault(row.key, row)
        if row.year in years[row.key]:
            r.problem("", _("repeats row %(row)s") % {"row": term.line})
        years[row.key].add(row.year)
        for key in (k for k, v in row.position.items() if v != term.position.get(k)):
            r.problem(
                key,
                _("differs from row %(row)s for the same term") % {"row": term.line},
            )


@dataclass
class _Term:
    agency: str
    name: str
    start: datetime.date
    end: datetime.date | None
    line: int | None  # None: already in the registry

    def overlaps(self, other: _Term) -> bool:
        far = datetime.date.max
        return self.start <= (other.end or far) and other.start <= (self.end or far)


def _check_heads(pairs: list[tuple[RowReader, PersonRow]]) -> None:
    """One head per agency at any date, counting the heads already in the registry."""
    in_file: dict[tuple[Any, ...], tuple[RowReader, _Term]] = {}
    for r, row in pairs:
        if row.role == Position.Role.HEAD and row.agency and row.start:
            term = _Term(
                row.agency, row.person["full_name"], row.start, row.position.get("end"), r.line
            )
            in_file.setdefault(row.key, (r, term))
    agencies = {term.agency for _r, term in in_file.values()}
    stored = [
        _Term(p.agency.code, p.person.full_name, p.start, p.end, None)
        for p in Position.objects.filter(
            role=Position.Role.HEAD, agency__code__in=agencies
        ).select_related("person", "agency")
        if (p.person.code, p.agency.code, p.role, p.start) not in in_file
    ]
    for r, term in in_file.values():
        assert term.line is not None
        earlier = [t for _r, t in in_file.values() if t.line is not None and t.line < term.line]
        for other in stored + earlier:
            if other.agency == term.agency and other.overlaps(term):
                r.problem("start", _head_clash(other))
                break


def _head_clash(other: _Term) -> str:
    params = {
        "agency": other.agency,
        "name": other.name,
        "start": day(other.start),
        "end": day(other.end) if other.end else _("present"),
        "row": other.line,
    }
    if other.line is None:
        return (
            _(
                "agency '%(agency)s' already has a head at that time: %(name)s (%(start)s – %(end)s, in the registry)"
            )
            % params
        )
    return (
        _(
            "agency '%(agency)s' already has a head at that time: %(name)s (%(start)s – %(end)s, row %(row)s)"
        )
        % params
    )
