"""Review s7: an answer to the questionnaire's own "you answer as" question (SIPAS ``doi_tuong``:
1 "Cá nhân" = citizen, 2 "Đại diện tổ chức, doanh nghiệp" = organisation) never contradicts the
response's group: the whole-form API refuses it (422) and fills it when left out, as the web
page does; paper keying and the response import refuse it too."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chiso.surveys.actions import (
    FieldErrors,
    issue_invitations,
    key_form,
    start_open_response,
)
from chiso.surveys.actions.imports import import_responses
from chiso.surveys.models import Response
from tests.conftest import PASSWORD
from tests.surveys.conftest import invite, sipas_answers

CITIZEN_SAYS_ORGANISATION = (
    "Câu doi_tuong «Ông/bà trả lời phiếu này với tư cách»: câu trả lời «Đại diện tổ chức, "
    "doanh nghiệp» trái với nhóm đối tượng của phiếu là người dân («Cá nhân»)."
)


def answers(**overrides: Any) -> dict[str, Any]:
    raw = sipas_answers()
    out = {k: [int(x) for x in v] if isinstance(v, list) else int(v) for k, v in raw.items()}
    out.update(overrides)
    return {k: v for k, v in out.items() if v is not None}


def post(token: str, body: dict[str, Any], **headers: str) -> Any:
    return Client().post(
        f"/api/surveys/responses/{token}",
        json.dumps({"answers": body}),
        content_type="application/json",
        **headers,
    )


def invitation_of(world: Any, campaign: Any, group: str) -> Any:
    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group=group,
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    return invitation


def test_a_citizen_form_answering_organisation_is_refused_naming_both_groups(
    world: Any, campaign: Any
) -> None:
    token = invite(world, campaign, "online").token
    refused = post(token, answers(doi_tuong=2))
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": CITIZEN_SAYS_ORGANISATION,
        "errors": [
            {
                "loc": ["body", "answers", "doi_tuong"],
                "msg": CITIZEN_SAYS_ORGANISATION,
                "type": "group_contradiction",
            }
        ],
    }
    assert not Response.objects.exists()  # nothing stored
    # The same form with the right answer goes through: the token was not used up.
    assert post(token, answers(doi_tuong=1)).status_code == 201


def test_the_refusal_is_in_english_for_an_english_caller(world: Any, campaign: Any) -> None:
    token = invitation_of(world, campaign, "organisation").token
    refused = post(token, answers(doi_tuong=1), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 422
    assert refused.json()["detail"] == (
        "Question doi_tuong «You are answering as»: the answer «An individual» contradicts the "
        "respondent group of this form, organisations, businesses («A representative of an "
        "organisation»)."
    )


def test_the_group_question_left_out_is_answered_from_the_group(world: Any, campaign: Any) -> None:
    token = invitation_of(world, campaign, "organisation").token
    assert post(token, answers(doi_tuong=None)).status_code == 201
    response = Response.objects.get()
    assert (response.group, response.answers["doi_tuong"]) == ("organisation", 2)


def test_a_group_the_question_has_no_option_for_answers_it_freely(
    world: Any, campaign: Any
) -> None:
    """As on the web page: a council delegate is asked the question and may answer either."""
    token = invitation_of(world, campaign, "council_delegate").token
    assert post(token, answers(doi_tuong=2)).status_code == 201
    assert Response.objects.get().answers["doi_tuong"] == 2


def test_a_response_begun_on_the_open_link_is_held_to_its_group(world: Any, campaign: Any) -> None:
    started = start_open_response(campaign, agency=world.stp, group="citizen", ip="192.0.2.7")
    refused = post(started.token, answers(doi_tuong=2))
    assert (refused.status_code, refused.json()["detail"]) == (422, CITIZEN_SAYS_ORGANISATION)
    started.refresh_from_db()
    assert started.status == "started" and started.answers == {}


def test_paper_keying_refuses_the_contradiction_on_the_question(
    world: Any, campaign: Any, form: Any
) -> None:
    with pytest.raises(FieldErrors) as caught:
        key_form(
            campaign,
            actor=world.mai,
            agency=world.stp,
            number=form.form_number,
            raw=sipas_answers(doi_tuong="2"),
        )
    assert caught.value.errors == {"doi_tuong": CITIZEN_SAYS_ORGANISATION}
    assert not form.entries.exists()


def test_the_keying_page_shows_the_refusal_next_to_the_question(
    world: Any, campaign: Any, form: Any
) -> None:
    client = Client()
    assert client.login(username="mai", password=PASSWORD)
    page = client.post(
        f"/surveys/{campaign.pk}/entry/",
        {
            "agency": world.stp.pk,
            "questionnaire": campaign.open_questionnaire.pk,
            "form_number": form.form_number,
            **sipas_answers(doi_tuong="2"),
        },
    )
    assert page.status_code == 400
    assert "trái với nhóm đối tượng của phiếu là người dân" in page.content.decode()
    assert not form.entries.exists()


def imported(world: Any, campaign: Any, data: str) -> Any:
    """Tuấn imports ``data`` (CSV text) as the campaign's online responses."""
    return import_responses(
        campaign, campaign.open_questionnaire, data.encode(), actor=world.tuan, filename="p.csv"
    )


def test_an_imported_row_contradicting_its_group_is_named_and_nothing_imported(
    world: Any, campaign: Any
) -> None:
    data = "Mã cơ quan,Nhóm đối tượng,doi_tuong,tc_thong_tin\nstp,citizen,1,4\nstp,citizen,2,4\n"
    report = imported(world, campaign, data)
    assert not report.ok and not Response.objects.exists()
    ((row, column, message),) = [(p.line, p.column, p.message) for p in report.problems]
    assert (row, column) == (3, "doi_tuong") and message == CITIZEN_SAYS_ORGANISATION


def test_an_imported_row_leaving_the_group_question_blank_takes_its_group(
    world: Any, campaign: Any
) -> None:
    data = "Mã cơ quan,Nhóm đối tượng,doi_tuong,tc_thong_tin\nstp,citizen,,4\nstp,citizen,,\n"
    report = imported(world, campaign, data)
    # The second row answers nothing: the filled group answer does not count as an answer.
    assert not report.ok and [p.line for p in report.problems] == [3]
    data = "Mã cơ quan,Nhóm đối tượng,doi_tuong,tc_thong_tin\nstp,citizen,,4\n"
    report = imported(world, campaign, data)
    assert report.ok and Response.objects.get().answers == {"doi_tuong": 1, "tc_thong_tin": 4}
