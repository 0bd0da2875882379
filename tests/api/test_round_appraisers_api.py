# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""The reform office assigns appraisers and enters bonus/penalty counts over the API, with the
same actions as the round's pages: the same refusals (403, 404, 409, 422 in Vietnamese) and
the same audit rows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import AdjustmentEntry, AppraiserAssignment, Round, Stage
from chiso.audit.models import AuditEvent
from tests.api.test_assessments_api import Evaluation, evaluation  # noqa: F401
from tests.assessments.conftest import block, framework, rnd  # noqa: F401

PERSONAS = ("tuan", "hanh", "minh", "lan", "nam", "mai", "khach")
# The round and Sở Tư pháp's assessment are read by Minh (its appraiser), Lan and Nam, who are
# refused; Hạnh reads no unpublished round, so for her they do not exist.
OFFICE_ONLY = {"tuan": 200, "minh": 403, "lan": 403, "nam": 403, "hanh": 404, "mai": 403}
MATRIX = {**OFFICE_ONLY, "khach": 403}


def stp_field_1() -> dict[str, object]:
    return {
        "agency": {"code": "stp", "name": "Sở Tư pháp"},
        "field": {"code": "1", "name": "Công tác chỉ đạo, điều hành"},
        "appraiser": {"username": "minh", "name": "Trần Văn Minh"},
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_sees_the_appraisers_of_a_round(
    evaluation: Evaluation, persona: str
) -> None:
    response = evaluation.call(persona, "GET", f"/api/rounds/{evaluation.round.pk}/appraisers")

    assert response.status_code == MATRIX[persona]
    if persona == "tuan":
        assert response.json() == {"count": 1, "items": [stp_field_1()]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_assigns_an_appraiser(evaluation: Evaluation, persona: str) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/appraisers/sxd/2"

    response = evaluation.call(persona, "PUT", url, {"appraiser": "minh"})

    assert response.status_code == MATRIX[persona]
    assigned = AppraiserAssignment.objects.filter(agency=evaluation.world.sxd, field_code="2")
    assert assigned.count() == (1 if persona == "tuan" else 0)
    rows = AuditEvent.objects.filter(
        action="assessments.appraiser.assigned", object_repr__startswith="sxd"
    )
    assert rows.count() == (1 if persona == "tuan" else 0)
    if persona == "tuan":
        assert response.json()["field"] == {"code": "2", "name": "Xây dựng thể chế"}
        assert rows.get().data == {
            "round": evaluation.round.pk,
            "field": "2",
            "appraiser": [None, "minh"],
        }


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_removes_an_appraiser(evaluation: Evaluation, persona: str) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/appraisers/stp/1"

    response = evaluation.call(persona, "DELETE", url)

    assert response.status_code == MATRIX[persona]
    left = AppraiserAssignment.objects.filter(round=evaluation.round).count()
    assert left == (0 if persona == "tuan" else 1)
    if persona == "tuan":
        assert response.json() == {"count": 0, "items": []}
        removed = AuditEvent.objects.get(action="assessments.appraiser.removed")
        assert removed.data == {
            "round": evaluation.round.pk,
            "field": "1",
            "appraiser": ["minh", None],
        }
        assert removed.actor is not None and removed.actor.username == "tuan"


def test_the_api_refuses_an_appraiser_for_their_own_agency_as_the_page_does(
    evaluation: Evaluation,
) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/appraisers/snv/1"

    response = evaluation.call("tuan", "PUT", url, {"appraiser": "minh"})

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Trần Văn Minh không được thẩm định cơ quan của chính mình (Sở Nội vụ)."
    )
    assert not AppraiserAssignment.objects.filter(agency=evaluation.world.snv).exists()


def test_assigning_names_an_unknown_agency_or_an_empty_field_as_not_found(
    evaluation: Evaluation,
) -> None:
    base = f"/api/rounds/{evaluation.round.pk}/appraisers"

    unknown_agency = evaluation.call("tuan", "PUT", f"{base}/khong-co/1", {"appraiser": "minh"})
    nobody = evaluation.call("tuan", "DELETE", f"{base}/sxd/3")

    assert unknown_agency.status_code == 404
    assert nobody.status_code == 404
    assert nobody.json()["detail"] == "Lĩnh vực 3 của Sở Xây dựng chưa có thẩm định viên."


def test_assignments_are_closed_at_the_council_stage_with_a_409(evaluation: Evaluation) -> None:
    Round.objects.filter(pk=evaluation.round.pk).update(stage=Stage.COUNCIL)
    url = f"/api/rounds/{evaluation.round.pk}/appraisers/sxd/2"

    assigned = evaluation.call("tuan", "PUT", url, {"appraiser": "minh"})
    removed = evaluation.call(
        "tuan", "DELETE", f"/api/rounds/{evaluation.round.pk}/appraisers/stp/1"
    )

    assert (assigned.status_code, removed.status_code) == (409, 409)
    assert AppraiserAssignment.objects.filter(round=evaluation.round).count() == 1


# ------------------------------------------------------------------------------ bonus/penalty


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_reads_the_bonus_and_penalty_counts(
    evaluation: Evaluation, persona: str
) -> None:
    a.save_adjustment(
        evaluation.stp,
        "D1",
        count=Decimal("2"),
        note="Công văn 12/UBND phê bình",
        expected_version=0,
        actor=evaluation.world.tuan,
    )

    response = evaluation.call(persona, "GET", f"/api/assessments/{evaluation.stp.pk}/adjustments")

    assert response.status_code == MATRIX[persona]
    if persona == "tuan":
        got = response.json()
        assert got["count"] == 2
        bonus, penalty = got["items"]
        assert (bonus["code"], bonus["count"], bonus["version"]) == ("T1", None, 0)
        assert bonus["evidence_required"] is True
        assert {k: penalty[k] for k in ("code", "kind", "points_each", "count", "note")} == {
            "code": "D1",
            "kind": "penalty",
            "points_each": "0.50",
            "count": "2.00",
            "note": "Công văn 12/UBND phê bình",
        }
        assert (penalty["version"], penalty["updated_by"]) == (1, "Trương Ngọc Tuấn")


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_sets_a_count(evaluation: Evaluation, persona: str) -> None:
    url = f"/api/assessments/{evaluation.stp.pk}/adjustments/T1"
    body = {"count": "1", "note": "Quyết định 345/QĐ-UBND khen thưởng", "expected_version": 0}

    response = evaluation.call(persona, "PUT", url, body)

    assert response.status_code == MATRIX[persona]
    saved = AdjustmentEntry.objects.filter(assessment=evaluation.stp, code="T1").first()
    rows = AuditEvent.objects.filter(action="assessments.adjustment.saved")
    if persona == "tuan":
        assert response.json()["count"] == "1.00" and response.json()["version"] == 1
        assert saved is not None and saved.note == "Quyết định 345/QĐ-UBND khen thưởng"
        assert rows.get().data == {
            "code": "T1",
            "count": [None, "1"],
            "note": ["", "Quyết định 345/QĐ-UBND khen thưởng"],
        }
    else:
        assert saved is None and not rows.exists()


def test_a_count_saved_from_a_stale_version_is_refused_with_who_changed_it(
    evaluation: Evaluation,
) -> None:
    url = f"/api/assessments/{evaluation.stp.pk}/adjustments/D1"
    first = evaluation.call("tuan", "PUT", url, {"count": "1", "expected_version": 0})
    assert first.status_code == 200 and first.json()["version"] == 1

    stale = evaluation.call("tuan", "PUT", url, {"count": "3", "expected_version": 0})

    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Mục này vừa được Trương Ngọc Tuấn sửa lúc ")
    assert stale.json()["detail"].endswith("; hãy tải lại.")
    entry = AdjustmentEntry.objects.get(assessment=evaluation.stp, code="D1")
    assert (entry.count, entry.version) == (1, 1)
    assert AuditEvent.objects.filter(action="assessments.adjustment.saved").count() == 1


def test_a_negative_count_is_refused_in_vietnamese(evaluation: Evaluation) -> None:
    url = f"/api/assessments/{evaluation.stp.pk}/adjustments/D1"

    response = evaluation.call("tuan", "PUT", url, {"count": "-1", "expected_version": 0})

    assert response.status_code == 422
    assert response.json()["detail"] == "Số lần phải từ 0 trở lên."
    assert not AdjustmentEntry.objects.exists()


def test_an_agency_does_not_learn_of_a_removed_appraiser_from_its_audit_trail(
    evaluation: Evaluation,
) -> None:
    # Who appraises an agency is told with round 1's marks (visibility.ASSIGNMENTS_SHOWN_AFTER);
    # a removed assignment has no row left to date it, so its audit rows stay the office's.
    url = f"/api/rounds/{evaluation.round.pk}/appraisers/stp/1"
    assert evaluation.call("tuan", "DELETE", url).status_code == 200

    lan = Client()
    lan.force_login(evaluation.world.lan)
    page = lan.get(reverse("audit:list")).content.decode()
    office = Client()
    office.force_login(evaluation.world.tuan)

    assert "Trần Văn Minh" not in page and "minh" not in page
    assert "minh" in office.get(reverse("audit:list")).content.decode()
