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


@dataclass
class AgencyRecord:
    """Everything the agency page shows. ``linkable`` holds the ids of the related agencies
    (parent, children, lineage) that the user may open; ``children`` lists only those."""

    agency: Agency
    children: list[Agency]
    incoming: list[Lineage]
    outgoing: list[Lineage]
    inherits: list[Agency]
    linkable: set[int]
    blocks: QuerySet[Block]
    positions: QuerySet[Position]
    scores: QuerySet[AgencyScore]


def agency_record(user: Any, agency: Agency) -> AgencyRecord:
    """The record of an agency ``user`` may see (check with :func:`visible_agency` first)."""
    incoming = list(agency.predecessor_links.select_related("predecessor"))
    outgoing = list(agency.successor_links.select_related("successor"))
    children = list(agency.children.select_related("type").order_by("name"))
    related = {
        *(ln.predecessor_id for ln in incoming),
        *(ln.successor_id for ln in outgoing),
        *(c.pk for c in children),
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
        inherits=agency.predecessors(),
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
