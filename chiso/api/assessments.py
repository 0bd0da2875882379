"""``/api/rounds/{id}`` and ``/api/assessments``: the evaluation round, read and written
(the list of rounds and the reform office's round administration: :mod:`chiso.api.rounds`).

Who sees what is the rule of the pages (docs/evaluation-round.md): the reform office and the
provincial leaders see every assessment; an agency's focal officers and leaders see their own
agency's (and its units'); an appraiser sees the agencies assigned to them and, of those, only
the items of the fields assigned; anyone with a round role sees a published assessment. Anything
else answers 404, so that the existence of another agency's assessment does not leak.

Writes only parse, find the object within the caller's scope and call the action of
:mod:`chiso.assessments.actions` with the caller as actor; the action checks the permission
(403), the stage (409), the version (409) and the value (422), writes the audit row, and its
message comes back in the caller's language. Evidence is described (name, type, size, SHA-256,
who uploaded it, when), never sent: the file bytes and storage keys stay on the server.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Router, Schema
from ninja.errors import HttpError

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.api.common import Named, Num, num, opt_num
from chiso.api.errors import DENIED, Error, FieldError, NotFound, language
from chiso.assessments import actions
from chiso.assessments.inputs import counted
from chiso.assessments.models import (
    AppraiserAssignment,
    Assessment,
    Evidence,
    ItemEntry,
    Round,
    Stage,
)
from chiso.assessments.queries import progress
from chiso.assessments.visibility import AFTER_COUNCIL, AFTER_ROUND_1, AFTER_ROUND_2
from chiso.engine.model import iter_nodes

router = Router(tags=["evaluation round"])

T = TypeVar("T")

# Roles that take part in a round; others (survey operators, no role) are refused with 403.
ROUND_ROLES = (
    Role.REFORM_OFFICE,
    Role.VIEWER,
    Role.APPRAISER,
    Role.FOCAL_OFFICER,
    Role.AGENCY_LEADER,
)

MAX_ID = 2**31 - 1
ID = Path(..., ge=1, le=MAX_ID, examples=[1])
ITEM_CODE = Path(..., max_length=40, pattern=r"^[-A-Za-z0-9_.]+$", examples=["1.1"])
# An entered value: at most 8 digits before and 4 after the point, as the database stores it.
VALUE_PATTERN = r"^-?[0-9]{1,8}(\.[0-9]{1,4})?$"
# Free text without NUL, which PostgreSQL cannot store.
TEXT_PATTERN = r"^[^\x00]*$"
Value = Annotated[
    str,
    Field(pattern=VALUE_PATTERN, description="A decimal number as a string", examples=["1.5"]),
]
Version = Annotated[
    int, Field(ge=1, le=MAX_ID, description="The item's version the caller last read")
]


def _text(max_length: int) -> Any:
    return Field("", max_length=max_length, pattern=TEXT_PATTERN)


class Refused(Schema):
    """A 422 answer: parameters that are not valid (``errors`` lists them), or a value the
    round refuses (``detail`` says which item and why, ``errors`` is empty)."""

    detail: str
    errors: list[FieldError] = Field(default_factory=list)


WRITE_ERRORS: dict[int, Any] = {**DENIED, 404: Error, 409: Error, 422: Refused}
# A body that is not JSON at all: django-ninja answers 400 before the operation runs.
BODY_ERRORS: dict[int, Any] = {**WRITE_ERRORS, 400: Error}


class FrameworkRef(Schema):
    id: int
    key: str
    title: str


class Deadlines(Schema):
    self_assessment: datetime.date
    approval: datetime.date
    appraisal_1: datetime.date
    explanation: datetime.date
    appraisal_2: datetime.date
    council: datetime.date


class Extension(Schema):
    agency: Named
    stage: str
    new_date: datetime.date
    reason: str
    applies: bool = Field(
        description="Whether it is the agency's deadline: false once a correction has moved the "
        "round's own date for that stage to the same day or later (the later of the two counts)"
    )


class RoundOut(Schema):
    id: int
    year: int
    block: Named
    framework: FrameworkRef
    stage: str = Field(description="draft, explanation, appraisal_2, council, finalised…")
    stage_label: str
    deadlines: Deadlines
    late_penalty_code: str
    opened_at: datetime.datetime


class RoundDetail(RoundOut):
    extensions: list[Extension] = Field(
        description="Later deadlines granted to the agencies the caller may see"
    )


class RoundList(Schema):
    count: int
    items: list[RoundOut]


class Progress(Schema):
    done: int = Field(description="Items with a value or a not-applicable mark")
    total: int


class AssessmentOut(Schema):
    id: int
    round_id: int
    agency: Named
    status: str = Field(description="draft, submitted, approved, appraisal_1…")
    status_label: str
    late: bool
    submitted_at: datetime.datetime | None
    submitted_by: str | None
    approved_at: datetime.datetime | None
    approved_by: str | None
    version: int
    progress: Progress


class AssessmentList(Schema):
    count: int
    items: list[AssessmentOut]


class EvidenceOut(Schema):
    id: int
    name: str
    type: str = Field(description="MIME type sniffed from the file's bytes")
    size: int = Field(description="Bytes")
    sha256: str
    description: str
    stage: str
    uploaded_by: str | None
    uploaded_at: datetime.datetime


class ItemOut(Schema):
    code: str
    title: str
    field_code: str
    self_value: Num | None
    not_applicable: bool
    justification: str
    appraised_value_1: Num | None
    appraiser_comment_1: str
    needs_explanation: bool
    explanation: str
    appraised_value_2: Num | None
    appraiser_comment_2: str
    council_value: Num | None
    council_note: str
    effective_value: Num | None = Field(
        description="The council's value, else round 2's, else round 1's, else the agency's"
    )
    effective_step: str | None = Field(
        description="Whose value effective_value is: self, appraisal_1, appraisal_2 or council"
    )
    version: int
    updated_at: datetime.datetime | None
    evidence: list[EvidenceOut]


class AdjustmentOut(Schema):
    code: str
    count: Num
    note: str


class AssessmentDetail(AssessmentOut):
    round: RoundOut
    items: list[ItemOut]
    adjustments: list[AdjustmentOut]


class SelfAssessmentIn(Schema):
    value: Value | None = None
    not_applicable: bool = False
    justification: str = _text(10000)
    expected_version: Version


class AppraisalIn(Schema):
    round_no: int = Field(..., ge=1, le=2)
    value: Value | None = None
    comment: str = _text(10000)
    needs_explanation: bool = False
    expected_version: Version


class ExplanationIn(Schema):
    text: str = Field(..., max_length=10000, pattern=TEXT_PATTERN)
    expected_version: Version


class CouncilIn(Schema):
    value: Value | None = Field(None, description="null leaves the appraisers' value in force")
    note: str = _text(10000)
    expected_version: Version


# ---------------------------------------------------------------------------------------------
# Scope


def visible_assessments(user: Any) -> QuerySet[Assessment]:
    """The assessments ``user`` may read, as the pages list them (``listed_assessments`` of
    the round's pages): all for the reform office; otherwise the user's own agencies', those
    they appraise, and published ones for province-wide readers. PermissionDenied for a user
    without a round role."""
    scope.require_any_role(user, ROUND_ROLES)
    everything = Assessment.objects.select_related("agency", "round__block", "round__framework")
    if scope.is_reform_office(user):
        return everything
    assigned = AppraiserAssignment.objects.filter(
        round_id=OuterRef("round_id"), agency_id=OuterRef("agency_id"), user=user
    )
    wanted = Q(agency_id__in=scope.own_agency_ids(user)) | Q(Exists(assigned))
    if scope.sees_whole_province(user):
        wanted |= Q(status=Stage.PUBLISHED)
    return everything.filter(wanted)


@dataclass(frozen=True)
class Sight:
    """What a user may read of one assessment: the fields (None: all), and whether the values
    of appraisal round 1, round 2 and the council are shown yet."""

    fields: set[str] | None
    round_1: bool
    round_2: bool
    council: bool


def sight(user: Any, assessment: Assessment) -> Sight:
    """An appraiser who is not of the agency reads only the fields assigned to them, until the
    assessment is published."""
    office = scope.is_reform_office(user)
    assigned = set(
        AppraiserAssignment.objects.filter(
            round_id=assessment.round_id, agency_id=assessment.agency_id, user=user
        ).values_list("field_code", flat=True)
    )
    whole = (
        office
        or assessment.agency_id in scope.own_agency_ids(user)
        or (assessment.status == Stage.PUBLISHED and scope.sees_whole_province(user))
    )
    insider = office or bool(assigned)
    status = assessment.status
    return Sight(
        fields=None if whole else assigned,
        round_1=insider or status in AFTER_ROUND_1,
        round_2=insider or status in AFTER_ROUND_2,
        council=insider or status in AFTER_COUNCIL,
    )


def _assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    found = visible_assessments(request.user).filter(pk=assessment_id).first()
    if found is None:
        raise NotFound(_("There is no assessment with this number among those you may see."))
    return found


def _entry(request: HttpRequest, assessment: Assessment, code: str) -> ItemEntry:
    fields = sight(request.user, assessment).fields
    entry = assessment.entries.filter(code=code).first()
    if entry is None or (fields is not None and entry.field_code not in fields):
        raise NotFound(_("This assessment has no item with this code that you may see."))
    entry.assessment = assessment
    return entry


def act(request: HttpRequest, action: Callable[[], T]) -> T:
    """Run ``action`` in the caller's language, its refusals answered 409 or 422."""
    with translation.override(language(request)):
        try:
            return action()
        except (actions.StateError, actions.ConflictError) as error:
            raise HttpError(409, str(error)) from error
        except actions.AssessmentError as error:
            raise HttpError(422, str(error)) from error


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# ---------------------------------------------------------------------------------------------
# Serialisation


def _name(user: Any) -> str | None:
    return None if user is None else (user.get_full_name() or user.get_username())


def round_out(rnd: Round) -> dict[str, Any]:
    return {
        "id": rnd.pk,
        "year": rnd.year,
        "block": {"code": rnd.block.code, "name": rnd.block.name},
        "framework": {
            "id": rnd.framework.pk,
            "key": rnd.framework.key,
            "title": rnd.framework.title,
        },
        "stage": rnd.stage,
        "stage_label": str(Stage(rnd.stage).label),
        "deadlines": {
            "self_assessment": rnd.self_assessment_due,
            "approval": rnd.approval_due,
            "appraisal_1": rnd.appraisal_1_due,
            "explanation": rnd.explanation_due,
            "appraisal_2": rnd.appraisal_2_due,
            "council": rnd.council_due,
        },
        "late_penalty_code": rnd.late_penalty_code,
        "opened_at": rnd.opened_at,
    }


def summary(a: Assessment) -> dict[str, Any]:
    """``a`` with its progress: annotated by :func:`_with_progress`, else counted here."""
    done, total = getattr(a, "items_done", None), getattr(a, "items_total", None)
    if done is None or total is None:
        p = progress(a)
        done, total = p.done, p.total
    return {
        "id": a.pk,
        "round_id": a.round_id,
        "agency": {"code": a.agency.code, "name": a.agency.name},
        "status": a.status,
        "status_label": str(Stage(a.status).label),
        "late": a.late,
        "submitted_at": a.submitted_at,
        "submitted_by": _name(a.submitted_by),
        "approved_at": a.approved_at,
        "approved_by": _name(a.approved_by),
        "version": a.version,
        "progress": {"done": done, "total": total},
    }


def _with_progress(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The counts of :func:`chiso.assessments.queries.progress`, in one query for a list."""
    entered = Q(entries__self_value__isnull=False) | Q(entries__self_not_applicable=True)
    return assessments.annotate(
        items_total=Count("entries"), items_done=Count("entries", filter=entered)
    )


def _evidence(e: Evidence) -> dict[str, Any]:
    return {
        "id": e.pk,
        "name": e.original_name,
        "type": e.content_type,
        "size": e.size,
        "sha256": e.sha256,
        "description": e.description,
        "stage": e.stage,
        "uploaded_by": _name(e.uploaded_by),
        "uploaded_at": e.uploaded_at,
    }


def _item(entry: ItemEntry, title: str, evidence: list[Evidence], seen: Sight) -> dict[str, Any]:
    """One item, with the appraisal and council values the caller may see yet (others null)."""
    round_1 = (entry.appraised_value_1, entry.appraiser_comment_1, entry.needs_explanation)
    round_2 = (entry.appraised_value_2, entry.appraiser_comment_2)
    council = (entry.council_value, entry.council_note)
    v1, c1, marked = round_1 if seen.round_1 else (None, "", False)
    v2, c2 = round_2 if seen.round_2 else (None, "")
    vc, note = council if seen.council else (None, "")
    effective = counted(entry, round_1=seen.round_1, round_2=seen.round_2, council=seen.council)
    return {
        "code": entry.code,
        "title": title,
        "field_code": entry.field_code,
        "self_value": opt_num(entry.self_value),
        "not_applicable": entry.self_not_applicable,
        "justification": entry.justification,
        "appraised_value_1": opt_num(v1),
        "appraiser_comment_1": c1,
        "needs_explanation": marked,
        "explanation": entry.explanation,
        "appraised_value_2": opt_num(v2),
        "appraiser_comment_2": c2,
        "council_value": opt_num(vc),
        "council_note": note,
        "effective_value": opt_num(effective.value),
        "effective_step": effective.step,
        "version": entry.version,
        "updated_at": entry.updated_at,
        "evidence": [_evidence(e) for e in evidence],
    }


def _titles(rnd: Round) -> dict[str, str]:
    return {n.code: n.title for n in iter_nodes(rnd.framework.to_engine().nodes)}


def _item_of(request: HttpRequest, entry: ItemEntry) -> dict[str, Any]:
    """One item as stored now, after a write, as the caller may see it."""
    entry.refresh_from_db()
    assessment = Assessment.objects.select_related("round__framework").get(pk=entry.assessment_id)
    evidence = Evidence.objects.filter(entry=entry, removed_at=None).select_related("uploaded_by")
    title = _titles(assessment.round).get(entry.code, "")
    return _item(entry, title, list(evidence), sight(request.user, assessment))


# ---------------------------------------------------------------------------------------------
# Reading


def visible_round(request: HttpRequest, round_id: int) -> tuple[Round, QuerySet[Assessment]]:
    visible = visible_assessments(request.user).filter(round_id=round_id)
    rnd = Round.objects.select_related("block", "framework").filter(pk=round_id).first()
    if rnd is None or not (scope.is_reform_office(request.user) or visible.exists()):
        raise NotFound(_("There is no evaluation round with this number that you may see."))
    return rnd, visible


@router.get(
    "/rounds/{round_id}",
    operation_id="get_round",
    response={200: RoundDetail, **DENIED, 404: Error, 422: Refused},
    summary="One round: stage, deadlines, extensions",
)
def get_round(request: HttpRequest, round_id: int = ID) -> dict[str, Any]:
    """The round's stage and deadlines, and the extensions of the agencies the caller sees."""
    return round_detail(*visible_round(request, round_id))


def round_detail(rnd: Round, visible: QuerySet[Assessment]) -> dict[str, Any]:
    """The round, with the extensions of the agencies of ``visible``."""
    agencies = visible.values("agency_id")
    extensions = rnd.extensions.filter(agency_id__in=agencies).select_related("agency")
    return {
        **round_out(rnd),
        "extensions": [
            {
                "agency": {"code": x.agency.code, "name": x.agency.name},
                "stage": x.stage,
                "new_date": x.new_date,
                "reason": x.reason,
                "applies": x.new_date > getattr(rnd, f"{x.stage}_due"),
            }
            for x in extensions.order_by("agency__name", "stage")
        ],
    }


@router.get(
    "/rounds/{round_id}/assessments",
    operation_id="list_assessments",
    response={200: AssessmentList, **DENIED, 404: Error, 422: Refused},
    summary="The assessments of a round the caller may see",
)
def list_assessments(request: HttpRequest, round_id: int = ID) -> dict[str, Any]:
    """Each agency's stage, lateness, submission, approval and progress, by agency name."""
    _rnd, visible = visible_round(request, round_id)
    rows = _with_progress(visible.select_related("submitted_by", "approved_by"))
    rows = rows.order_by("agency__name")
    items = [summary(a) for a in rows]
    return {"count": len(items), "items": items}


@router.get(
    "/assessments/{assessment_id}",
    operation_id="get_assessment",
    response={200: AssessmentDetail, **DENIED, 404: Error, 422: Refused},
    summary="One assessment with its items and evidence metadata",
)
def get_assessment(request: HttpRequest, assessment_id: int = ID) -> dict[str, Any]:
    """Every item the caller may see (an appraiser: the fields assigned), with what the agency,
    the appraisers and the council said, and the metadata of its evidence files."""
    assessment = _assessment(request, assessment_id)
    seen = sight(request.user, assessment)
    entries = assessment.entries.order_by("order")
    if seen.fields is not None:
        entries = entries.filter(field_code__in=seen.fields)
    evidence: dict[int, list[Evidence]] = {}
    files = Evidence.objects.filter(assessment=assessment, removed_at=None, entry__isnull=False)
    for e in files.select_related("uploaded_by").order_by("uploaded_at", "pk"):
        evidence.setdefault(e.entry_id or 0, []).append(e)
    titles = _titles(assessment.round)
    adjustments = assessment.adjustments.order_by("code") if seen.fields is None else []
    return {
        **summary(assessment),
        "round": round_out(assessment.round),
        "items": [_item(e, titles.get(e.code, ""), evidence.get(e.pk, []), seen) for e in entries],
        "adjustments": [
            {"code": a.code, "count": num(a.count), "note": a.note} for a in adjustments
        ],
    }


# ---------------------------------------------------------------------------------------------
# Writing: find the object in the caller's scope, call the action as the caller, answer anew.

ITEM_WRITE: dict[int, Any] = {200: ItemOut, **BODY_ERRORS}
ASSESSMENT_WRITE: dict[int, Any] = {200: AssessmentOut, **WRITE_ERRORS}


def _write_item(
    request: HttpRequest, assessment_id: int, code: str, write: Callable[[ItemEntry], Any]
) -> dict[str, Any]:
    """``write`` the item ``code`` of the assessment; the item as the caller now sees it."""
    entry = _entry(request, _assessment(request, assessment_id), code)
    act(request, lambda: write(entry))
    return _item_of(request, entry)


def _write_assessment(
    request: HttpRequest, assessment_id: int, write: Callable[[Assessment], Assessment]
) -> dict[str, Any]:
    """``write`` the assessment; its summary afterwards."""
    assessment = _assessment(request, assessment_id)
    return summary(act(request, lambda: write(assessment)))


@router.put(
    "/assessments/{assessment_id}/items/{code}/self",
    operation_id="save_self_assessment",
    response=ITEM_WRITE,
    summary="The agency's own value for an item (focal officer)",
)
def save_self_assessment(
    request: HttpRequest, body: SelfAssessmentIn, assessment_id: int = ID, code: str = ITEM_CODE
) -> dict[str, Any]:
    """A draft value, N/A mark and justification, checked with the framework's rules."""
    return _write_item(
        request,
        assessment_id,
        code,
        lambda entry: actions.save_self_assessment(
            entry.assessment,
            code,
            value=_decimal(body.value),
            not_applicable=body.not_applicable,
            justification=body.justification,
            expected_version=body.expected_version,
            actor=request.user,
        ),
    )


@router.post(
    "/assessments/{assessment_id}/submit",
    operation_id="submit_assessment",
    response=ASSESSMENT_WRITE,
    summary="Send the self-assessment to the agency leader (focal officer)",
)
def submit_assessment(request: HttpRequest, assessment_id: int = ID) -> dict[str, Any]:
    """Every item needs a value or N/A; a submission after the deadline is recorded as late."""
    return _write_assessment(
        request, assessment_id, lambda a: actions.submit_assessment(a, actor=request.user)
    )


@router.post(
    "/assessments/{assessment_id}/approve",
    operation_id="approve_assessment",
    response=ASSESSMENT_WRITE,
    summary="Approve the submitted self-assessment (agency leader)",
)
def approve_assessment(request: HttpRequest, assessment_id: int = ID) -> dict[str, Any]:
    return _write_assessment(
        request, assessment_id, lambda a: actions.approve_submission(a, actor=request.user)
    )


class ReturnIn(Schema):
    reason: str = Field(
        ..., max_length=10000, pattern=TEXT_PATTERN, description="What the agency must correct"
    )


@router.post(
    "/assessments/{assessment_id}/return",
    operation_id="return_assessment",
    response={**ASSESSMENT_WRITE, 400: Error},
    summary="Return the submission to the agency for correction (leader or reform office)",
)
def return_assessment(
    request: HttpRequest, body: ReturnIn, assessment_id: int = ID
) -> dict[str, Any]:
    """Back to a draft, before appraisal round 1 starts; the focal officers are notified."""
    return _write_assessment(
        request,
        assessment_id,
        lambda a: actions.return_submission(a, reason=body.reason, actor=request.user),
    )


@router.put(
    "/assessments/{assessment_id}/items/{code}/appraisal",
    operation_id="record_appraisal",
    response=ITEM_WRITE,
    summary="Appraised value of round 1 or 2 (the appraiser assigned to the field)",
)
def record_appraisal(
    request: HttpRequest, body: AppraisalIn, assessment_id: int = ID, code: str = ITEM_CODE
) -> dict[str, Any]:
    """Round 1 may mark the item for explanation; round 2 leaves that mark as it was."""
    return _write_item(
        request,
        assessment_id,
        code,
        lambda entry: actions.record_appraisal(
            entry,
            body.round_no,
            value=_decimal(body.value),
            comment=body.comment,
            needs_explanation=body.needs_explanation,
            expected_version=body.expected_version,
            actor=request.user,
        ),
    )


@router.put(
    "/assessments/{assessment_id}/items/{code}/explanation",
    operation_id="submit_explanation",
    response=ITEM_WRITE,
    summary="The agency's explanation of a marked item (focal officer)",
)
def submit_explanation(
    request: HttpRequest, body: ExplanationIn, assessment_id: int = ID, code: str = ITEM_CODE
) -> dict[str, Any]:
    return _write_item(
        request,
        assessment_id,
        code,
        lambda entry: actions.submit_explanation(
            entry, text=body.text, expected_version=body.expected_version, actor=request.user
        ),
    )


@router.put(
    "/assessments/{assessment_id}/items/{code}/council",
    operation_id="record_council_decision",
    response=ITEM_WRITE,
    summary="The council's value for an item (reform office)",
)
def record_council_decision(
    request: HttpRequest, body: CouncilIn, assessment_id: int = ID, code: str = ITEM_CODE
) -> dict[str, Any]:
    return _write_item(
        request,
        assessment_id,
        code,
        lambda entry: actions.record_council_decision(
            entry,
            value=_decimal(body.value),
            note=body.note,
            expected_version=body.expected_version,
            actor=request.user,
        ),
    )
