"""``/api/assessments/{id}/adjustments``: an assessment's bonus and penalty counts, read and set
by the reform office through the same action as ``office_adjustments.py`` (optimistic locking:
a stale version answers 409 with the action's message; audit row; stage guard).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Router, Schema

from chiso.accounts import scope
from chiso.api.assessments import (
    BODY_ERRORS,
    ID,
    MAX_ID,
    TEXT_PATTERN,
    EvidenceOut,
    Refused,
    act,
    visible_assessments,
)
from chiso.api.assessments import _evidence as evidence_out
from chiso.api.common import Num, num
from chiso.api.errors import DENIED, Error, NotFound
from chiso.assessments import actions
from chiso.assessments.models import Assessment, Evidence

router = Router(tags=["evaluation round"])


class AdjustmentCount(Schema):
    code: str
    title: str
    kind: Literal["bonus", "penalty"]
    points_each: Num
    max: Num = Field(description="The most points the item can give or take")
    evidence_required: bool
    count: Num | None = Field(description="How many times it happened; null: never entered")
    note: str = Field(description="The evidence reference: the decision, report or letter")
    version: int = Field(description="Send it back as expected_version; 0: never entered")
    updated_by: str | None
    updated_at: datetime.datetime | None
    evidence: list[EvidenceOut] = Field(description="The evidence files attached to the count")


class AdjustmentCountList(Schema):
    count: int
    items: list[AdjustmentCount]


class AdjustmentCountIn(Schema):
    count: str = Field(
        ...,
        pattern=r"^-?[0-9]{1,7}(\.[0-9]{1,2})?$",
        description="How many times the item happened, as a decimal string",
        examples=["2"],
    )
    note: str = Field("", max_length=10000, pattern=TEXT_PATTERN)
    expected_version: int = Field(
        ..., ge=0, le=MAX_ID, description="The version last read; 0 for an item never entered"
    )


ADJUSTMENT_CODE = Path(..., max_length=40, pattern=r"^[-A-Za-z0-9_.]+$", examples=["C1"])


def _readable_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    """The assessment if the caller may read it (404 otherwise); the office is checked after."""
    found = visible_assessments(request.user).filter(pk=assessment_id).first()
    if found is None:
        raise NotFound(
            gettext_lazy("There is no assessment with this number among those you may see.")
        )
    return found


def _counts(assessment: Assessment) -> list[dict[str, Any]]:
    """Every bonus/penalty item of the framework, in its order, with what was entered."""
    entries = {e.code: e for e in assessment.adjustments.select_related("updated_by")}
    files: dict[int, list[Evidence]] = {}
    attached = Evidence.objects.filter(adjustment__assessment=assessment, removed_at=None)
    for e in attached.select_related("uploaded_by").order_by("uploaded_at", "pk"):
        files.setdefault(e.adjustment_id or 0, []).append(e)
    rows = []
    for item in assessment.round.framework.to_engine().adjustments:
        entry = entries.get(item.code)
        who = entry.updated_by if entry else None
        rows.append(
            {
                "code": item.code,
                "title": item.title,
                "kind": item.kind,
                "points_each": num(item.points_each),
                "max": num(item.max),
                "evidence_required": item.evidence_required,
                "count": num(entry.count) if entry else None,
                "note": entry.note if entry else "",
                "version": entry.version if entry else 0,
                "updated_by": (who.get_full_name() or who.get_username()) if who else None,
                "updated_at": entry.updated_at if entry else None,
                "evidence": [evidence_out(e) for e in files.get(entry.pk, [])] if entry else [],
            }
        )
    return rows


@router.get(
    "/assessments/{assessment_id}/adjustments",
    operation_id="list_adjustment_counts",
    response={200: AdjustmentCountList, **DENIED, 404: Error, 422: Refused},
    summary="The bonus and penalty counts of one assessment (reform office)",
)
def list_adjustment_counts(request: HttpRequest, assessment_id: int = ID) -> dict[str, Any]:
    """Every bonus/penalty item of the framework, entered or not, with its evidence files."""
    assessment = _readable_assessment(request, assessment_id)
    scope.require_reform_office(request.user)
    items = _counts(assessment)
    return {"count": len(items), "items": items}


@router.put(
    "/assessments/{assessment_id}/adjustments/{code}",
    operation_id="save_adjustment_count",
    response={200: AdjustmentCount, **BODY_ERRORS},
    summary="How many times a bonus or penalty item happened, with its evidence reference "
    "(reform office)",
)
def save_adjustment_count(
    request: HttpRequest,
    body: AdjustmentCountIn,
    assessment_id: int = ID,
    code: str = ADJUSTMENT_CODE,
) -> dict[str, Any]:
    """Until the round is finalised (409 after). A stale ``expected_version`` answers 409 with
    who changed the count and when; nothing is written. The engine caps the points later."""
    assessment = _readable_assessment(request, assessment_id)
    act(
        request,
        lambda: actions.save_adjustment(
            assessment,
            code,
            count=Decimal(body.count),
            note=body.note,
            expected_version=body.expected_version,
            actor=request.user,
        ),
    )
    return next(row for row in _counts(assessment) if row["code"] == code)
