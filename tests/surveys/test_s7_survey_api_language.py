"""Session 7: the whole-form survey endpoint answers its refusals as every error of the API
(chiso.api.errors.respond): the message in the caller's language and a ``Content-Language``
header saying which, so that a respondent's tool can show or log it as such."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chiso.surveys.models import Response
from tests.surveys.conftest import invite, sipas_answers


def whole_form(**overrides: Any) -> dict[str, Any]:
    raw = sipas_answers()
    out = {k: [int(x) for x in v] if isinstance(v, list) else int(v) for k, v in raw.items()}
    out.update(overrides)
    return out


def post(token: str, answers: dict[str, Any], lang: str | None) -> Any:
    headers = {"HTTP_ACCEPT_LANGUAGE": lang} if lang else {}
    return Client().post(
        f"/api/surveys/responses/{token}",
        json.dumps({"answers": answers}),
        content_type="application/json",
        **headers,
    )


@pytest.mark.parametrize(("lang", "said"), [(None, "vi"), ("en-GB,en;q=0.8", "en"), ("vi", "vi")])
def test_each_refusal_says_its_language(world: Any, campaign: Any, lang: str, said: str) -> None:
    token = invite(world, campaign, "online").token

    unreadable = post(token, whole_form(doi_tuong=7), lang)
    contradicting = post(token, whole_form(doi_tuong=2), lang)
    unknown = post("no-such-token", whole_form(), lang)
    assert post(token, whole_form(), lang).status_code == 201
    again = post(token, whole_form(), lang)

    answers = [unreadable, contradicting, unknown, again]
    assert [r.status_code for r in answers] == [400, 422, 404, 409]
    assert [r["Content-Language"] for r in answers] == [said] * 4
    english = said == "en"
    assert ("individual" in contradicting.json()["detail"]) is english
    assert ("«Cá nhân»" in contradicting.json()["detail"]) is not english
    assert Response.objects.count() == 1


def test_an_accepted_form_is_unchanged(world: Any, campaign: Any) -> None:
    token = invite(world, campaign, "online").token

    accepted = post(token, whole_form(), "en")

    assert accepted.status_code == 201
    assert accepted.json() == {"id": Response.objects.get().pk, "status": "submitted"}
