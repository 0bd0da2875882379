"""Writing the registry in the layout the importer reads, so that export → import round-trips."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Max, QuerySet

from chiso.org.columns import AGENCY_COLUMNS, PEOPLE_COLUMNS, Column
from chiso.org.importing import role_word
from chiso.org.models import Agency, Assignment, Block, Lineage, Person, Position
from chiso.org.tabular import Value, write_table

KINDS = ("agencies", "people")


def latest_block_year() -> int | None:
    """The most recent year that has evaluation blocks, or None."""
    return Block.objects.aggregate(year=Max("year"))["year"]


def export_registry(
    kind: str,
    fmt: str,
    *,
    agencies: QuerySet[Agency] | None = None,
    year: int | None = None,
    lang: str = "vi",
    with_unplaced: bool = True,
) -> bytes:
    """The registry as an ``xlsx`` or ``csv`` file of ``kind`` (``agencies`` or ``people``).

    ``agencies`` limits the file to a user's scope (default: all). Agencies files carry the
    blocks of ``year`` (default: the latest year with blocks); people files carry the
    assignments of ``year`` (default: every year, one row per term and year). People who hold
    no term are written only when ``with_unplaced``.
    """
    scope = agencies if agencies is not None else Agency.objects.all()
    if kind == "agencies":
        return write_table(_headers(AGENCY_COLUMNS, lang), agency_rows(scope, year=year), fmt)
    if kind == "people":
        rows = people_rows(scope, year, lang, with_unplaced)
        return write_table(_headers(PEOPLE_COLUMNS, lang), rows, fmt)
    raise ValueError(f"unknown registry kind {kind!r}")


def _headers(columns: Sequence[Column], lang: str) -> list[str]:
    return [c.label(lang) for c in columns]


def agency_rows(agencies: QuerySet[Agency], *, year: int | None) -> list[list[Value]]:
    year = year or latest_block_year() or 0
    blocks: dict[int, list[str]] = defaultdict(list)
    for agency_id, code in Block.agencies.through.objects.filter(
        block__year=year, agency__in=agencies
    ).values_list("agency_id", "block__code"):
        blocks[agency_id].append(code)
    incoming: dict[int, list[Lineage]] = defaultdict(list)
    outgoing: dict[int, list[Lineage]] = defaultdict(list)
    for link in Lineage.objects.select_related("predecessor", "successor"):
        incoming[link.successor_id].append(link)
        outgoing[link.predecessor_id].append(link)
    rows: list[list[Value]] = []
    for a in agencies.select_related("type", "parent").order_by("code"):
        ceased = [ln for ln in outgoing[a.pk] if ln.kind != Lineage.Kind.SPLIT_INTO]
        splits = [ln for ln in incoming[a.pk] if ln.kind == Lineage.Kind.SPLIT_INTO]
        # One effective date per row: that of the merger or renaming, else of the split.
        dated = ceased[:1] or splits[:1]
        rows.append(
            [
                a.code,
                a.electronic_id,
                a.name,
                a.short_name,
                a.type.code,
                a.type.name,
                a.parent.code if a.parent else "",
                a.valid_from or "",
                a.valid_to or "",
                year if blocks[a.pk] else "",
                ";".join(sorted(blocks[a.pk])),
                _successor(ceased, Lineage.Kind.MERGED_INTO),
                _successor(ceased, Lineage.Kind.RENAMED),
                ";".join(ln.predecessor.code for ln in splits),
                dated[0].effective_date if dated else "",
            ]
        )
    return rows


def _successor(links: list[Lineage], kind: str) -> str:
    return next((ln.successor.code for ln in links if ln.kind == kind), "")


def people_rows(
    agencies: QuerySet[Agency], year: int | None, lang: str, with_unplaced: bool
) -> list[list[Value]]:
    positions = (
        Position.objects.filter(agency__in=agencies)
        .select_related("person", "agency")
        .order_by("person__code", "agency__code", "start", "role")
    )
    assignments: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in Assignment.objects.filter(position__in=positions).order_by("year"):
        if year is None or assignment.year == year:
            assignments[assignment.position_id].append(assignment)
    rows: list[list[Value]] = []
    for p in positions:
        term: list[Value] = [
            *_person(p.person),
            p.agency.code,
            role_word(p.role, lang),
            p.title,
            p.start,
            p.end or "",
        ]
        rows.extend([*term, a.year, ";".join(a.node_codes)] for a in assignments[p.pk])
        if not assignments[p.pk]:
            rows.append([*term, "", ""])
    if with_unplaced:
        for person in Person.objects.filter(positions=None).order_by("code"):
            rows.append([*_person(person), "", "", "", "", "", "", ""])
    return rows


def _person(person: Person) -> list[Value]:
    return [person.code, person.full_name, person.email, person.phone]
