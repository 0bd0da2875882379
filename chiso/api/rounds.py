"""``/api/rounds``: the list of rounds, and the reform office's writes on a round: open it,
extend deadlines, close stages, finalise, reopen and publish; assign and remove appraisers; and
an assessment's bonus/penalty counts (one round and its assessments are read in
:mod:`chiso.api.assessments`).

Each operation calls the same action of :mod:`chiso.assessments.actions` as the round's pages
(``chiso/assessments/views/office_rounds.py``, ``office_adjustments.py``) with the caller as
actor, so the reform-office check (403), the stage guard and the stale version (409, the
action's message), the audit row and the notifications are theirs. A round or assessment the
caller may not read answers 404, as for reading.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from chiso.accounts import scope
from chiso.api.assessments import (
    BODY_ERRORS,
    ID,
    MAX_ID,
    TEXT_PATTERN,
    WRITE_ERRORS,
    EvidenceOut,
    Refused,
    RoundDetail,
    RoundList,
    act,
    round_detail,
    round_out,
    visible_assessments,
    visible_round,
)
from chiso.api.assessments import _evidence as evidence_out
from chiso.api.common import Named, Num, num
from chiso.api.errors import DENIED, Error, NotFound, language
from chiso.assessments import actions
from chiso.assessments.inputs import set_late_penalty
from chiso.assessments.models import AppraiserAssignment, Assessment, Deadline, Evidence, Round
from chiso.engine.problems import ProblemsError
from chiso.frameworks.models import Framework
from chiso.org.models import Agency, Block
from chiso.results.actions import ResultError

router = Router(tags=["evaluation round"])

CODE_PATTERN = r"^[-A-Za-z0-9_]+$"
ROUND_WRITE: dict[int, Any] = {200: RoundDetail, **WRITE_ERRORS}
ROUND_BODY_WRITE: dict[int, Any] = {200: RoundDetail, **BODY_ERRORS}


class DeadlinesIn(Schema):
    self_assessment: datetime.date
    approval: datetime.date
    appraisal_1: datetime.date
    explanation: datetime.date
    appraisal_2: datetime.date
    council: datetime.date


class OpenRoundIn(Schema):
    framework_id: int = Field(..., ge=1, le=2**31 - 1, description="A published framework")
    deadlines: DeadlinesIn
    late_penalty_code: str = Field(
        "",
        max_length=40,
        pattern=r"^[-A-Za-z0-9_.]*$",
        description="A penalty item of the framework counted once per late submission",
    )


class CloseIn(Schema):
    stage: Literal["draft", "explanation", "appraisal_2"] = Field(
        ...,
        description="The stage to close, which must be the round's stage: draft (self-assessment, "
        "approval and appraisal round 1), explanation or appraisal_2",
    )


class ExtensionIn(Schema):
    agency: str = Field(..., max_length=40, pattern=CODE_PATTERN, examples=["stp"])
    stage: Literal[
        "self_assessment", "approval", "appraisal_1", "explanation", "appraisal_2", "council"
    ]
    new_date: datetime.date
    reason: str = Field(..., max_length=10000, pattern=TEXT_PATTERN)


class ReasonIn(Schema):
    reason: str = Field(..., max_length=10000, pattern=TEXT_PATTERN)


# Closing each stage: the actions the round page's "close" buttons call.
CLOSE = {
    "draft": actions.close_appraisal_1,
    "explanation": actions.close_explanation,
    "appraisal_2": actions.close_appraisal_2,
}


def _office_round(request: HttpRequest, round_id: int) -> Round:
    """The round if the caller may read it (404 otherwise); the action checks the office."""
    rnd, _visible = visible_round(request, round_id)
    return rnd


def _detail(request: HttpRequest, rnd: Round) -> dict[str, Any]:
    return round_detail(*visible_round(request, rnd.pk))


@router.get(
    "/rounds",
    operation_id="list_rounds",
    response={200: RoundList, **DENIED, 422: Refused},
    summary="Evaluation rounds the caller takes part in",
)
def list_rounds(request: HttpRequest) -> dict[str, Any]:
    """Every round with at least one assessment the caller may see, newest year first."""
    visible = visible_assessments(request.user)
    rounds = Round.objects.select_related("block", "framework").order_by(
        "-year", "block__order", "block__name"
    )
    if not scope.is_reform_office(request.user):
        rounds = rounds.filter(pk__in=visible.values("round_id"))
    items = [round_out(r) for r in rounds]
    return {"count": len(items), "items": items}


@router.post(
    "/blocks/{year}/{block}/rounds",
    operation_id="open_round",
    response={201: RoundDetail, **BODY_ERRORS},
    summary="Open the round of a block under a published framework (reform office)",
)
def open_round(
    request: HttpRequest,
    body: OpenRoundIn,
    year: int = Path(..., ge=1900, le=2999),
    block: str = Path(..., max_length=40, pattern=CODE_PATTERN),
) -> Status:
    """One assessment per agency of the block, every agency notified of its deadlines; the
    late-penalty item is set in the same transaction, as on the page."""
    scope.require_reform_office(request.user)

    def run() -> Round:
        found = Block.objects.filter(code=block, year=year).first()
        if found is None:
            raise NotFound(
                _("There is no block %(code)s in %(year)s.") % {"code": block, "year": year}
            )
        framework = Framework.objects.filter(pk=body.framework_id).first()
        if framework is None:
            raise NotFound(
                _("There is no framework with the number %(id)s.") % {"id": body.framework_id}
            )
        deadlines = {d.value: getattr(body.deadlines, d.value) for d in Deadline}
        with transaction.atomic():
            rnd = actions.open_round(found, framework, deadlines, actor=request.user)
            if body.late_penalty_code:
                set_late_penalty(rnd, body.late_penalty_code, actor=request.user)
        return rnd

    return Status(201, _detail(request, act(request, run)))


@router.post(
    "/rounds/{round_id}/extensions",
    operation_id="extend_deadline",
    response=ROUND_BODY_WRITE,
    summary="Give one agency a later deadline for one stage, with the reason (reform office)",
)
def extend_deadline(request: HttpRequest, body: ExtensionIn, round_id: int = ID) -> dict[str, Any]:
    """A self-assessment already submitted is judged late or on time again."""
    rnd = _office_round(request, round_id)

    def run() -> Any:
        agency = Agency.objects.filter(code=body.agency).first()
        if agency is None:
            raise actions.AssessmentError(
                _("No agency has the code %(code)s.") % {"code": body.agency}
            )
        return actions.grant_extension(
            rnd, agency, body.stage, body.new_date, reason=body.reason, actor=request.user
        )

    act(request, run)
    return _detail(request, rnd)


@router.post(
    "/rounds/{round_id}/close",
    operation_id="close_round_stage",
    response=ROUND_BODY_WRITE,
    summary="Close the round's current stage for every agency (reform office)",
)
def close_round_stage(request: HttpRequest, body: CloseIn, round_id: int = ID) -> dict[str, Any]:
    """``draft`` → explanation (agencies are told which items to explain), ``explanation`` →
    appraisal_2, ``appraisal_2`` → council. Naming the stage makes a repeated call a 409, not a
    second step."""
    rnd = _office_round(request, round_id)
    act(request, lambda: CLOSE[body.stage](rnd, actor=request.user))
    return _detail(request, rnd)


def _scoring(request: HttpRequest, run: Callable[[], Any]) -> None:
    """``run`` an action that scores or publishes: the engine's refusals answer 422 with its
    problems listed; a result set in the wrong state, 409."""
    try:
        act(request, run)
    except ProblemsError as error:
        raise HttpError(422, "; ".join(error.texts(language(request)))) from error
    except ResultError as error:
        raise HttpError(409, str(error)) from error


@router.post(
    "/rounds/{round_id}/finalise",
    operation_id="finalise_round",
    response=ROUND_WRITE,
    summary="Score every agency on its effective values and lock the round (reform office)",
)
def finalise_round(request: HttpRequest, round_id: int = ID) -> dict[str, Any]:
    """The results are stored as a finalised result set (``GET /api/results/…``)."""
    rnd = _office_round(request, round_id)
    _scoring(request, lambda: actions.finalise_round(rnd, actor=request.user))
    return _detail(request, rnd)


@router.post(
    "/rounds/{round_id}/reopen",
    operation_id="reopen_round",
    response=ROUND_BODY_WRITE,
    summary="Send a finalised round back to the council, with the reason (reform office)",
)
def reopen_round(request: HttpRequest, body: ReasonIn, round_id: int = ID) -> dict[str, Any]:
    """Its results become a draft again; published results never reopen (409)."""
    rnd = _office_round(request, round_id)
    _scoring(request, lambda: actions.reopen_round(rnd, reason=body.reason, actor=request.user))
    return _detail(request, rnd)


@router.post(
    "/rounds/{round_id}/publish",
    operation_id="publish_round",
    response=ROUND_WRITE,
    summary="Publish the results of a finalised round (reform office)",
)
def publish_round(request: HttpRequest, round_id: int = ID) -> dict[str, Any]:
    """The public page shows the results; the round can no longer reopen."""
    rnd = _office_round(request, round_id)
    _scoring(request, lambda: actions.publish_round(rnd, actor=request.user))
    return _detail(request, rnd)


# ---------------------------------------------------------------------------------------------
# Appraiser assignments: the grid of the round's page, agency × field (reform office).


class AppraiserRef(Schema):
    username: str
    name: str


class AppraiserAssignmentOut(Schema):
    agency: Named
    field: Named = Field(description="A top-level node of the framework")
    appraiser: AppraiserRef


class AssignmentList(Schema):
    count: int
    items: list[AppraiserAssignmentOut]


class AssignmentIn(Schema):
    appraiser: str = Field(
        ..., max_length=150, pattern=r"^[\w.@+-]+$", description="The appraiser's username"
    )


FIELD_CODE = Path(..., max_length=40, pattern=r"^[-A-Za-z0-9_.]+$", examples=["1"])
AGENCY_CODE = Path(..., max_length=40, pattern=CODE_PATTERN, examples=["stp"])


def _reform_office_round(request: HttpRequest, round_id: int) -> Round:
    """The round for the reform office: 404 when the caller may not read it, 403 when they
    may read it but not administer it (the action checks again, as for the other writes)."""
    rnd = _office_round(request, round_id)
    scope.require_reform_office(request.user)
    return rnd


def _fields(rnd: Round) -> dict[str, str]:
    return {n.code: n.title for n in rnd.framework.to_engine().nodes}


def _assignment(a: AppraiserAssignment, fields: dict[str, str]) -> dict[str, Any]:
    return {
        "agency": {"code": a.agency.code, "name": a.agency.name},
        "field": {"code": a.field_code, "name": fields.get(a.field_code, "")},
        "appraiser": {
            "username": a.user.get_username(),
            "name": a.user.get_full_name() or a.user.get_username(),
        },
    }


def _assignments(rnd: Round) -> dict[str, Any]:
    fields = _fields(rnd)
    rows = AppraiserAssignment.objects.filter(round=rnd).select_related("agency", "user")
    items = [_assignment(a, fields) for a in rows.order_by("agency__name", "field_code")]
    return {"count": len(items), "items": items}


def _evaluated_agency(rnd: Round, code: str) -> Agency:
    """The agency ``code`` if the round evaluates it (404 otherwise)."""
    found = Agency.objects.filter(code=code, pk__in=rnd.assessments.values("agency_id")).first()
    if found is None:
        raise NotFound(_("This round evaluates no agency with the code %(code)s.") % {"code": code})
    return found


@router.get(
    "/rounds/{round_id}/appraisers",
    operation_id="list_appraiser_assignments",
    response={200: AssignmentList, **DENIED, 404: Error, 422: Refused},
    summary="Who appraises each field of each agency in the round (reform office)",
)
def list_appraiser_assignments(request: HttpRequest, round_id: int = ID) -> dict[str, Any]:
    """Every assignment, by agency name then field; a field without a row has no appraiser."""
    return _assignments(_reform_office_round(request, round_id))


@router.put(
    "/rounds/{round_id}/appraisers/{agency}/{field}",
    operation_id="assign_appraiser",
    response={200: AppraiserAssignmentOut, **BODY_ERRORS},
    summary="Make an appraiser the appraiser of one field of one agency (reform office)",
)
def assign_appraiser(
    request: HttpRequest,
    body: AssignmentIn,
    round_id: int = ID,
    agency: str = AGENCY_CODE,
    field: str = FIELD_CODE,
) -> dict[str, Any]:
    """Replaces the field's current appraiser, if any. Refused (422) for a user who is not an
    active appraiser, or whose own agency this is; after appraisal round 2, 409."""
    rnd = _reform_office_round(request, round_id)

    def run() -> AppraiserAssignment:
        found = _evaluated_agency(rnd, agency)
        user = get_user_model().objects.filter(username=body.appraiser).first()
        if user is None:
            raise actions.AssessmentError(
                _("No user has the username %(username)s.") % {"username": body.appraiser}
            )
        return actions.assign_appraiser(rnd, found, field, user, actor=request.user)

    return _assignment(act(request, run), _fields(rnd))


@router.delete(
    "/rounds/{round_id}/appraisers/{agency}/{field}",
    operation_id="unassign_appraiser",
    response={200: AssignmentList, **WRITE_ERRORS},
    summary="Leave one field of one agency without an appraiser (reform office)",
)
def unassign_appraiser(
    request: HttpRequest, round_id: int = ID, agency: str = AGENCY_CODE, field: str = FIELD_CODE
) -> dict[str, Any]:
    """The values already appraised stay. The round's remaining assignments are answered."""
    rnd = _reform_office_round(request, round_id)

    def run() -> None:
        found = _evaluated_agency(rnd, agency)
        if not rnd.appraisers.filter(agency=found, field_code=field).exists():
            raise NotFound(
                _("Field %(code)s of %(agency)s has no appraiser.")
                % {"code": field, "agency": found.name}
            )
        actions.unassign_appraiser(rnd, found, field, actor=request.user)

    act(request, run)
    return _assignments(rnd)


# ---------------------------------------------------------------------------------------------
# Bonus and penalty counts of one assessment (reform office), par-index.md §2.5.


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
