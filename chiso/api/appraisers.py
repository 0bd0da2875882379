"""``/api/rounds/{id}/appraisers``: who appraises each field of each agency in a round; the
reform office assigns and removes them through the same actions as the round page
(``assign_appraiser``, ``unassign_appraiser``: audit rows, stage guard). A round the caller may
not read answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from chiso.accounts import scope
from chiso.api.assessments import (
    BODY_ERRORS,
    ID,
    WRITE_ERRORS,
    Refused,
    act,
)
from chiso.api.common import Named
from chiso.api.errors import DENIED, Error, NotFound
from chiso.api.rounds import CODE_PATTERN, office_round
from chiso.assessments import actions
from chiso.assessments.models import AppraiserAssignment, Round
from chiso.org.models import Agency

router = Router(tags=["evaluation round"])


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
EXPECTED_APPRAISER = Query(
    None,
    max_length=150,
    description="The username of the appraiser the caller means to remove; refused if another "
    "is assigned now",
    examples=["minh"],
)


def _reformoffice_round(request: HttpRequest, round_id: int) -> Round:
    """The round for the reform office: 404 when the caller may not read it, 403 when they
    may read it but not administer it (the action checks again, as for the other writes)."""
    rnd = office_round(request, round_id)
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
    return _assignments(_reformoffice_round(request, round_id))


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
    rnd = _reformoffice_round(request, round_id)

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
    request: HttpRequest,
    round_id: int = ID,
    agency: str = AGENCY_CODE,
    field: str = FIELD_CODE,
    appraiser: str | None = EXPECTED_APPRAISER,
) -> dict[str, Any]:
    """The values already appraised stay. The round's remaining assignments are answered.
    With ``appraiser``, refused (422) unless that user is the one assigned, as the page's
    confirmation does: a colleague may have assigned someone else since it was read."""
    rnd = _reformoffice_round(request, round_id)

    def run() -> None:
        found = _evaluated_agency(rnd, agency)
        existing = rnd.appraisers.filter(agency=found, field_code=field).first()
        if existing is None:
            raise NotFound(
                _("Field %(code)s of %(agency)s has no appraiser.")
                % {"code": field, "agency": found.name}
            )
        shown = None
        if appraiser is not None:  # nobody by that name (0) is never the one assigned
            users = get_user_model().objects.filter(username=appraiser)
            shown = users.values_list("pk", flat=True).first() or 0
        actions.unassign_appraiser(rnd, found, field, actor=request.user, shown=shown)

    act(request, run)
    return _assignments(rnd)


# ---------------------------------------------------------------------------------------------
# Bonus and penalty counts of one assessment (reform office), par-index.md §2.5.
