"""Session 7: saving a part of the web form checks the question asking the respondent's group
(SIPAS ``doi_tuong``: 1 "Cá nhân", 2 "Đại diện tổ chức, doanh nghiệp") against the response's
group itself, as the whole-form API does, instead of trusting its caller to fill it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from chiso.surveys.actions import response_for_token, save_section
from tests.surveys.conftest import invite

FIRST_PART = {"kenh_nop": "2", "so_lan_di_lai": "1"}
CITIZEN_SAYS_ORGANISATION = (
    "Câu doi_tuong «Ông/bà trả lời phiếu này với tư cách»: câu trả lời «Đại diện tổ chức, "
    "doanh nghiệp» trái với nhóm đối tượng của phiếu là người dân («Cá nhân»)."
)


def citizen_response(world: Any, campaign: Any) -> Any:
    response = response_for_token(invite(world, campaign, "online").token)
    assert response is not None
    return response


def test_a_contradicting_group_answer_is_refused_and_nothing_stored(
    world: Any, campaign: Any
) -> None:
    response = citizen_response(world, campaign)

    errors = save_section(response, 0, {"doi_tuong": "2", **FIRST_PART})

    assert errors == {"doi_tuong": CITIZEN_SAYS_ORGANISATION}
    response.refresh_from_db()
    assert (response.answers, response.section) == ({}, 0)


def test_a_group_answer_left_blank_is_answered_from_the_group(world: Any, campaign: Any) -> None:
    response = citizen_response(world, campaign)

    assert save_section(response, 0, {"doi_tuong": "", **FIRST_PART}) == {}

    response.refresh_from_db()
    assert response.answers == {"doi_tuong": 1, "kenh_nop": 2, "so_lan_di_lai": 1}


def test_a_forged_answer_posted_to_the_public_page_never_reaches_the_response(
    world: Any, campaign: Any
) -> None:
    token = invite(world, campaign, "online").token
    url = f"/khao-sat/{token}/"

    saved = Client().post(url, {"section": "0", "doi_tuong": "2", **FIRST_PART})

    # The page answers the group question from the invitation's group whatever is posted
    # (public_views._raw), so the check of save_section finds nothing to refuse.
    assert saved.status_code == 302
    response = response_for_token(token)
    assert response is not None and response.answers["doi_tuong"] == 1
