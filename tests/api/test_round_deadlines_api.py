# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""The reform office corrects a round's deadlines and cancels a round opened by mistake over
the API, with the same actions, refusals and audit rows as the round's pages. Every other
persona gets 403, or 404 where the round is not theirs to read (Hạnh: no unpublished round)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from chiso.api.actions import create_token
from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent
from chiso.notifications.models import Notification
from tests.api.conftest import bearer
from tests.assessments.conftest import TODAY, block, framework, rnd  # noqa: F401
from tests.assessments.office_world import submitted_stp

PERSONAS = ("tuan", "hanh", "minh", "lan", "nam", "mai", "khach")
# As for the other writes on a round (tests/api/test_round_admin_api.py): Hạnh reads no
# unpublished round, nor Minh, assigned to no agency of it; Lan and Nam read it (their
# agency's assessment) but may not act.
MATRIX = {"tuan": 200, "hanh": 404, "minh": 404, "lan": 403, "nam": 403, "mai": 403, "khach": 403}
REASON = "Gõ nhầm hạn tự đánh giá khi mở đợt (Công văn 12/SNV-CCHC)"


@pytest.fixture
def tokens(world: Any) -> dict[str, str]:
    return {p: create_token(getattr(world, p), name=f"{p}-system", actor=None)[1] for p in PERSONAS}


def call(tokens: dict[str, str], persona: str, method: str, url: str, body: Any) -> Any:
    send = getattr(Client(), method.lower())
    return send(
        url,
        data=body,
        content_type="application/json",
        headers={**bearer(tokens[persona]), "Accept-Language": "vi"},
    )


def deadlines_of(rnd: Round, **changes: datetime.date) -> dict[str, str]:
    days = {
        stage: getattr(rnd, f"{stage}_due")
        for stage in (
            "self_assessment",
            "approval",
            "appraisal_1",
            "explanation",
            "appraisal_2",
            "council",
        )
    }
    days.update(changes)
    return {k: v.isoformat() for k, v in days.items()}


def later(day: datetime.date, n: int) -> datetime.date:
    return day + datetime.timedelta(days=n)


# ------------------------------------------------------------------------------ deadlines


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_corrects_deadlines(
    world: Any, rnd: Round, tokens: dict[str, str], persona: str
) -> None:
    new = later(rnd.approval_due, 3)
    body = {**deadlines_of(rnd, approval=new), "reason": REASON}

    response = call(tokens, persona, "PUT", f"/api/rounds/{rnd.pk}/deadlines", body)

    assert response.status_code == MATRIX[persona]
    old = rnd.approval_due
    rnd.refresh_from_db()
    if persona == "tuan":
        assert response.json() == {"approval": [old.isoformat(), new.isoformat()]}
        assert rnd.approval_due == new
        event = AuditEvent.objects.get(action="assessments.round.deadlines_changed")
        assert (event.actor, event.reason) == (world.tuan, REASON)
    else:
        assert rnd.approval_due == old
        assert not AuditEvent.objects.filter(action="assessments.round.deadlines_changed").exists()


def test_a_later_self_assessment_deadline_clears_a_late_submission(
    world: Any, rnd: Round, tokens: dict[str, str]
) -> None:
    url = f"/api/rounds/{rnd.pk}/deadlines"
    past = TODAY - datetime.timedelta(days=2)
    body = {
        **deadlines_of(rnd, self_assessment=past),
        "reason": REASON,
        "allow_past_deadlines": True,
    }
    assert call(tokens, "tuan", "PUT", url, body).status_code == 200
    stp = submitted_stp(world, rnd)
    assert stp.late

    body = {**deadlines_of(rnd, self_assessment=TODAY), "reason": REASON}
    response = call(tokens, "tuan", "PUT", url, body)

    assert response.json() == {"self_assessment": [past.isoformat(), TODAY.isoformat()]}
    stp.refresh_from_db()
    assert not stp.late


def test_deadlines_out_of_order_nothing_changed_or_no_reason_are_refused(
    rnd: Round, tokens: dict[str, str]
) -> None:
    url = f"/api/rounds/{rnd.pk}/deadlines"
    before = later(rnd.self_assessment_due, -1)
    cases = {
        "order": (
            {**deadlines_of(rnd, approval=before), "reason": REASON},
            "Hạn lãnh đạo phê duyệt",
        ),
        "same": ({**deadlines_of(rnd), "reason": REASON}, "Không có thời hạn nào thay đổi."),
        "blank": (
            {**deadlines_of(rnd, council=later(rnd.council_due, 1)), "reason": " "},
            "Hãy nêu lý do thay đổi thời hạn.",
        ),
    }
    for case, (body, said) in cases.items():
        response = call(tokens, "tuan", "PUT", url, body)
        assert response.status_code == 422, case
        assert said in response.json()["detail"], (case, response.json())
    missing = call(tokens, "tuan", "PUT", url, deadlines_of(rnd))
    assert missing.status_code == 422 and missing.json()["errors"]
    assert not AuditEvent.objects.filter(action="assessments.round.deadlines_changed").exists()


def test_a_finalised_round_keeps_its_deadlines(rnd: Round, tokens: dict[str, str]) -> None:
    Round.objects.filter(pk=rnd.pk).update(stage="finalised")
    body = {**deadlines_of(rnd, council=later(rnd.council_due, 1)), "reason": REASON}

    response = call(tokens, "tuan", "PUT", f"/api/rounds/{rnd.pk}/deadlines", body)

    assert response.status_code == 409


# ------------------------------------------------------------------------------ cancel


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_cancels_a_round(
    world: Any, rnd: Round, tokens: dict[str, str], persona: str
) -> None:
    response = call(tokens, persona, "POST", f"/api/rounds/{rnd.pk}/cancel", {"reason": REASON})

    assert response.status_code == MATRIX[persona]
    assert Round.objects.filter(pk=rnd.pk).exists() == (persona != "tuan")
    if persona == "tuan":
        event = AuditEvent.objects.get(action="assessments.round.cancelled")
        assert response.json() == {
            "round_id": rnd.pk,
            "year": 2024,
            "block": "so-ban-nganh",
            "framework": rnd.framework.key,
            "agencies": ["snv", "stp", "sxd"],
            "audit_event_id": event.pk,
        }
        told = Notification.objects.filter(kind="round_cancelled")
        assert sorted(told.values_list("user__username", flat=True)) == ["lan", "nam"]
        again = call(tokens, "tuan", "POST", f"/api/rounds/{rnd.pk}/cancel", {"reason": REASON})
        assert again.status_code == 404


def test_a_round_with_work_in_it_is_not_cancelled(
    world: Any, rnd: Round, tokens: dict[str, str]
) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    a.save_self_assessment(
        stp,
        "1.1",
        value=Decimal(1),
        not_applicable=False,
        justification="",
        expected_version=stp.entries.get(code="1.1").version,
        actor=world.lan,
    )
    url = f"/api/rounds/{rnd.pk}/cancel"

    refused = call(tokens, "tuan", "POST", url, {"reason": REASON})
    blank = call(tokens, "tuan", "POST", url, {"reason": ""})

    assert refused.status_code == 422
    assert "Sở Tư pháp: 1 mục đã tự đánh giá" in refused.json()["detail"]
    assert blank.status_code == 422
    assert blank.json()["detail"] == "Hãy nêu lý do hủy đợt đánh giá."
    assert Round.objects.filter(pk=rnd.pk).exists()


def test_an_extension_the_round_has_overtaken_no_longer_applies(
    world: Any, rnd: Round, tokens: dict[str, str]
) -> None:
    later = rnd.self_assessment_due + datetime.timedelta(days=2)
    a.grant_extension(rnd, world.stp, "self_assessment", later, reason="Lũ", actor=world.tuan)
    url = f"/api/rounds/{rnd.pk}"
    assert call(tokens, "tuan", "GET", url, None).json()["extensions"][0]["applies"] is True
    body = {**deadlines_of(rnd, self_assessment=later), "reason": REASON}
    assert call(tokens, "tuan", "PUT", url + "/deadlines", body).status_code == 200
    ((extension,),) = [call(tokens, "tuan", "GET", url, None).json()["extensions"]]
    assert extension["new_date"] == later.isoformat() and extension["applies"] is False
