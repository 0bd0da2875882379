# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""The reform office runs a round over the API: open, extend, close each stage, finalise,
reopen with a reason, publish; and returns a submission to the agency. Each persona of the
world gets the answer their scope gives (403 or 404), refusals say why in Vietnamese (409,
422), and each step leaves the audit row the page's action leaves."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent
from chiso.notifications.models import Notification
from chiso.results.models import ResultSet
from tests.api.test_assessments_api import Evaluation, evaluation, fill_and_submit  # noqa: F401
from tests.assessments.conftest import TODAY, block, framework, rnd  # noqa: F401

OPEN = "/api/blocks/2024/so-ban-nganh/rounds"
PERSONAS = ("tuan", "hanh", "minh", "lan", "nam", "mai", "khach")
REASON = {"reason": "Hội đồng xem lại mục 1.2 theo Công văn 45/SNV-CCHC"}


def days(n: int) -> str:
    return (TODAY + datetime.timedelta(days=n)).isoformat()


def open_body(ev: Evaluation) -> dict[str, Any]:
    return {
        "framework_id": ev.round.framework_id,
        "deadlines": {
            "self_assessment": days(7),
            "approval": days(14),
            "appraisal_1": days(21),
            "explanation": days(28),
            "appraisal_2": days(35),
            "council": days(42),
        },
    }


# A draft round: the office acts; those who read the round (Minh assigned to Sở Tư pháp, Lan,
# Nam) are refused; Hạnh reads no unpublished round, so it does not exist for her.
STEP_MATRIX = {
    "tuan": 200,
    "minh": 403,
    "lan": 403,
    "nam": 403,
    "hanh": 404,
    "mai": 403,
    "khach": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_closes_a_stage(evaluation: Evaluation, persona: str) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/close"

    response = evaluation.call(persona, "POST", url, {"stage": "draft"})

    assert response.status_code == STEP_MATRIX[persona]
    evaluation.round.refresh_from_db()
    assert evaluation.round.stage == ("explanation" if persona == "tuan" else "draft")
    closed = AuditEvent.objects.filter(action="assessments.round.appraisal_1_closed")
    assert list(closed.values_list("actor__username", flat=True)) == (
        ["tuan"] if persona == "tuan" else []
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_extends_a_deadline(evaluation: Evaluation, persona: str) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/extensions"
    body = {"agency": "stp", "stage": "self_assessment", "new_date": days(30), "reason": "Lũ"}

    response = evaluation.call(persona, "POST", url, body)

    assert response.status_code == STEP_MATRIX[persona]
    assert evaluation.round.extensions.count() == (1 if persona == "tuan" else 0)
    if persona == "tuan":
        assert response.json()["extensions"] == [
            {
                "agency": {"code": "stp", "name": "Sở Tư pháp"},
                "stage": "self_assessment",
                "new_date": days(30),
                "reason": "Lũ",
                "applies": True,
            }
        ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_opens_a_round(evaluation: Evaluation, persona: str) -> None:
    evaluation.round.delete()  # the block has one round per framework

    response = evaluation.call(persona, "POST", OPEN, open_body(evaluation))

    assert response.status_code == (201 if persona == "tuan" else 403)
    assert Round.objects.count() == (1 if persona == "tuan" else 0)


def test_opening_makes_the_round_with_its_late_penalty_and_tells_the_agencies(
    evaluation: Evaluation,
) -> None:
    evaluation.round.delete()
    Notification.objects.all().delete()

    response = evaluation.call(
        "tuan", "POST", OPEN, {**open_body(evaluation), "late_penalty_code": "D1"}
    )

    assert response.status_code == 201
    got = response.json()
    assert (got["stage"], got["late_penalty_code"]) == ("draft", "D1")
    assert got["deadlines"]["council"] == days(42)
    rnd = Round.objects.get(pk=got["id"])
    assert sorted(rnd.assessments.values_list("agency__code", flat=True)) == ["snv", "stp", "sxd"]
    assert AuditEvent.objects.filter(action="assessments.round.opened", actor__username="tuan")
    assert Notification.objects.filter(user__username="lan", kind="round_opened").exists()


def test_opening_twice_or_with_an_unknown_block_says_why(evaluation: Evaluation) -> None:
    again = evaluation.call("tuan", "POST", OPEN, open_body(evaluation))
    unknown = evaluation.call(
        "tuan", "POST", "/api/blocks/2024/khoi-khac/rounds", open_body(evaluation)
    )

    assert again.status_code == 409
    assert again.json()["detail"] == "Khối này đã có đợt đánh giá với bộ chỉ số này."
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "Không có khối khoi-khac năm 2024."
    assert Round.objects.count() == 1


def test_a_wrong_late_penalty_leaves_no_round_behind(evaluation: Evaluation) -> None:
    evaluation.round.delete()

    response = evaluation.call(
        "tuan", "POST", OPEN, {**open_body(evaluation), "late_penalty_code": "T1"}
    )

    assert response.status_code == 422
    assert response.json()["detail"] == "Bộ chỉ số không có mục điểm trừ T1."
    assert Round.objects.count() == 0


def test_a_round_runs_to_publication_through_the_api(evaluation: Evaluation) -> None:
    ev, base = evaluation, f"/api/rounds/{evaluation.round.pk}"
    fill_and_submit(ev)
    assert ev.call("nam", "POST", f"/api/assessments/{ev.stp.pk}/approve").status_code == 200

    stages = []
    for stage in ("draft", "explanation", "appraisal_2"):
        response = ev.call("tuan", "POST", f"{base}/close", {"stage": stage})
        assert response.status_code == 200, response.json()
        stages.append(response.json()["stage"])
    finalised = ev.call("tuan", "POST", f"{base}/finalise")
    reopened = ev.call("tuan", "POST", f"{base}/reopen", REASON)
    ev.call("tuan", "POST", f"{base}/finalise")
    published = ev.call("tuan", "POST", f"{base}/publish")

    assert stages == ["explanation", "appraisal_2", "council"]
    assert finalised.json()["stage"] == "finalised"
    assert reopened.json()["stage"] == "council"
    assert published.status_code == 200 and published.json()["stage"] == "published"
    result_set = ResultSet.objects.get(block=ev.round.block, framework=ev.round.framework)
    assert result_set.status == ResultSet.Status.PUBLISHED
    rows = AuditEvent.objects.filter(action__startswith="assessments.round.").order_by("id")
    assert list(rows.values_list("action", "actor__username")) == [
        ("assessments.round.opened", "tuan"),
        ("assessments.round.appraisal_1_closed", "tuan"),
        ("assessments.round.explanation_closed", "tuan"),
        ("assessments.round.appraisal_2_closed", "tuan"),
        ("assessments.round.finalised", "tuan"),
        ("assessments.round.reopened", "tuan"),
        ("assessments.round.finalised", "tuan"),
        ("assessments.round.published", "tuan"),
    ]
    assert rows.get(action="assessments.round.reopened").reason == REASON["reason"]
    # Once published, Hạnh reads the round: the refusal is now 403, not 404.
    assert ev.call("hanh", "POST", f"{base}/reopen", REASON).status_code == 403


def test_a_step_at_the_wrong_stage_is_a_conflict_saying_the_stage(evaluation: Evaluation) -> None:
    base = f"/api/rounds/{evaluation.round.pk}"

    twice = evaluation.call("tuan", "POST", f"{base}/close", {"stage": "explanation"})
    finalise = evaluation.call("tuan", "POST", f"{base}/finalise")
    publish = evaluation.call("tuan", "POST", f"{base}/publish", **{"Accept-Language": "en"})

    assert twice.status_code == finalise.status_code == publish.status_code == 409
    assert twice.json() == {
        "detail": "Không thể thực hiện việc này ở giai đoạn «Đang tự đánh giá»."
    }
    assert publish.json() == {
        "detail": "This cannot be done at the stage «Self-assessment in progress»."
    }
    evaluation.round.refresh_from_db()
    assert evaluation.round.stage == "draft"


def test_reopening_needs_a_reason_and_published_results_never_reopen(
    evaluation: Evaluation,
) -> None:
    ev, base = evaluation, f"/api/rounds/{evaluation.round.pk}"
    for step in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        step(ev.round, actor=ev.world.tuan)
    a.finalise_round(ev.round, actor=ev.world.tuan)

    blank = ev.call("tuan", "POST", f"{base}/reopen", {"reason": "  "})
    a.publish_round(ev.round, actor=ev.world.tuan)
    late = ev.call("tuan", "POST", f"{base}/reopen", REASON)

    assert blank.status_code == 422
    assert blank.json()["detail"] == "Hãy nêu lý do mở lại đợt đánh giá."
    assert late.status_code == 409
    assert late.json()["detail"] == ("Không thể thực hiện việc này ở giai đoạn «Đã công bố».")
    assert not AuditEvent.objects.filter(action="assessments.round.reopened").exists()


def test_an_extension_for_an_agency_outside_the_round_is_refused(evaluation: Evaluation) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/extensions"
    body = {"stage": "self_assessment", "new_date": days(30), "reason": "Lũ"}

    unit = evaluation.call("tuan", "POST", url, {**body, "agency": "stp-tgpl"})
    unknown = evaluation.call("tuan", "POST", url, {**body, "agency": "khong-co"})
    no_reason = evaluation.call("tuan", "POST", url, {**body, "agency": "stp", "reason": ""})

    assert (unit.status_code, unit.json()["detail"]) == (
        422,
        "Cơ quan này không được đánh giá trong đợt này.",
    )
    assert (unknown.status_code, unknown.json()["detail"]) == (
        422,
        "Không có cơ quan nào có mã khong-co.",
    )
    assert (no_reason.status_code, no_reason.json()["detail"]) == (
        422,
        "Hãy nêu lý do gia hạn.",
    )
    assert evaluation.round.extensions.count() == 0


# ------------------------------------------------------------------------------ return

# A submission waiting for Nam's approval: Nam or the reform office may return it.
RETURN_MATRIX = {
    "tuan": 200,
    "nam": 200,
    "lan": 403,
    "minh": 403,
    "hanh": 404,
    "mai": 403,
    "khach": 403,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_return_a_submission(evaluation: Evaluation, persona: str) -> None:
    fill_and_submit(evaluation)
    url = f"/api/assessments/{evaluation.stp.pk}/return"

    response = evaluation.call(persona, "POST", url, {"reason": "Thiếu phụ lục mục 1.2"})

    assert response.status_code == RETURN_MATRIX[persona]
    evaluation.stp.refresh_from_db()
    assert evaluation.stp.status == ("draft" if RETURN_MATRIX[persona] == 200 else "submitted")


def test_a_returned_submission_tells_lan_and_is_audited(evaluation: Evaluation) -> None:
    fill_and_submit(evaluation)

    response = evaluation.call(
        "nam", "POST", f"/api/assessments/{evaluation.stp.pk}/return", {"reason": "Thiếu phụ lục"}
    )

    assert response.status_code == 200 and response.json()["status"] == "draft"
    row = AuditEvent.objects.get(action="assessments.assessment.returned")
    assert (row.actor.username, row.reason, row.data) == (
        "nam",
        "Thiếu phụ lục",
        {"status": ["submitted", "draft"]},
    )
    note = Notification.objects.get(user__username="lan", kind="assessment_returned")
    assert note.body == (
        "Lê Văn Nam đã trả lại báo cáo tự đánh giá cho cơ quan: Thiếu phụ lục "
        "Hãy chỉnh sửa và nộp lại."
    )


def test_a_return_after_appraisal_started_or_without_reason_is_refused(
    evaluation: Evaluation,
) -> None:
    ev, url = evaluation, f"/api/assessments/{evaluation.stp.pk}/return"
    fill_and_submit(ev)
    blank = ev.call("tuan", "POST", url, {"reason": " "})
    ev.call("nam", "POST", f"/api/assessments/{ev.stp.pk}/approve")
    leader_after_approval = ev.call("nam", "POST", url, {"reason": "Sửa lại"})
    entry = ev.item(ev.stp, "1.1")
    a.record_appraisal(
        entry,
        1,
        value=None,
        comment="Đang xem",
        expected_version=entry.version,
        actor=ev.world.minh,
    )
    appraised = ev.call("tuan", "POST", url, {"reason": "Sửa lại"})

    assert (blank.status_code, blank.json()["detail"]) == (
        422,
        "Hãy nêu lý do trả lại báo cáo tự đánh giá.",
    )
    assert leader_after_approval.status_code == 409
    assert appraised.status_code == 409
    assert appraised.json()["detail"] == (
        "Phiếu đánh giá này đã bắt đầu thẩm định lần 1: không thể trả lại cho cơ quan nữa."
    )
    assert Assessment.objects.get(pk=ev.stp.pk).status == "appraisal_1"
    assert not AuditEvent.objects.filter(action="assessments.assessment.returned").exists()


def test_the_item_says_which_step_counts(evaluation: Evaluation) -> None:
    ev, world = evaluation, evaluation.world
    fill_and_submit(ev)
    a.approve_submission(ev.stp, actor=world.nam)
    entry = ev.item(ev.stp, "1.2")
    a.record_appraisal(
        entry, 1, value=None, comment="", expected_version=entry.version, actor=world.minh
    )
    entry = ev.item(ev.stp, "1.1")
    a.record_appraisal(
        entry,
        1,
        value=Decimal(0),
        comment="Thiếu",
        expected_version=entry.version,
        actor=world.minh,
    )
    for step in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        step(ev.round, actor=world.tuan)
    entry = ev.item(ev.stp, "1.2")
    a.record_council_decision(
        entry, value=Decimal(2), note="Hội đồng", expected_version=entry.version, actor=world.tuan
    )

    office = ev.call("tuan", "GET", f"/api/assessments/{ev.stp.pk}").json()["items"]
    agency = ev.call("lan", "GET", f"/api/assessments/{ev.stp.pk}").json()["items"]

    steps = {i["code"]: (i["effective_value"], i["effective_step"]) for i in office}
    assert steps == {
        "1.1": ("0.00", "appraisal_1"),
        "1.2": ("2.00", "council"),
        "2.1": ("2.00", "self"),
        "3.1": ("2.00", "self"),
    }
    # The agency learns the council's decision only once the round is finalised.
    assert next(i for i in agency if i["code"] == "1.2")["effective_step"] == "self"
