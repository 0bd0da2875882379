"""``/api/frameworks``: indicator frameworks, for the province-wide roles (as on the pages).

The detail carries the framework's canonical dict (:meth:`Framework.to_dict`, the layout of the
YAML files, see docs/framework-format.md) under ``definition``, with numbers as decimal
strings; keys the canonical dict omits are omitted here too.
"""

import datetime
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema

from chiso.accounts import scope
from chiso.api.common import Num, decimals_to_text
from chiso.api.errors import DENIED, Error, Invalid, NotFound
from chiso.frameworks.models import Framework

router = Router(tags=["frameworks"])

Status = Literal["draft", "published", "archived"]
Kind = Literal["par_index", "service_index"]


class FrameworkFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2100)
    status: Status | None = None
    kind: Kind | None = None


class FrameworkSummary(Schema):
    id: int
    key: str = Field(description="CODE:YEAR:VERSION, as the CLI takes it")
    code: str
    year: int
    version: int
    title: str
    kind: Kind
    status: Status
    blocks: list[str] = Field(description="Codes of the blocks it applies to")
    leaf_count: int = Field(description="Scored criteria (nodes with a rule)")
    created_at: datetime.datetime
    published_at: datetime.datetime | None
    archived_at: datetime.datetime | None
    cloned_from: int | None


class FrameworkList(Schema):
    count: int
    items: list[FrameworkSummary]


class Rounding(Schema):
    points: int
    percent: int
    mode: str


class ClassBand(Schema):
    label: str
    gte: Num | None = None


class LeaderSettings(Schema):
    deputy_assigned_weight: Num
    scale: list[ClassBand] | None = None


class AdjustmentItem(Schema):
    code: str
    kind: Literal["bonus", "penalty"]
    title: str
    points_each: Num
    max: Num
    evidence_required: bool | None = None


class Adjustments(Schema):
    bonus_cap: Num
    penalty_cap: Num
    items: list[AdjustmentItem]


class Evidence(Schema):
    required: bool
    hint: str | None = None


class NotApplicable(Schema):
    allowed: bool
    agency_types: list[str] | None = None


class DefinitionNode(Schema):
    code: str
    title: str
    max_points: Num
    rule: dict[str, Any] | None = Field(
        None, description="Leaves only; the rule types are in docs/framework-format.md"
    )
    evidence: Evidence | None = None
    not_applicable: NotApplicable | None = None
    guidance: str | None = None
    children: list["DefinitionNode"] | None = None


class Definition(Schema):
    code: str
    year: int
    version: int
    title: str
    kind: Kind
    blocks: list[str]
    total_points: Num
    rounding: Rounding
    final_range: list[Num]
    classification: list[ClassBand]
    tie_break: list[str]
    leaders: LeaderSettings
    adjustments: Adjustments | None = None
    nodes: list[DefinitionNode]


class FrameworkDetail(FrameworkSummary):
    definition: Definition


def _frameworks() -> QuerySet[Framework]:
    return Framework.objects.annotate(
        leaf_count=Count("nodes", filter=Q(nodes__rule__isnull=False))
    ).order_by("-year", "code", "-version")


def _summary(fw: Framework) -> dict[str, Any]:
    return {
        "id": fw.pk,
        "key": fw.key,
        "code": fw.code,
        "year": fw.year,
        "version": fw.version,
        "title": fw.title,
        "kind": fw.kind,
        "status": fw.status,
        "blocks": fw.block_codes,
        "leaf_count": fw.leaf_count,  # type: ignore[attr-defined]
        "created_at": fw.created_at,
        "published_at": fw.published_at,
        "archived_at": fw.archived_at,
        "cloned_from": fw.cloned_from_id,
    }


@router.get(
    "/frameworks",
    operation_id="list_frameworks",
    response={200: FrameworkList, **DENIED, 422: Invalid},
    summary="Indicator frameworks",
)
def list_frameworks(request: HttpRequest, filters: Query[FrameworkFilters]) -> dict[str, Any]:
    """Every framework, newest year first, filtered by year, status and kind."""
    scope.require_any_role(request.user, scope.PROVINCE_WIDE)
    frameworks = _frameworks()
    for field in ("year", "status", "kind"):
        if (value := getattr(filters, field)) is not None:
            frameworks = frameworks.filter(**{field: value})
    items = [_summary(fw) for fw in frameworks]
    return {"count": len(items), "items": items}


@router.get(
    "/frameworks/{framework_id}",
    operation_id="get_framework",
    response={200: FrameworkDetail, **DENIED, 404: Error, 422: Invalid},
    exclude_unset=True,
    summary="One framework with its tree of fields, criteria and rules",
)
def get_framework(
    request: HttpRequest, framework_id: int = Path(..., ge=1, le=2**31 - 1, examples=[1])
) -> dict[str, Any]:
    """The framework and its canonical definition (the YAML layout, numbers as strings)."""
    scope.require_any_role(request.user, scope.PROVINCE_WIDE)
    fw = _frameworks().filter(pk=framework_id).first()
    if fw is None:
        raise NotFound(_("There is no framework with this id."))
    return {**_summary(fw), "definition": decimals_to_text(fw.to_dict())}
