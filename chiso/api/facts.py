"""``/api/facts``: the values framework rules read by name, with their source and date.

Scope as on the facts page (:func:`chiso.facts.views.fact_list`): province-wide roles see every
agency's facts, agency users their own agency's and its units'; other roles see none.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from chiso.accounts import scope
from chiso.api.common import SLUG, Named, Num, PageQuery, num
from chiso.api.errors import DENIED, Invalid, language
from chiso.facts.models import Fact
from chiso.frameworks.facts import describe_fact

router = Router(tags=["facts"])


class FactOut(Schema):
    name: str = Field(description="The name rules read, e.g. dossier.on_time_rate")
    label: str = Field(description="What the value means, in the caller's language")
    agency: Named
    leader: Named | None = Field(
        description="Set when the value is a leader's share within the agency (not scored)"
    )
    year: int
    value: Num
    source: str
    as_of: datetime.date | None = Field(description="Date of the figures")
    updated_at: datetime.datetime


class FactPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[FactOut]


class FactFilters(PageQuery):
    year: int | None = Field(None, ge=1900, le=2100)
    agency: str | None = Field(None, max_length=40, pattern=SLUG, description="Agency code")
    name: str | None = Field(
        None, max_length=80, pattern=r"^[-a-zA-Z0-9_.]+$", description="Fact name"
    )


@router.get(
    "/facts",
    operation_id="list_facts",
    response={200: FactPage, **DENIED, 422: Invalid},
    summary="Facts of the agencies the caller may see",
)
def list_facts(request: HttpRequest, filters: Query[FactFilters]) -> dict[str, Any]:
    """By year (newest first), agency and name; an agency outside the caller's scope simply
    has no facts here."""
    scope.require_any_role(request.user)
    facts = Fact.objects.filter(agency__in=scope.visible_agencies(request.user))
    if filters.year is not None:
        facts = facts.filter(year=filters.year)
    if filters.agency:
        facts = facts.filter(agency__code=filters.agency)
    if filters.name:
        facts = facts.filter(name=filters.name)
    facts = facts.select_related("agency", "person").order_by(
        "-year", "agency__name", "name", "person__code"
    )
    start = (filters.page - 1) * filters.page_size
    lang = language(request)
    return {
        "count": facts.count(),
        "page": filters.page,
        "page_size": filters.page_size,
        "items": [
            {
                "name": f.name,
                "label": describe_fact(f.name, lang),
                "agency": {"code": f.agency.code, "name": f.agency.name},
                "leader": {"code": f.person.code, "name": f.person.full_name} if f.person else None,
                "year": f.year,
                "value": num(f.value),
                "source": f.source,
                "as_of": f.as_of,
                "updated_at": f.updated_at,
            }
            for f in facts[start : start + filters.page_size]
        ],
    }
