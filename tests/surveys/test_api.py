"""``/api/surveys``: whole-form submission by invitation token; aggregates for staff only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chiso.surveys.actions import issue_invitations
from chiso.surveys.models import Response
from tests.conftest import PASSWORD


def _answers(scale: int = 4) -> dict[str, Any]:
    from tests.surveys.conftest import sipas_answers

    raw = sipas_answers(str(scale))
    return {k: [int(x) for x in v] if isinstance(v, list) else int(v) for k, v in raw.items()}


def _post(token: str, answers: dict[str, Any]) -> Any:
    return Client().post(
        f"/api/surveys/responses/{token}",
        json.dumps({"answers": answers}),
        content_type="application/json",
    )


def test_a_tool_submits_a_whole_form_once_per_token(world: Any, campaign: Any) -> None:
    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    bad = _post(invitation.token, {**_answers(), "tt_phi": 7})
    assert bad.status_code == 400 and bad.json()["errors"] == {"tt_phi": "không có phương án 7"}
    ok = _post(invitation.token, _answers())
    assert ok.status_code == 201 and Response.objects.get().status == "submitted"
    again = _post(invitation.token, _answers())
    assert (
        again.status_code == 409 and again.json()["detail"] == "Phiếu này đã được gửi. Xin cảm ơn!"
    )
    assert _post("no-such-token", _answers()).status_code == 404


@pytest.mark.parametrize(
    ("name", "status"),
    [("tuan", 200), ("hanh", 200), ("minh", 200), ("mai", 403), ("lan", 403), ("khach", 403)],
)
def test_results_are_for_provincial_readers_only(
    world: Any, campaign: Any, name: str, status: int
) -> None:
    client = Client()
    client.login(username=name, password=PASSWORD)
    response = client.get(f"/api/surveys/campaigns/{campaign.pk}/results")
    assert response.status_code == status
    if status == 200:
        assert response.json()["questionnaires"][0]["agencies"] == []


def test_staff_list_the_campaigns(world: Any, campaign: Any) -> None:
    client = Client()
    client.login(username="mai", password=PASSWORD)
    body = client.get("/api/surveys/campaigns").json()
    assert body["count"] == 1  # {count, items} like every list of the API (docs/api.md)
    (listed,) = body["items"]
    assert listed["name"] == "Khảo sát hài lòng 2024" and listed["status"] == "open"
    client.login(username="lan", password=PASSWORD)
    assert client.get("/api/surveys/campaigns").status_code == 403
