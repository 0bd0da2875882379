"""The evaluation round over the API: who reads which round, assessment, item and evidence
metadata; who may write each step; how refusals answer (403, 404, 409, 422) in both
languages; and schemathesis on a real round (no 5xx, every answer as documented).

The round is the tiny 2024 one of tests/assessments (Sở Nội vụ, Sở Tư pháp, Sở Xây dựng);
Minh appraises field 1 of Sở Tư pháp; Lan attached a PDF to item 1.2.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import positive_data_acceptance

from chiso.api.actions import create_token
from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent
from chiso.facts.models import Fact
from tests.api.conftest import bearer, session
from tests.assessments.conftest import block, framework, rnd  # noqa: F401
from tests.conftest import PASSWORD

PERSONAS = ("tuan", "hanh", "minh", "lan", "nam", "mai", "khach")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Evaluation:
    world: Any
    round: Round
    stp: Assessment
    sxd: Assessment
    snv: Assessment
    evidence: Any
    tokens: dict[str, str]

    def call(self, persona: str, method: str, url: str, body: Any = None, **headers: str) -> Any:
        client = Client()
        send = getattr(client, method.lower())
        kwargs: dict[str, Any] = {"headers": {**bearer(self.tokens[persona]), **headers}}
        if body is not None:
            kwargs.update(data=body, content_type="application/json")
        return send(url, **kwargs)

    def item(self, assessment: Assessment, code: str) -> Any:
        return assessment.entries.get(code=code)


@pytest.fixture
def evaluation(world: Any, rnd: Round, settings: Any, tmp_path: Any) -> Evaluation:  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    evidence = a.add_evidence(
        stp,
        SimpleUploadedFile("bao-cao-cchc.pdf", PDF),
        entry=stp.entries.get(code="1.2"),
        description="Báo cáo CCHC năm 2024",
        actor=world.lan,
    )
    tokens = {
        p: create_token(getattr(world, p), name=f"{p}-system", actor=None)[1] for p in PERSONAS
    }
    return Evaluation(
        world,
        rnd,
        stp,
        Assessment.objects.get(round=rnd, agency=world.sxd),
        Assessment.objects.get(round=rnd, agency=world.snv),
        evidence,
        tokens,
    )


# ------------------------------------------------------------------------------ who reads what

READS = {
    "rounds": "/api/rounds",
    "round": "/api/rounds/{round}",
    "assessments": "/api/rounds/{round}/assessments",
    "own": "/api/assessments/{stp}",
    "other": "/api/assessments/{sxd}",
    "appraiser_home": "/api/assessments/{snv}",
    "no_round": "/api/rounds/999999",
    "no_assessment": "/api/assessments/999999",
    "facts": "/api/facts",
}
OFFICE = {**dict.fromkeys(READS, 200), "no_round": 404, "no_assessment": 404}
# Agency users and the appraiser of Sở Tư pháp: that assessment only.
SOME = {**OFFICE, "other": 404, "appraiser_home": 404}
# A provincial leader reads assessments once published; none is yet.
VIEWER = {**dict.fromkeys(READS, 404), "rounds": 200, "facts": 200}
READ_MATRIX = {
    "tuan": OFFICE,
    "hanh": VIEWER,
    "minh": SOME,
    "lan": SOME,
    "nam": SOME,
    "mai": {**dict.fromkeys(READS, 403), "facts": 200},
    "khach": dict.fromkeys(READS, 403),
}


def read_urls(ev: Evaluation) -> dict[str, str]:
    ids = {"round": ev.round.pk, "stp": ev.stp.pk, "sxd": ev.sxd.pk, "snv": ev.snv.pk}
    return {k: v.format(**ids) for k, v in READS.items()}


@pytest.mark.parametrize("how", ["session", "token"])
@pytest.mark.parametrize("persona", READ_MATRIX)
def test_each_persona_reads_the_round_within_their_scope(
    evaluation: Evaluation, persona: str, how: str
) -> None:
    if how == "session":
        client, headers = session(persona), {}
    else:
        client, headers = Client(), bearer(evaluation.tokens[persona])

    got = {k: client.get(u, headers=headers).status_code for k, u in read_urls(evaluation).items()}

    assert got == READ_MATRIX[persona]


def test_anonymous_callers_must_authenticate(evaluation: Evaluation) -> None:
    for url in read_urls(evaluation).values():
        assert Client().get(url).status_code == 401, url


def agencies(response: Any) -> list[str]:
    return [row["agency"]["code"] for row in response.json()["items"]]


def test_lists_show_only_the_assessments_in_scope(evaluation: Evaluation) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/assessments"

    assert agencies(evaluation.call("tuan", "GET", url)) == ["snv", "stp", "sxd"]
    assert agencies(evaluation.call("lan", "GET", url)) == ["stp"]
    assert agencies(evaluation.call("minh", "GET", url)) == ["stp"]
    assert evaluation.call("hanh", "GET", "/api/rounds").json() == {"count": 0, "items": []}
    [row] = evaluation.call("lan", "GET", url).json()["items"]
    assert (row["status"], row["status_label"]) == ("draft", "Đang tự đánh giá")
    assert row["progress"] == {"done": 0, "total": 4}


def test_the_round_shows_its_stage_deadlines_and_own_extensions(evaluation: Evaluation) -> None:
    ev, world = evaluation, evaluation.world
    later = ev.round.self_assessment_due + datetime.timedelta(days=5)
    a.grant_extension(ev.round, world.sxd, "self_assessment", later, reason="Lũ", actor=world.tuan)

    mine = ev.call("lan", "GET", f"/api/rounds/{ev.round.pk}").json()
    office = ev.call("tuan", "GET", f"/api/rounds/{ev.round.pk}").json()

    assert mine["stage"] == "draft" and mine["block"]["code"] == "so-ban-nganh"
    assert mine["deadlines"]["explanation"] == ev.round.explanation_due.isoformat()
    assert mine["extensions"] == []  # Sở Xây dựng's extension is not Lan's business
    assert office["extensions"] == [
        {
            "agency": {"code": "sxd", "name": "Sở Xây dựng"},
            "stage": "self_assessment",
            "new_date": later.isoformat(),
            "reason": "Lũ",
            "applies": True,
        }
    ]


def test_an_appraiser_reads_only_the_fields_assigned(evaluation: Evaluation) -> None:
    lan = evaluation.call("lan", "GET", f"/api/assessments/{evaluation.stp.pk}").json()
    minh = evaluation.call("minh", "GET", f"/api/assessments/{evaluation.stp.pk}").json()

    assert [i["code"] for i in lan["items"]] == ["1.1", "1.2", "2.1", "3.1"]
    assert [i["code"] for i in minh["items"]] == ["1.1", "1.2"]
    assert evaluation.call("minh", "GET", f"/api/assessments/{evaluation.stp.pk}/").status_code
    response = evaluation.call(
        "minh",
        "PUT",
        f"/api/assessments/{evaluation.stp.pk}/items/3.1/appraisal",
        {"round_no": 1, "value": "1", "expected_version": 1},
    )
    assert response.status_code == 404


def test_evidence_is_described_never_sent(evaluation: Evaluation) -> None:
    response = evaluation.call("minh", "GET", f"/api/assessments/{evaluation.stp.pk}")

    item = next(i for i in response.json()["items"] if i["code"] == "1.2")
    [file] = item["evidence"]
    assert file == {
        "id": evaluation.evidence.pk,
        "name": "bao-cao-cchc.pdf",
        "type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "description": "Báo cáo CCHC năm 2024",
        "stage": "draft",
        "uploaded_by": "Nguyễn Thị Lan",
        "uploaded_at": file["uploaded_at"],
    }
    body = response.content.decode()
    assert evaluation.evidence.storage_key not in body and "%PDF" not in body


# ------------------------------------------------------------------------------ who writes what

SELF = {"value": "1", "not_applicable": False, "justification": "Kế hoạch số 12/KH-STP"}
WRITE_MATRIX = {
    "lan": 200,
    "nam": 403,  # the leader approves, the officer enters
    "tuan": 403,
    "minh": 403,
    "hanh": 404,
    "mai": 403,
    "khach": 403,
}


@pytest.mark.parametrize("persona", WRITE_MATRIX)
def test_only_the_focal_officer_self_assesses(evaluation: Evaluation, persona: str) -> None:
    url = f"/api/assessments/{evaluation.stp.pk}/items/1.1/self"

    response = evaluation.call(persona, "PUT", url, {**SELF, "expected_version": 1})

    assert response.status_code == WRITE_MATRIX[persona]
    entry = evaluation.item(evaluation.stp, "1.1")
    assert entry.self_value == (Decimal(1) if persona == "lan" else None)


def test_lan_cannot_write_another_agencys_assessment(evaluation: Evaluation) -> None:
    url = f"/api/assessments/{evaluation.sxd.pk}/items/1.1/self"

    response = evaluation.call("lan", "PUT", url, {**SELF, "expected_version": 1})

    assert response.status_code == 404
    assert response.json() == {
        "detail": "Không có phiếu đánh giá với số này trong phạm vi bạn được xem."
    }


@pytest.mark.parametrize(
    ("persona", "status"), [("nam", 200), ("lan", 403), ("tuan", 403), ("minh", 403)]
)
def test_only_the_agency_leader_approves(evaluation: Evaluation, persona: str, status: int) -> None:
    fill_and_submit(evaluation)

    response = evaluation.call(persona, "POST", f"/api/assessments/{evaluation.stp.pk}/approve")

    assert response.status_code == status
    evaluation.stp.refresh_from_db()
    assert evaluation.stp.status == ("approved" if status == 200 else "submitted")


def fill_and_submit(ev: Evaluation) -> None:
    for code, value in {"1.1": "1", "1.2": "3", "2.1": "2", "3.1": "2"}.items():
        url = f"/api/assessments/{ev.stp.pk}/items/{code}/self"
        version = ev.item(ev.stp, code).version
        body = {**SELF, "value": value, "expected_version": version}
        assert ev.call("lan", "PUT", url, body).status_code == 200
    response = ev.call("lan", "POST", f"/api/assessments/{ev.stp.pk}/submit")
    assert response.status_code == 200 and response.json()["status"] == "submitted"


def test_a_round_runs_through_the_api_with_each_person_acting_as_themself(
    evaluation: Evaluation,
) -> None:
    ev, world = evaluation, evaluation.world
    base = f"/api/assessments/{ev.stp.pk}"
    fill_and_submit(ev)
    assert ev.call("nam", "POST", f"{base}/approve").json()["approved_by"] == "Lê Văn Nam"

    v = ev.item(ev.stp, "1.2").version
    appraisal = {"round_no": 1, "value": "1", "comment": "Thiếu phụ lục", "needs_explanation": True}
    response = ev.call(
        "minh", "PUT", f"{base}/items/1.2/appraisal", {**appraisal, "expected_version": v}
    )
    assert response.status_code == 200
    assert (response.json()["appraised_value_1"], response.json()["needs_explanation"]) == (
        "1.00",
        True,
    )
    # The agency sees round 1 only once it is closed for everyone, as on the pages.
    item = next(i for i in ev.call("lan", "GET", base).json()["items"] if i["code"] == "1.2")
    assert (item["appraised_value_1"], item["needs_explanation"], item["effective_value"]) == (
        None,
        False,
        "3.00",
    )
    a.close_appraisal_1(ev.round, actor=world.tuan)
    item = next(i for i in ev.call("lan", "GET", base).json()["items"] if i["code"] == "1.2")
    assert (item["appraised_value_1"], item["appraiser_comment_1"]) == ("1.00", "Thiếu phụ lục")

    v = ev.item(ev.stp, "1.2").version
    response = ev.call(
        "lan",
        "PUT",
        f"{base}/items/1.2/explanation",
        {"text": "Phụ lục đã bổ sung", "expected_version": v},
    )
    assert response.status_code == 200 and response.json()["explanation"] == "Phụ lục đã bổ sung"

    a.close_explanation(ev.round, actor=world.tuan)
    v = ev.item(ev.stp, "1.2").version
    round_2 = {"round_no": 2, "value": "2", "comment": "Chấp nhận", "expected_version": v}
    assert ev.call("minh", "PUT", f"{base}/items/1.2/appraisal", round_2).status_code == 200
    a.close_appraisal_2(ev.round, actor=world.tuan)
    v = ev.item(ev.stp, "1.2").version
    council = {"value": "3", "note": "Hội đồng chấp nhận", "expected_version": v}
    response = ev.call("tuan", "PUT", f"{base}/items/1.2/council", council)
    assert (response.json()["council_value"], response.json()["effective_value"]) == (
        "3.00",
        "3.00",
    )

    rows = AuditEvent.objects.filter(action__startswith="assessments.item.")
    assert list(rows.order_by("id").values_list("action", "actor__username")) == [
        *[("assessments.item.self_assessed", "lan")] * 4,
        ("assessments.item.appraised_1", "minh"),
        ("assessments.item.explained", "lan"),
        ("assessments.item.appraised_2", "minh"),
        ("assessments.item.council_decided", "tuan"),
    ]


# ------------------------------------------------------------------------------ refusals


def test_a_stale_version_is_a_conflict_naming_who_changed_it(evaluation: Evaluation) -> None:
    url = f"/api/assessments/{evaluation.stp.pk}/items/1.1/self"
    assert evaluation.call("lan", "PUT", url, {**SELF, "expected_version": 1}).status_code == 200

    vi = evaluation.call("lan", "PUT", url, {**SELF, "value": "0", "expected_version": 1})
    en = evaluation.call(
        "lan",
        "PUT",
        url,
        {**SELF, "value": "0", "expected_version": 1},
        **{"Accept-Language": "en"},
    )

    assert vi.status_code == en.status_code == 409
    assert vi.json()["detail"].startswith("Mục này vừa được Nguyễn Thị Lan sửa lúc ")
    assert en.json()["detail"].startswith("This item was just changed by Nguyễn Thị Lan at ")
    assert en["Content-Language"] == "en"
    assert evaluation.item(evaluation.stp, "1.1").self_value == Decimal(1)


def test_a_step_out_of_stage_is_a_conflict(evaluation: Evaluation) -> None:
    fill_and_submit(evaluation)

    response = evaluation.call("lan", "POST", f"/api/assessments/{evaluation.stp.pk}/submit")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Không thể thực hiện việc này ở giai đoạn «Đã nộp, chờ lãnh đạo phê duyệt»."
    }


def test_a_value_outside_the_rule_is_refused_naming_the_item(evaluation: Evaluation) -> None:
    url = f"/api/assessments/{evaluation.stp.pk}/items/3.1/self"

    response = evaluation.call("lan", "PUT", url, {**SELF, "value": "1.5", "expected_version": 1})

    assert response.status_code == 422
    assert response.json()["detail"].startswith("Mục 3.1 «Rà soát TTHC»: ")


def test_submitting_with_items_left_empty_is_refused(evaluation: Evaluation) -> None:
    response = evaluation.call("lan", "POST", f"/api/assessments/{evaluation.stp.pk}/submit")

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Còn 4 mục chưa nhập giá trị hoặc dấu không đánh giá: 1.1, 1.2, 2.1, 3.1."
    )


def test_a_malformed_value_is_refused_before_any_action(evaluation: Evaluation) -> None:
    url = f"/api/assessments/{evaluation.stp.pk}/items/1.1/self"

    response = evaluation.call("lan", "PUT", url, {**SELF, "value": "1,5", "expected_version": 1})

    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "value"]
    assert not AuditEvent.objects.filter(action="assessments.item.self_assessed").exists()


def test_a_session_write_needs_the_csrf_token(evaluation: Evaluation) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.login(username="lan", password=PASSWORD)
    url = f"/api/assessments/{evaluation.stp.pk}/items/1.1/self"

    response = client.put(url, {**SELF, "expected_version": 1}, content_type="application/json")

    assert response.status_code == 403
    assert evaluation.item(evaluation.stp, "1.1").self_value is None


# ------------------------------------------------------------------------------ facts


def test_facts_are_read_within_scope(evaluation: Evaluation) -> None:
    world = evaluation.world
    for agency, value in ((world.stp, "92.5"), (world.sxd, "80")):
        Fact.objects.create(
            name="dossier.on_time_rate",
            agency=agency,
            year=2024,
            value=Decimal(value),
            source="Hệ thống một cửa",
            as_of=datetime.date(2024, 12, 31),
        )

    lan = evaluation.call("lan", "GET", "/api/facts?year=2024").json()
    tuan = evaluation.call("tuan", "GET", "/api/facts?year=2024&agency=sxd").json()

    assert [(f["agency"]["code"], f["value"]) for f in lan["items"]] == [("stp", "92.50")]
    assert lan["items"][0]["as_of"] == "2024-12-31"
    assert lan["items"][0]["source"] == "Hệ thống một cửa"
    assert [(f["agency"]["code"], f["value"]) for f in tuan["items"]] == [("sxd", "80.00")]
    assert evaluation.call("lan", "GET", "/api/facts?agency=sxd").json()["count"] == 0
    assert evaluation.call("mai", "GET", "/api/facts").json()["count"] == 0


# ------------------------------------------------------------------------------ contract

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# Who calls each write, so that the generated bodies reach the action, not only the 403.
ACTOR = {
    "save_self_assessment": "lan",
    "submit_assessment": "lan",
    "submit_explanation": "lan",
    "approve_assessment": "nam",
    "record_appraisal": "minh",
}


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """As in test_contract.py: the WSGI app sees the round built inside the test."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.include(path_regex="^/api/(rounds|assessments)").parametrize()
@settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_the_round_operations_keep_their_contract_on_a_real_round(
    case: Any, evaluation: Evaluation, in_test_transaction: None
) -> None:
    """Real ids, so that generated bodies meet the actions: no 5xx, answers as documented."""
    # A path made invalid on purpose stays as generated: it must be rejected.
    negative = case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH)
    params = {} if negative else (case.path_parameters or {})
    if "assessment_id" in params:
        params["assessment_id"] = evaluation.stp.pk
    if "round_id" in params:
        params["round_id"] = evaluation.round.pk
    if "code" in params:
        params["code"] = "1.2"
    persona = ACTOR.get(case.operation.definition.raw.get("operationId", ""), "tuan")
    # A refusal of a well-formed request is the round's rule (stage 409, value 422), not a
    # contract breach, so the "valid data is accepted" check does not apply to writes here.
    case.call_and_validate(
        headers=bearer(evaluation.tokens[persona]), excluded_checks=[positive_data_acceptance]
    )
