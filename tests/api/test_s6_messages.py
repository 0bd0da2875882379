"""Review s6, L1–L3: what a caller reads when the API refuses.

- L1: a 422 names the field and says what to type, in Vietnamese unless English is asked for;
  no regular expression, no doubled ``body`` in ``loc``; a body that is not JSON is a 400 in
  words.
- L2: a write refused to someone who may read says "not allowed to change", not "to see".
- L3: ``/api/surveys/campaigns`` answers ``{count, items}`` like every other list.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chiso.api.actions import create_token
from chiso.assessments.models import Assessment, Round
from tests.assessments.conftest import block, framework, rnd  # noqa: F401

SELF = {"not_applicable": False, "justification": "", "expected_version": 1}
DECIMAL_VI = "phải là số thập phân viết bằng dấu chấm, ví dụ 1.5 (không viết 1,5)."


@pytest.fixture
def tokens(world: Any) -> dict[str, str]:
    names = ("lan", "tuan", "mai")
    return {n: create_token(getattr(world, n), name=f"{n}-s6", actor=None)[1] for n in names}


def call(token: str, method: str, url: str, body: Any = None, lang: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    if lang:
        headers["Accept-Language"] = lang
    send = getattr(Client(), method.lower())
    if isinstance(body, str):
        return send(url, body, content_type="application/json", headers=headers)
    if body is None:
        return send(url, headers=headers)
    return send(url, body, content_type="application/json", headers=headers)


def self_url(world: Any, rnd: Round, code: str) -> str:  # noqa: F811
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    return f"/api/assessments/{stp.pk}/items/{code}/self"


def test_a_decimal_comma_is_explained_in_vietnamese_naming_the_field(
    world: Any,
    rnd: Round,  # noqa: F811
    tokens: dict[str, str],
) -> None:
    response = call(tokens["lan"], "PUT", self_url(world, rnd, "1.2"), {**SELF, "value": "1,5"})

    body = response.json()
    assert response.status_code == 422
    assert body["errors"] == [
        {"loc": ["body", "value"], "msg": f"value: {DECIMAL_VI}", "type": "string_pattern_mismatch"}
    ]
    assert body["detail"] == f"Tham số của yêu cầu không hợp lệ. value: {DECIMAL_VI}"
    assert (
        "should match" not in response.content.decode() and "^-?" not in response.content.decode()
    )


def test_english_callers_get_english_messages(
    world: Any,
    rnd: Round,  # noqa: F811
    tokens: dict[str, str],
) -> None:
    response = call(
        tokens["lan"], "PUT", self_url(world, rnd, "1.2"), {**SELF, "value": "1,5"}, lang="en"
    )

    assert response.json()["errors"][0]["msg"] == (
        "value: must be a decimal number written with a dot, e.g. 1.5 (not 1,5)."
    )
    assert response["Content-Language"] == "en"


def test_a_missing_field_and_a_bad_date_are_named(
    world: Any,
    rnd: Round,  # noqa: F811
    tokens: dict[str, str],
) -> None:
    missing = call(tokens["lan"], "PUT", self_url(world, rnd, "1.2"), {"value": "1"})
    msgs = {e["msg"] for e in missing.json()["errors"]}
    assert "expected_version: bắt buộc phải có." in msgs

    extension = {
        "agency": "stp",
        "stage": "self_assessment",
        "new_date": "31/12/2026",
        "reason": "x",
    }
    bad_date = call(tokens["tuan"], "POST", f"/api/rounds/{rnd.pk}/extensions", extension)
    assert bad_date.status_code == 422
    assert {"loc": ["body", "new_date"], "type": "date_from_datetime_parsing"} | {
        "msg": "new_date: phải là ngày viết theo dạng YYYY-MM-DD, ví dụ 2026-12-31."
    } in bad_date.json()["errors"]


def test_a_body_that_is_not_json_is_told_in_words(
    world: Any,
    rnd: Round,  # noqa: F811
    tokens: dict[str, str],
) -> None:
    response = call(tokens["lan"], "PUT", self_url(world, rnd, "1.2"), "value=1,5")

    assert response.status_code == 400
    assert response.json() == {"detail": "Nội dung yêu cầu không phải là JSON hợp lệ."}


def test_a_reader_refused_a_write_is_told_she_may_not_change_it(
    world: Any,
    rnd: Round,  # noqa: F811
    tokens: dict[str, str],
) -> None:
    # Lan reads the round her agency is assessed in; publishing it is the reform office's.
    assert call(tokens["lan"], "GET", f"/api/rounds/{rnd.pk}").status_code == 200
    response = call(tokens["lan"], "POST", f"/api/rounds/{rnd.pk}/publish")
    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền thay đổi nội dung này."}
    english = call(tokens["lan"], "POST", f"/api/rounds/{rnd.pk}/publish", lang="en")
    assert english.json() == {"detail": "You are not allowed to change this."}
    # A read refused still says "see".
    frameworks = call(tokens["lan"], "GET", "/api/frameworks")
    assert frameworks.json() == {"detail": "Bạn không có quyền xem nội dung này."}


def test_the_survey_campaigns_list_has_count_and_items(
    world: Any, tokens: dict[str, str], campaign: Any
) -> None:
    response = call(tokens["mai"], "GET", "/api/surveys/campaigns")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and [c["name"] for c in body["items"]] == ["Khảo sát hài lòng 2024"]


@pytest.fixture
def campaign(world: Any) -> Any:
    from chiso.surveys.actions import create_campaign, ship_templates

    questionnaires = {q.code: q for q in ship_templates()}
    return create_campaign(
        actor=world.tuan,
        year=2024,
        name="Khảo sát hài lòng 2024",
        questionnaires=list(questionnaires.values()),
        agencies=[world.stp],
    )
