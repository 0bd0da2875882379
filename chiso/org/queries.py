"""Reading the registry with the agency scope applied: shared by the pages and the API.

Readers are the province-wide roles and the agency roles (:data:`READERS`). Agency roles see
their own agency and the units below it; the helpers here return nothing (``None`` or an empty
queryset) for anything else, and the callers answer 404 so that its existence does not leak.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Prefetch, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext

from chiso.accounts import scope
from chiso.accounts.models import AGENCY_ROLES
from chiso.org.exporting import latest_block_year
from chiso.org.models import Agency, Block, Lineage, Position
from chiso.results.models import AgencyScore
from chiso.results.queries import visible_result_sets

READERS = scope.PROVINCE_WIDE | AGENCY_ROLES
HEADS_FIRST = Case(When(role=Position.Role.HEAD, then=0), default=1)


def require_reader(user: Any) -> None:
    """Raise PermissionDenied unless the user may read the registry."""
    scope.require_any_role(user, READERS)


def shown_year(asked: int | None) -> int:
    """The year to show: the one asked for, else the latest with blocks, else this year."""
    if isinstance(asked, int):
        return asked
    return latest_block_year() or timezone.localdate().year


def block_years(year: int) -> list[int]:
    """Every year that has blocks, and ``year``, newest first."""
    return sorted({year, *Block.objects.values_list("year", flat=True)}, reverse=True)


def find_agencies(
    user: Any,
    *,
    year: int,
    q: str = "",
    type_code: str = "",
    block: str = "",
    on: datetime.date | None = None,
) -> QuerySet[Agency]:
    """The agencies ``user`` may see, filtered, ordered by name.

    ``q`` searches code, name, short name and electronic ID; ``block`` is a block code of
    ``year``; ``on`` keeps the agencies valid that day (``None``: every agency, former ones
    too). Each agency carries ``year_blocks``, its blocks of ``year``.
    """
    base = Agency.objects.select_related("type", "parent")
    if on is not None:
        base = base.valid_on(on)
    agencies = scope.visible_agencies(user, base).prefetch_related(
        Prefetch("blocks", queryset=Block.objects.filter(year=year), to_attr="year_blocks")
    )
    if q:
        agencies = agencies.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(short_name__icontains=q)
            | Q(electronic_id__icontains=q)
        )
    if type_code:
        agencies = agencies.filter(type__code=type_code)
    if block:
        agencies = agencies.filter(blocks__year=year, blocks__code=block)
    return agencies.order_by("name", "code")


def visible_ids(user: Any) -> set[int] | None:
    """Ids of the agencies ``user`` may see, or ``None`` when that is every agency."""
    return None if scope.sees_whole_province(user) else scope.own_agency_ids(user)


def visible_agency(user: Any, code: str) -> Agency | None:
    """The agency with ``code`` if ``user`` may see it; ``None`` if missing or out of scope."""
    agency = Agency.objects.select_related("type", "parent").filter(code=code).first()
    if agency is None or not scope.can_see_agency(user, agency.pk):
        return None
    return agency


@dataclass(frozen=True)
class LineageRow:
    """One row of an agency's lineage table: ``label`` names the change as the page says it,
    ``together`` the other units consolidated with the predecessor (empty unless consolidated)."""

    link: Lineage
    label: str
    together: list[Agency]


def is_consolidation(link: Lineage, merged_the_same_day: int) -> bool:
    """Whether a merger link is a consolidation (hợp nhất) rather than a merger (sáp nhập).

    Nghị định 158/2018/NĐ-CP, Điều 2: in a hợp nhất two or more units end and together form a
    NEW unit; in a sáp nhập units are absorbed into one that already existed. The registry stores
    both as ``merged_into``, so the difference is read from the data: the successor starts on
    the day of the change and at least two units were merged into it that day.
    """
    start = link.successor.valid_from
    return (
        link.kind == Lineage.Kind.MERGED_INTO
        and start is not None
        and start >= link.effective_date
        and merged_the_same_day >= 2
    )


def lineage_rows(links: list[Lineage], *, name_partners: bool) -> list[LineageRow]:
    """The links (with predecessor and successor loaded) as table rows, consolidations named.
    ``name_partners``: fill ``together`` (on a predecessor's page; the successor's page lists
    every consolidated unit in its own rows already)."""
    merged = Lineage.objects.filter(
        kind=Lineage.Kind.MERGED_INTO, successor__in={ln.successor_id for ln in links}
    ).select_related("predecessor")
    partners: dict[tuple[int, datetime.date], list[Agency]] = {}
    for other in merged.order_by("predecessor__name"):
        partners.setdefault((other.successor_id, other.effective_date), []).append(
            other.predecessor
        )
    rows = []
    for ln in links:
        group = partners.get((ln.successor_id, ln.effective_date), [])
        if is_consolidation(ln, len(group)):
            label = gettext("consolidated into")
            together = [a for a in group if a.pk != ln.predecessor_id] if name_partners else []
        else:
            label, together = ln.get_kind_display(), []
        rows.append(LineageRow(link=ln, label=label, together=together))
    return rows


@dataclass
class AgencyRecord:
    """Everything the agency page shows. ``linkable`` holds the ids of the related agencies
    (parent, children, lineage, inherited units) that the user may open; ``children`` lists
    only those. ``earlier_units``: for an agency that began with a merger, split or renaming,
    the inherited units, latest ended first, that the page points to for the results and leaders
    of the years before it existed (empty for an agency that existed before, e.g. one that
    absorbed others: its earlier years are its own)."""

    agency: Agency
    children: list[Agency]
    incoming: list[Lineage]
    outgoing: list[Lineage]
    history: list[LineageRow]
    inherits: list[Agency]
    earlier_units: list[Agency]
    linkable: set[int]
    blocks: QuerySet[Block]
    positions: QuerySet[Position]
    scores: QuerySet[AgencyScore]


def _earlier_units(agency: Agency, incoming: list[Lineage], inherits: list[Agency]) -> list[Agency]:
    began = agency.valid_from
    if began is None or not any(began >= ln.effective_date for ln in incoming):
        return []
    by_name = sorted(inherits, key=lambda a: a.name)
    return sorted(by_name, key=lambda a: a.valid_to or datetime.date.max, reverse=True)


def agency_record(user: Any, agency: Agency) -> AgencyRecord:
    """The record of an agency ``user`` may see (check with :func:`visible_agency` first)."""
    incoming = list(agency.predecessor_links.select_related("predecessor", "successor"))
    outgoing = list(agency.successor_links.select_related("predecessor", "successor"))
    children = list(agency.children.select_related("type").order_by("name"))
    inherits = agency.predecessors()
    related = {
        *(ln.predecessor_id for ln in incoming),
        *(ln.successor_id for ln in outgoing),
        *(c.pk for c in children),
        *(a.pk for a in inherits),
        agency.parent_id,
    }
    linkable = set(
        scope.visible_agencies(user, Agency.objects.filter(pk__in=related)).values_list(
            "pk", flat=True
        )
    )
    return AgencyRecord(
        agency=agency,
        children=[c for c in children if c.pk in linkable],
        incoming=incoming,
        outgoing=outgoing,
        history=lineage_rows(incoming, name_partners=False)
        + lineage_rows(outgoing, name_partners=True),
        inherits=inherits,
        earlier_units=_earlier_units(agency, incoming, inherits),
        linkable=linkable,
        blocks=agency.blocks.order_by("-year", "order"),
        positions=agency.positions.select_related("person", "agency")
        .prefetch_related("assignments")
        .order_by(HEADS_FIRST, "-start"),
        scores=AgencyScore.objects.filter(agency=agency, result_set__in=visible_result_sets(user))
        .select_related("result_set__block")
        .order_by("-result_set__year", "result_set__block__order"),
    )


def blocks_of_year(user: Any, year: int) -> QuerySet[Block]:
    """The blocks of ``year``, each with ``visible_agencies``: its members ``user`` may see."""
    visible = scope.visible_agencies(user).order_by("name")
    return Block.objects.filter(year=year).prefetch_related(
        Prefetch("agencies", queryset=visible, to_attr="visible_agencies")
    )


def deputies_without_assignment(agency_ids: Any, year: int) -> list[tuple[Agency, list[str]]]:
    """Per agency (by name), the deputies in office at some time in ``year`` who have no field
    assignment (phân công) for that year. The engine scores such a deputy with the agency's
    own index (par-index.md §2.4), so the reform office should know before finalising."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    deputies = (
        Position.objects.filter(
            agency_id__in=agency_ids, role=Position.Role.DEPUTY, start__lte=last
        )
        .filter(Q(end=None) | Q(end__gte=first))
        .exclude(assignments__year=year)
        .select_related("agency", "person")
        .order_by("agency__name", "person__full_name")
    )
    out: dict[int, tuple[Agency, list[str]]] = {}
    for position in deputies:
        out.setdefault(position.agency_id, (position.agency, []))[1].append(
            position.person.full_name
        )
    return list(out.values())
