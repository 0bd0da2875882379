"""``/api/agencies`` and ``/api/blocks``: the registry, scoped exactly like the pages.

Readers are the province-wide roles and the agency roles; agency roles see their own agency and
the units below it, and any other agency answers 404. The scope lives in
:mod:`chiso.org.queries`, shared with the pages.
"""

import datetime
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema

from chiso.api.common import SLUG, AgencyRef, Named, Num, PageQuery, num
from chiso.api.errors import DENIED, Error, Invalid, NotFound
from chiso.org import queries
from chiso.org.models import Agency, Block, Lineage, Position

router = Router(tags=["registry"])

CODE_OR_EMPTY = r"^[-a-zA-Z0-9_]*$"


class AgencyFilters(PageQuery):
    q: str = Field(
        "", max_length=100, pattern=r"^[^\x00]*$", description="Code, name or electronic ID"
    )
    type: str = Field("", max_length=40, pattern=CODE_OR_EMPTY, description="Type code")
    year: int | None = Field(
        None, ge=1900, le=2100, description="Year of the blocks (default: latest)"
    )
    block: str = Field("", max_length=40, pattern=CODE_OR_EMPTY, description="Block code")
    validity: Literal["today", "all"] = Field("today", description="Former agencies too: all")


class AgencyBase(Schema):
    code: str
    name: str
    short_name: str
    electronic_id: str
    type: Named
    parent: AgencyRef | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None


class AgencyItem(AgencyBase):
    blocks: list[Named] = Field(description="Blocks of the year asked for")


class AgencyPage(Schema):
    count: int
    page: int
    page_size: int
    year: int
    items: list[AgencyItem]


class LineageLink(Schema):
    kind: Literal["merged_into", "split_into", "renamed"]
    effective_date: datetime.date
    legal_basis: str
    agency: AgencyRef = Field(description="The predecessor, or the successor")


class YearBlock(Schema):
    year: int
    code: str
    name: str


class AssignmentOut(Schema):
    year: int
    node_codes: list[str]
    decision: str


class Leader(Schema):
    person: Named
    role: Literal["head", "deputy"]
    title: str
    start: datetime.date
    end: datetime.date | None
    current: bool
    assignments: list[AssignmentOut] = Field(description="A deputy's fields/criteria by year")


class AgencyResultRef(Schema):
    year: int
    block: Named
    rank: int
    final: Num
    classification: str


class AgencyDetail(AgencyBase):
    children: list[AgencyRef] = Field(description="Units below it that the caller may see")
    predecessors: list[LineageLink]
    successors: list[LineageLink]
    inherits_from: list[AgencyRef] = Field(description="Every predecessor, transitively")
    blocks: list[YearBlock]
    leaders: list[Leader]
    results: list[AgencyResultRef] = Field(description="Result sets the caller may see")


class BlockOut(Schema):
    year: int
    code: str
    name: str
    order: int
    agencies: list[Named] = Field(description="Members the caller may see")


class BlockList(Schema):
    year: int
    years: list[int] = Field(description="Every year with blocks")
    items: list[BlockOut]


def _ref(agency: Agency, linkable: set[int] | None) -> dict[str, object]:
    """``linkable``: ids of the agencies the caller may open, ``None`` for all of them."""
    visible = linkable is None or agency.pk in linkable
    return {"code": agency.code, "name": agency.name, "visible": visible}


def _named(block: Block) -> dict[str, str]:
    return {"code": block.code, "name": block.name}


def _base(agency: Agency, linkable: set[int] | None) -> dict[str, object]:
    return {
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "electronic_id": agency.electronic_id,
        "type": {"code": agency.type.code, "name": agency.type.name},
        "parent": _ref(agency.parent, linkable) if agency.parent else None,
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
    }


def _leader(position: Position, today: datetime.date) -> dict[str, object]:
    return {
        "person": {"code": position.person.code, "name": position.person.full_name},
        "role": position.role,
        "title": position.title,
        "start": position.start,
        "end": position.end,
        "current": position.holds_on(today),
        "assignments": [
            {"year": a.year, "node_codes": list(a.node_codes), "decision": a.decision}
            for a in sorted(position.assignments.all(), key=lambda a: -a.year)
        ],
    }


@router.get(
    "/agencies",
    operation_id="list_agencies",
    response={200: AgencyPage, **DENIED, 422: Invalid},
    summary="Agencies the caller may see",
)
def list_agencies(request: HttpRequest, filters: Query[AgencyFilters]) -> dict[str, object]:
    """Agencies ordered by name, a page at a time, with their blocks of ``year``."""
    queries.require_reader(request.user)
    year = queries.shown_year(filters.year)
    agencies = queries.find_agencies(
        request.user,
        year=year,
        q=filters.q,
        type_code=filters.type,
        block=filters.block,
        on=timezone.localdate() if filters.validity == "today" else None,
    )
    start = (filters.page - 1) * filters.page_size
    page = agencies[start : start + filters.page_size]
    linkable = queries.visible_ids(request.user)
    return {
        "count": agencies.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "year": year,
        "items": [
            {**_base(a, linkable), "blocks": [_named(b) for b in a.year_blocks]}  # type: ignore[attr-defined]
            for a in page
        ],
    }


@router.get(
    "/agencies/{code}",
    operation_id="get_agency",
    response={200: AgencyDetail, **DENIED, 404: Error, 422: Invalid},
    summary="One agency: lineage, blocks, leaders, results",
)
def get_agency(
    request: HttpRequest, code: str = Path(..., max_length=40, pattern=SLUG, examples=["stp"])
) -> dict[str, object]:
    """An agency the caller may see; 404 for one that does not exist or is out of scope."""
    queries.require_reader(request.user)
    agency = queries.visible_agency(request.user, code)
    if agency is None:
        raise NotFound(_("There is no agency with this code among those you may see."))
    record = queries.agency_record(request.user, agency)
    links = queries.visible_ids(request.user)
    today = timezone.localdate()
    return {
        **_base(agency, links),
        "children": [_ref(c, links) for c in record.children],
        "predecessors": [_link(ln, ln.predecessor, links) for ln in record.incoming],
        "successors": [_link(ln, ln.successor, links) for ln in record.outgoing],
        "inherits_from": [_ref(a, links) for a in record.inherits],
        "blocks": [{"year": b.year, "code": b.code, "name": b.name} for b in record.blocks],
        "leaders": [_leader(p, today) for p in record.positions],
        "results": [
            {
                "year": s.result_set.year,
                "block": _named(s.result_set.block),
                "rank": s.rank,
                "final": num(s.final),
                "classification": s.classification,
            }
            for s in record.scores
        ],
    }


def _link(link: Lineage, other: Agency, linkable: set[int] | None) -> dict[str, object]:
    return {
        "kind": link.kind,
        "effective_date": link.effective_date,
        "legal_basis": link.legal_basis,
        "agency": _ref(other, linkable),
    }


@router.get(
    "/blocks",
    operation_id="list_blocks",
    response={200: BlockList, **DENIED, 422: Invalid},
    summary="Evaluation blocks of a year",
)
def list_blocks(
    request: HttpRequest,
    year: int | None = Query(None, ge=1900, le=2100, description="Default: the latest year"),
) -> dict[str, object]:
    """The blocks of ``year`` with the members the caller may see."""
    queries.require_reader(request.user)
    shown = queries.shown_year(year)
    blocks: list[Block] = list(queries.blocks_of_year(request.user, shown))
    return {
        "year": shown,
        "years": queries.block_years(shown),
        "items": [
            {
                "year": b.year,
                "code": b.code,
                "name": b.name,
                "order": b.order,
                "agencies": [
                    {"code": a.code, "name": a.name}
                    for a in b.visible_agencies  # type: ignore[attr-defined]
                ],
            }
            for b in blocks
        ],
    }
