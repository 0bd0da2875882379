"""``/api/results``: result sets, a block's ranking and an agency's scorecard.

Visibility is :func:`chiso.results.queries.visible_result_sets`, as on the pages: published
results for every role, unpublished ones only for the province-wide roles; a set the caller may
not see answers 404.
"""

import datetime
from typing import Any, Literal

from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema

from chiso.accounts import scope
from chiso.api.common import SLUG, Named, Num, num, opt_num
from chiso.api.errors import DENIED, Error, Invalid, NotFound
from chiso.results.models import AgencyScore, ResultSet
from chiso.results.queries import visible_result_sets

router = Router(tags=["results"])

SetStatus = Literal["draft", "finalised", "published"]
Source = Literal["demo", "import", "round"]

YEAR = Path(..., ge=1900, le=2100, examples=[2023])
BLOCK = Path(..., max_length=40, pattern=SLUG, examples=["so-ban-nganh"])
AGENCY = Path(..., max_length=40, pattern=SLUG, examples=["stp"])


class FrameworkRef(Schema):
    id: int
    key: str
    title: str


class ResultSetOut(Schema):
    year: int
    block: Named
    framework: FrameworkRef
    status: SetStatus
    source: Source
    computed_at: datetime.datetime
    finalised_at: datetime.datetime | None
    published_at: datetime.datetime | None
    mean_final: Num = Field(description="Mean CCHC index of the block (%)")
    class_counts: dict[str, int] = Field(description="Agencies per classification")
    agencies: int


class ResultSetList(Schema):
    count: int
    items: list[ResultSetOut]


class FieldPercent(Schema):
    code: str
    percent: Num | None = Field(description="null when nothing in the field applies")


class Score(Schema):
    rank: int
    agency: Named
    base_points: Num
    base_max: Num
    base_percent: Num = Field(description="Index before bonus and penalty (%)")
    bonus: Num
    penalty: Num
    final: Num = Field(description="CCHC index (%)")
    classification: str
    fields: list[FieldPercent] = Field(description="Percent of each top-level field")


class FieldOut(Schema):
    code: str
    title: str


class BlockResults(Schema):
    result_set: ResultSetOut
    fields: list[FieldOut]
    scores: list[Score]


class Explanation(Schema):
    vi: str
    en: str


class NodeScore(Schema):
    code: str
    title: str
    depth: int = Field(description="0 for a field, 1 for its criteria…")
    points: Num | None
    max: Num | None
    applicable_max: Num | None
    percent: Num | None
    not_applicable: bool
    missing_input: bool
    explanation: Explanation


class LeaderScore(Schema):
    id: str
    name: str
    role: Literal["head", "deputy"]
    assigned: list[str]
    assigned_percent: Num | None
    score: Num | None
    classification: str | None
    explanation: Explanation


class Scorecard(Score):
    result_set: ResultSetOut
    nodes: list[NodeScore]
    leaders: list[LeaderScore]


class ResultFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2100)


def _result_set(rs: ResultSet, agencies: int) -> dict[str, Any]:
    return {
        "year": rs.year,
        "block": {"code": rs.block.code, "name": rs.block.name},
        "framework": {"id": rs.framework.pk, "key": rs.framework.key, "title": rs.framework.title},
        "status": rs.status,
        "source": rs.source,
        "computed_at": rs.computed_at,
        "finalised_at": rs.finalised_at,
        "published_at": rs.published_at,
        "mean_final": num(rs.mean_final),
        "class_counts": {str(k): int(v) for k, v in rs.class_counts.items()},
        "agencies": agencies,
    }


def _score(s: AgencyScore) -> dict[str, Any]:
    return {
        "rank": s.rank,
        "agency": {"code": s.agency.code, "name": s.agency.name},
        "base_points": num(s.base_points),
        "base_max": num(s.base_max),
        "base_percent": num(s.base_percent),
        "bonus": num(s.bonus),
        "penalty": num(s.penalty),
        "final": num(s.final),
        "classification": s.classification,
        "fields": [
            {"code": n["code"], "percent": opt_num(n["percent"])}
            for n in s.nodes
            if n["depth"] == 0
        ],
    }


def _node(n: dict[str, Any]) -> dict[str, Any]:
    numbers = ("points", "max", "applicable_max", "percent")
    return {**n, **{k: opt_num(n.get(k)) for k in numbers}}


def _leader(ld: dict[str, Any]) -> dict[str, Any]:
    return {
        **ld,
        "assigned_percent": opt_num(ld.get("assigned_percent")),
        "score": opt_num(ld.get("score")),
    }


def _visible_set(request: HttpRequest, year: int, block: str) -> ResultSet:
    scope.require_any_role(request.user)
    found = visible_result_sets(request.user).filter(year=year, block__code=block).first()
    if found is None:
        raise NotFound(_("There are no results for this block and year that you may see."))
    return found


@router.get(
    "/results",
    operation_id="list_results",
    response={200: ResultSetList, **DENIED, 422: Invalid},
    summary="Result sets the caller may see",
)
def list_results(request: HttpRequest, filters: Query[ResultFilters]) -> dict[str, Any]:
    """One result set per block, year and framework version, newest year first."""
    scope.require_any_role(request.user)
    sets = visible_result_sets(request.user).order_by("-year", "block__order", "block__name")
    if filters.year is not None:
        sets = sets.filter(year=filters.year)
    counts = dict(
        AgencyScore.objects.filter(result_set__in=sets)
        .values_list("result_set")
        .annotate(n=Count("id"))
        .values_list("result_set", "n")
    )
    items = [_result_set(rs, counts.get(rs.pk, 0)) for rs in sets]
    return {"count": len(items), "items": items}


@router.get(
    "/results/{year}/{block}",
    operation_id="block_results",
    response={200: BlockResults, **DENIED, 404: Error, 422: Invalid},
    summary="A block's ranking",
)
def block_results(request: HttpRequest, year: int = YEAR, block: str = BLOCK) -> dict[str, Any]:
    """Every agency of the block, by rank, with its totals and the percent of each field."""
    result_set = _visible_set(request, year, block)
    scores = list(result_set.scores.select_related("agency").order_by("rank", "agency__name"))
    fields = [n for n in (scores[0].nodes if scores else []) if n["depth"] == 0]
    return {
        "result_set": _result_set(result_set, len(scores)),
        "fields": [{"code": n["code"], "title": n["title"]} for n in fields],
        "scores": [_score(s) for s in scores],
    }


@router.get(
    "/results/{year}/{block}/{agency}",
    operation_id="scorecard",
    response={200: Scorecard, **DENIED, 404: Error, 422: Invalid},
    summary="An agency's scorecard, every number explained",
)
def scorecard(
    request: HttpRequest, year: int = YEAR, block: str = BLOCK, agency: str = AGENCY
) -> dict[str, Any]:
    """Points, maximum and percent of every field and criterion, each explained in Vietnamese
    and English, and the scores of the head and each deputy."""
    result_set = _visible_set(request, year, block)
    score = result_set.scores.select_related("agency").filter(agency__code=agency).first()
    if score is None:
        raise NotFound(_("This agency has no result in this block and year."))
    return {
        **_score(score),
        "result_set": _result_set(result_set, result_set.scores.count()),
        "nodes": [_node(n) for n in score.nodes],
        "leaders": [_leader(ld) for ld in score.leaders_in_order],
    }
