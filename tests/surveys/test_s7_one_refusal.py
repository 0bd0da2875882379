"""Review s7, L3 and L4: a whole form refused over the API names every problem in one answer,
and each per-question message follows the caller's language like the rest of the refusal; the
web form keeps showing them in Vietnamese (its own language choice)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from chiso.surveys.models import Response
from tests.surveys.conftest import invite, sipas_answers

CITIZEN_SAYS_ORGANISATION_EN = (
    "Question doi_tuong «You are answering as»: the answer «A representative of an "
    "organisation» contradicts the respondent group of this form, citizens («An individual»)."
)
CITIZEN_SAYS_ORGANISATION_VI = (
    "Câu doi_tuong «Ông/bà trả lời phiếu này với tư cách»: câu trả lời «Đại diện tổ chức, "
    "doanh nghiệp» trái với nhóm đối tượng của phiếu là người dân («Cá nhân»)."
)


def whole_form(**overrides: Any) -> dict[str, Any]:
    """A complete citizen form as a tool sends it; ``None`` leaves a question out."""
    raw = sipas_answers()
    out = {k: [int(x) for x in v] if isinstance(v, list) else int(v) for k, v in raw.items()}
    out.update(overrides)
    return {k: v for k, v in out.items() if v is not None}


def post(token: str, answers: dict[str, Any], lang: str | None = None) -> Any:
    headers = {"HTTP_ACCEPT_LANGUAGE": lang} if lang else {}
    return Client().post(
        f"/api/surveys/responses/{token}",
        json.dumps({"answers": answers}),
        content_type="application/json",
        **headers,
    )


def test_per_question_messages_are_in_english_for_an_english_caller(
    world: Any, campaign: Any
) -> None:
    token = invite(world, campaign, "online").token

    refused = post(
        token,
        whole_form(tc_thong_tin=None, tt_phi=9, so_lan_di_lai=99, kenh_nop=[1, 2]),
        "en",
    )

    assert refused.status_code == 400 and refused["Content-Language"] == "en"
    assert refused.json() == {
        "detail": "Some answers cannot be read; see the marked questions.",
        "errors": {
            "tc_thong_tin": "not answered",
            "tt_phi": "there is no option 9",
            "so_lan_di_lai": "must be between 0 and 30",
            "kenh_nop": "choose only one option",
        },
    }


def test_the_same_refusal_is_in_vietnamese_by_default(world: Any, campaign: Any) -> None:
    token = invite(world, campaign, "online").token

    refused = post(token, whole_form(tc_thong_tin=None, tt_phi=9))

    assert refused.status_code == 400 and refused["Content-Language"] == "vi"
    assert refused.json() == {
        "detail": "Có câu trả lời không đọc được; xem các câu được đánh dấu.",
        "errors": {"tc_thong_tin": "chưa trả lời", "tt_phi": "không có phương án 9"},
    }


@pytest.mark.parametrize(
    ("lang", "detail", "missing", "contradiction"),
    [
        (
            "vi",
            "Có câu trả lời không đọc được và có câu trả lời trái với nhóm đối tượng của phiếu; "
            "xem các câu được đánh dấu.",
            "chưa trả lời",
            CITIZEN_SAYS_ORGANISATION_VI,
        ),
        (
            "en",
            "Some answers cannot be read and one contradicts the respondent group of this form; "
            "see the marked questions.",
            "not answered",
            CITIZEN_SAYS_ORGANISATION_EN,
        ),
    ],
)
def test_a_missing_answer_and_a_contradicting_group_are_refused_together(
    world: Any, campaign: Any, lang: str, detail: str, missing: str, contradiction: str
) -> None:
    token = invite(world, campaign, "online").token

    refused = post(token, whole_form(doi_tuong=2, tc_thong_tin=None), lang)

    assert refused.status_code == 400 and refused["Content-Language"] == lang
    assert refused.json() == {
        "detail": detail,
        "errors": {"tc_thong_tin": missing, "doi_tuong": contradiction},
    }
    assert not Response.objects.exists()
    # Fixing both, as the one refusal said, is enough: the form goes through at once.
    assert post(token, whole_form(doi_tuong=1), lang).status_code == 201


def test_a_contradicting_group_alone_keeps_its_documented_422(world: Any, campaign: Any) -> None:
    token = invite(world, campaign, "online").token

    refused = post(token, whole_form(doi_tuong=2), "en")

    assert refused.status_code == 422 and refused["Content-Language"] == "en"
    assert refused.json()["errors"] == [
        {
            "loc": ["body", "answers", "doi_tuong"],
            "msg": CITIZEN_SAYS_ORGANISATION_EN,
            "type": "group_contradiction",
        }
    ]


def test_the_web_form_marks_a_missing_answer_in_the_visitors_language(
    world: Any, campaign: Any
) -> None:
    url = f"/khao-sat/{invite(world, campaign, 'online').token}/"
    vietnamese = Client()
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    shown = [c.post(url, {"section": "0", "kenh_nop": "1"}) for c in (vietnamese, english)]

    assert [page.status_code for page in shown] == [400, 400]
    assert "chưa trả lời" in shown[0].content.decode()
    assert "not answered" not in shown[0].content.decode()
    assert "not answered" in shown[1].content.decode()
