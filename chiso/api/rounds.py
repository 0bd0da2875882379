"""``/api/rounds``: the list of rounds, and the reform office's writes on a round: open it,
correct or extend deadlines, close stages, finalise, reopen, publish, or cancel a round opened
by mistake (one round and its assessments are read in :mod:`chiso.api.assessments`; appraisers
in :mod:`chiso.api.appraisers`, bonus/penalty counts in :mod:`chiso.api.adjustments`).

Each operation calls the same action of :mod:`chiso.assessments.actions` as the round's pages
(``chiso/assessments/views/office_rounds.py``, ``office_adjustments.py``) with the caller as
actor, so the reform-office check (403), the stage guard and the stale version (409, the
action's message), the audit row and the notifications are theirs. A round or assessment the
caller may not read answers 404, as for reading.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.errors import HttpError

from chiso.accounts import scope
from chiso.api.assessments import (
    BODY_ERRORS,
    ID,
    TEXT_PATTERN,
    WRITE_ERRORS,
    Refused,
    RoundDetail,
    RoundList,
    act,
    round_detail,
    round_out,
    visible_assessments,
    visible_round,
)
from chiso.api.errors import DENIED, NotFound, language
from chiso.assessments import actions
from chiso.assessments.actions import cancel
from chiso.assessments.inputs import set_late_penalty
from chiso.assessments.models import Deadline, Round
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
    allow_past_deadlines: bool = Field(
        False,
        description="Open the round even though some deadlines are before today (refused "
        "otherwise, naming them: every submission of such a round is late)",
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


def office_round(request: HttpRequest, round_id: int) -> Round:
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
            rnd = actions.open_round(
                found,
                framework,
                deadlines,
                actor=request.user,
                allow_past=body.allow_past_deadlines,
            )
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
    rnd = office_round(request, round_id)

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
    rnd = office_round(request, round_id)
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
    rnd = office_round(request, round_id)
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
    rnd = office_round(request, round_id)
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
    rnd = office_round(request, round_id)
    _scoring(request, lambda: actions.publish_round(rnd, actor=request.user))
    return _detail(request, rnd)


class DeadlinesChangeIn(DeadlinesIn):
    reason: str = Field(..., max_length=10000, pattern=TEXT_PATTERN)
    allow_past_deadlines: bool = Field(
        False,
        description="Change deadlines to days before today (refused otherwise, naming them and "
        "how many submissions made on time would become late)",
    )


class CancelledRound(Schema):
    """What the cancelled round was; ``audit_event_id`` is the row that keeps it."""

    round_id: int
    year: int
    block: str
    framework: str
    agencies: list[str] = Field(..., description="Codes of the agencies told of the cancellation")
    audit_event_id: int


@router.put(
    "/rounds/{round_id}/deadlines",
    operation_id="change_deadlines",
    response={200: dict[str, list[datetime.date]], **BODY_ERRORS},
    summary="Correct the round's deadlines while it is open, with the reason (reform office)",
)
def change_deadlines(
    request: HttpRequest, body: DeadlinesChangeIn, round_id: int = ID
) -> dict[str, list[datetime.date]]:
    """Every deadline is given, in stage order; the answer is ``{stage: [old, new]}`` of those
    that changed. Out of order, nothing changed, no reason, or a deadline moved to a past day
    without ``allow_past_deadlines``: 422 with the page's message; a finalised round: 409. An
    agency's extension stays its deadline while it is later than the round's; the agencies are
    notified of the new dates."""
    rnd = office_round(request, round_id)
    deadlines = {d.value: getattr(body, d.value) for d in Deadline}
    return act(
        request,
        lambda: actions.change_deadlines(
            rnd,
            deadlines,
            reason=body.reason,
            actor=request.user,
            allow_past=body.allow_past_deadlines,
        ),
    )


@router.post(
    "/rounds/{round_id}/cancel",
    operation_id="cancel_round",
    response={200: CancelledRound, **BODY_ERRORS},
    summary="Cancel a round opened by mistake, before anything is entered in it (reform office)",
)
def cancel_round(request: HttpRequest, body: ReasonIn, round_id: int = ID) -> dict[str, Any]:
    """The round and its empty assessments are deleted, one audit row keeps what it was and
    the agencies are told. A round with anything entered (values, an evidence file still
    attached, a submission, an approval, an appraisal…) or past self-assessment: 422 naming
    each agency and what it entered; extensions and removed files do not block."""
    rnd = office_round(request, round_id)
    summary = {
        "round_id": rnd.pk,
        "year": rnd.year,
        "block": rnd.block.code,
        "framework": rnd.framework.key,
    }
    event = act(request, lambda: cancel.cancel_round(rnd, reason=body.reason, actor=request.user))
    return {**summary, "agencies": cancel.agency_codes(event.data), "audit_event_id": event.pk}


# ---------------------------------------------------------------------------------------------
# Appraiser assignments: the grid of the round's page, agency × field (reform office).
