"""The online channel: one response per token, resumable by section, open link limits."""

from __future__ import annotations

from typing import Any

import pytest

from chiso.surveys.actions import (
    RateLimited,
    SurveyError,
    issue_invitations,
    response_for_token,
    save_section,
    start_open_response,
    submit_response,
)
from tests.surveys.conftest import sipas_answers


def _fill(response: Any, raw: dict[str, Any]) -> None:
    for i, section in enumerate(response.questionnaire.spec.sections):
        errors = save_section(response, i, {q.code: raw.get(q.code, "") for q in section.questions})
        assert errors == {}


def test_an_invitation_leads_to_one_response_that_can_be_resumed_and_sent_once(
    world: Any, campaign: Any
) -> None:
    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    response = response_for_token(invitation.token)
    assert response is not None
    assert (
        save_section(response, 0, {"doi_tuong": "1", "kenh_nop": "2", "so_lan_di_lai": "1"}) == {}
    )
    again = response_for_token(invitation.token)
    assert again is not None and again.pk == response.pk and again.section == 1
    assert again.answers == {"doi_tuong": 1, "kenh_nop": 2, "so_lan_di_lai": 1}
    with pytest.raises(SurveyError, match="chưa được trả lời"):
        submit_response(again)
    _fill(again, sipas_answers())
    submit_response(again)
    with pytest.raises(SurveyError, match="đã được gửi"):
        save_section(again, 0, {})
    assert response_for_token("not-a-token") is None


def test_a_section_with_bad_answers_stores_nothing_and_names_the_questions(
    world: Any, campaign: Any
) -> None:
    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    response = response_for_token(invitation.token)
    assert response is not None
    errors = save_section(response, 0, {"doi_tuong": "7", "so_lan_di_lai": "99"})
    assert errors == {
        "doi_tuong": "không có phương án 7",
        "kenh_nop": "chưa trả lời",
        "so_lan_di_lai": "phải từ 0 đến 30",
    }
    response.refresh_from_db()
    assert response.answers == {} and response.section == 0


def test_a_follow_up_question_is_asked_only_when_its_condition_holds(
    world: Any, campaign: Any
) -> None:
    response = start_open_response(campaign, agency=world.stp, group="citizen", ip="10.0.0.1")
    _fill(response, sipas_answers(kq_dung_han="2", kq_xin_loi="1"))
    response.refresh_from_db()
    assert response.answers["kq_xin_loi"] == 1
    other = start_open_response(campaign, agency=world.stp, group="citizen", ip="10.0.0.1")
    _fill(other, sipas_answers(kq_dung_han="1", kq_xin_loi="1"))
    other.refresh_from_db()
    assert "kq_xin_loi" not in other.answers


def test_the_open_link_is_limited_per_address_and_hour(
    world: Any, campaign: Any, settings: Any
) -> None:
    settings.SURVEY_OPEN_LINK_PER_HOUR = 2
    for _ in range(2):
        start_open_response(campaign, agency=world.sxd, group="citizen", ip="10.0.0.9")
    with pytest.raises(RateLimited):
        start_open_response(campaign, agency=world.sxd, group="citizen", ip="10.0.0.9")
    start_open_response(campaign, agency=world.sxd, group="citizen", ip="10.0.0.10")
