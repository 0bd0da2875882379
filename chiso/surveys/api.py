"""``/api/surveys``: campaigns and their aggregated results for staff, and whole-form
submission for respondents' tools, authenticated by the invitation token in the path.

Results are aggregates only (never a response), with cells below the campaign's minimum
count left out, as on the results page.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import Field, Router, Schema, Status

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.api.common import Num, num
from chiso.api.errors import DENIED, Error, Invalid, language
from chiso.surveys import actions
from chiso.surveys.models import Campaign
from chiso.surveys.results import campaign_results

router = Router(tags=["surveys"])
READERS = (Role.REFORM_OFFICE, Role.VIEWER, Role.APPRAISER, Role.SURVEY_OPERATOR)


class CampaignOut(Schema):
    id: int
    year: int
    name: str
    status: str = Field(description="draft, open or closed")
    questionnaires: list[str] = Field(description="CODE vVERSION")


class AgencyIndex(Schema):
    agency: str
    responses: int
    overall: Num | None = Field(description="Mean of the element indices (0–100)")
    elements: dict[str, Num | None]


class QuestionnaireResult(Schema):
    questionnaire: str
    responses: int
    agencies: list[AgencyIndex]


class ResultsOut(Schema):
    campaign: int
    status: str
    questionnaires: list[QuestionnaireResult]


class AnswersIn(Schema):
    answers: dict[str, int | list[int] | str | None] = Field(
        description="Question code → value: 1–5 (0 no opinion) for the scale, option number(s),"
        " a number or a short text"
    )


class Accepted(Schema):
    id: int
    status: str


class Rejected(Schema):
    detail: str
    errors: dict[str, str] = Field(
        default_factory=dict,
        description="Question code → what is wrong, in the caller's language: every answer"
        " unreadable or missing, and one contradicting the respondent group",
    )


class CampaignList(Schema):
    """Like every list of the API (docs/api.md, Conventions)."""

    count: int
    items: list[CampaignOut]


@router.get(
    "/surveys/campaigns",
    operation_id="list_survey_campaigns",
    response={200: CampaignList, **DENIED},
    summary="Survey campaigns",
)
def list_campaigns(request: HttpRequest) -> dict[str, Any]:
    scope.require_any_role(request.user, READERS)
    items = [
        {
            "id": c.pk,
            "year": c.year,
            "name": c.name,
            "status": c.status,
            "questionnaires": [str(q) for q in c.questionnaires.all()],
        }
        for c in Campaign.objects.prefetch_related("questionnaires")
    ]
    return {"count": len(items), "items": items}


@router.get(
    "/surveys/campaigns/{campaign_id}/results",
    operation_id="survey_results",
    response={200: ResultsOut, **DENIED, 404: Error, 422: Invalid},
    summary="Indices per agency of a campaign (aggregates only)",
)
def results(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    scope.require_any_role(request.user, READERS[:3])
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    minimum = campaign.min_cell

    def shown(value: Any, count: int) -> str | None:
        return None if value is None or count < minimum else num(value)

    return {
        "campaign": campaign.pk,
        "status": campaign.status,
        "questionnaires": [
            {
                "questionnaire": str(r.questionnaire),
                "responses": r.overall.responses,
                "agencies": [
                    {
                        "agency": agency.code,
                        "responses": found.responses,
                        "overall": shown(found.overall, found.responses),
                        "elements": {
                            e.section.code: shown(e.index, e.valid) for e in found.elements
                        },
                    }
                    for agency, found in r.agencies
                ],
            }
            for r in campaign_results(campaign)
        ],
    }


@router.post(
    "/surveys/responses/{token}",
    auth=None,
    operation_id="submit_survey_response",
    response={201: Accepted, 400: Rejected, 404: Error, 409: Error, 422: Invalid},
    summary="Submit a whole form with an invitation token",
)
def submit(request: HttpRequest, token: str, body: AnswersIn, reply: HttpResponse) -> Status:
    """One response per token: a second submission is refused (409). The question asking the
    respondent's group may be left out (it is answered from the invitation's group); an answer
    saying another group is refused (422, or listed with the other problems in a 400), in the
    caller's language."""
    lang = language(request)
    with translation.override(lang):
        try:
            response = actions.submit_whole_form(token, body.answers)
        except actions.SurveyError as error:
            # As every error of the API (chiso.api.errors.respond): the message in the
            # caller's language, and the header saying which.
            reply["Content-Language"] = lang
            return _refusal(token, error)
    return Status(201, {"id": response.pk, "status": response.status})


def _refusal(token: str, error: actions.SurveyError) -> Status:
    """The status and body of a refused form: 400 for unreadable or missing answers (with a
    contradicted group answer among them: all problems in one refusal, review s7, L4), 422
    when a contradicted group is the only problem, 404 for an unknown token, 409 for one
    already used or closed."""
    if isinstance(error, actions.FormErrors):
        return Status(400, {"detail": str(error), "errors": error.errors})
    if isinstance(error, actions.GroupContradiction):
        return Status(422, {"detail": str(error), "errors": _contradicted(error.errors)})
    status = 404 if not actions.response_for_token(token) else 409
    return Status(status, {"detail": str(error)})


def _contradicted(errors: dict[str, str]) -> list[dict[str, Any]]:
    """The refused answers as the API's 422 lists problems (:class:`chiso.api.errors.Invalid`)."""
    return [
        {"loc": ["body", "answers", code], "msg": message, "type": "group_contradiction"}
        for code, message in errors.items()
    ]
