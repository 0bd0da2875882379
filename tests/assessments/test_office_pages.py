"""The reform office's round pages: list, opening, the round's administration, bonus/penalty."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import (
    AdjustmentEntry,
    AppraiserAssignment,
    Assessment,
    DeadlineExtension,
    Evidence,
    Round,
    Stage,
)
from chiso.audit.models import AuditEvent
from chiso.results.models import ResultSet
from tests.assessments.office_world import PDF, appraise, approved_stp, client_for

PERSONAS = ("tuan", "lan", "nam", "minh", "hanh", "mai", "khach")


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def get_urls(rnd: Round) -> dict[str, tuple[str, set[str]]]:
    """Every GET page with the personas that may open it."""
    stp = Assessment.objects.get(round=rnd, agency__code="stp")
    readers = {"tuan", "hanh"}
    return {
        "rounds": (reverse("assessments:rounds"), readers),
        "round": (reverse("assessments:round", args=[rnd.pk]), readers),
        "open": (reverse("assessments:round_open"), {"tuan"}),
        "step": (reverse("assessments:round_step", args=[rnd.pk, "close-appraisal-1"]), {"tuan"}),
        "council": (reverse("assessments:council", args=[rnd.pk]), {"tuan"}),
        "adjustments": (reverse("assessments:adjustments", args=[stp.pk]), {"tuan"}),
    }


def test_each_page_opens_only_for_the_roles_that_use_it(world: Any, rnd: Round) -> None:
    for key, (url, allowed) in get_urls(rnd).items():
        assert client_for(None).get(url).status_code == 302, key  # to the login page
        for name in PERSONAS:
            status = client_for(getattr(world, name)).get(url).status_code
            assert status == (200 if name in allowed else 403), (key, name, status)


def post_forms(world: Any, rnd: Round) -> dict[str, tuple[str, dict[str, Any]]]:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    entry = stp.entries.get(code="3.1")
    return {
        "extend": (
            reverse("assessments:round_extend", args=[rnd.pk]),
            {
                "agency": world.stp.pk,
                "stage": "self_assessment",
                "new_date": "31/12/2030",
                "reason": "Sự cố mạng",
            },
        ),
        "assign": (
            reverse("assessments:round_assign", args=[rnd.pk]),
            {"agency": world.stp.pk, "field": "3", "user": world.minh.pk},
        ),
        "step": (reverse("assessments:round_step", args=[rnd.pk, "close-appraisal-1"]), {}),
        "council": (
            reverse("assessments:council_decide", args=[entry.pk]),
            {"value": "1", "note": "x", "expected_version": entry.version},
        ),
        "adjustments": (
            reverse("assessments:adjustments", args=[stp.pk]),
            {"code": "T1", "count": "1", "note": "Sáng kiến", "expected_version": "0"},
        ),
    }


def test_only_the_reform_office_can_post_and_others_write_nothing(world: Any, rnd: Round) -> None:
    for key, (url, data) in post_forms(world, rnd).items():
        for name in PERSONAS:
            if name == "tuan":
                continue
            before = AuditEvent.objects.count()
            status = client_for(getattr(world, name)).post(url, data).status_code
            assert status == 403, (key, name, status)
            assert AuditEvent.objects.count() == before, (key, name)
        anonymous = client_for(None).post(url, data)
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert DeadlineExtension.objects.count() == 0
    assert AppraiserAssignment.objects.count() == 0
    assert AdjustmentEntry.objects.count() == 0
    assert Round.objects.get(pk=rnd.pk).stage == Stage.DRAFT


def test_the_open_form_posts_also_refused_for_others(
    world: Any, framework: Any, block: Any
) -> None:
    url = reverse("assessments:round_open")
    for name in ("lan", "nam", "minh", "hanh", "mai", "khach"):
        assert client_for(getattr(world, name)).post(url, {}).status_code == 403
    assert not Round.objects.exists()


def open_form(world: Any, block: Any, framework: Any, **changes: str) -> dict[str, Any]:
    data = {
        "block": block.pk,
        "framework": framework.pk,
        "self_assessment_due": "15/01/2030",
        "approval_due": "20/01/2030",
        "appraisal_1_due": "10/02/2030",
        "explanation_due": "20/02/2030",
        "appraisal_2_due": "05/03/2030",
        "council_due": "15/03/2030",
        "late_penalty_code": "D1",
    }
    data.update(changes)
    return data


def test_tuan_opens_a_round_with_dates_typed_dd_mm_yyyy_and_a_late_penalty(
    world: Any, framework: Any, block: Any
) -> None:
    client = client_for(world.tuan)
    page = client.get(reverse("assessments:round_open")).content.decode()
    assert "D1 — Bị phê bình" in page and "T1 — Sáng kiến" not in page  # penalties only
    response = client.post(reverse("assessments:round_open"), open_form(world, block, framework))
    rnd = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:round", args=[rnd.pk])
    assert rnd.self_assessment_due == datetime.date(2030, 1, 15)
    assert rnd.council_due == datetime.date(2030, 3, 15)
    assert rnd.late_penalty_code == "D1"
    assert rnd.assessments.count() == 3
    page = client.get(response["Location"]).content.decode()
    for name in ("Sở Nội vụ", "Sở Tư pháp", "Sở Xây dựng", "15/01/2030"):
        assert name in page


def test_a_bad_date_names_the_field_and_opens_nothing(
    world: Any, framework: Any, block: Any
) -> None:
    data = open_form(world, block, framework, approval_due="31/02/2030")
    response = client_for(world.tuan).post(reverse("assessments:round_open"), data)
    assert response.status_code == 200
    assert 'id="id_approval_due_errors"' in response.content.decode()
    assert "31/02/2030" in response.content.decode()  # what was typed stays
    assert not Round.objects.exists()


def test_a_second_round_of_the_same_block_is_refused_with_the_actions_message(
    world: Any, rnd: Round
) -> None:
    data = open_form(world, rnd.block, rnd.framework, late_penalty_code="")
    response = client_for(world.tuan).post(reverse("assessments:round_open"), data)
    assert response.status_code == 200
    assert "Khối này đã có đợt đánh giá với bộ chỉ số này." in response.content.decode()
    assert Round.objects.count() == 1


def test_the_round_page_shows_status_progress_and_the_late(
    world: Any, framework: Any, block: Any
) -> None:
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    from tests.assessments.conftest import deadlines

    rnd = a.open_round(block, framework, deadlines(self_assessment=yesterday), actor=world.tuan)
    page = client_for(world.hanh).get(reverse("assessments:round", args=[rnd.pk]))
    html = page.content.decode()
    rows = html.split('id="agency-status"')[1].split("</table>")[0]
    assert rows.count("<tr>") == 4  # header and three agencies
    assert "0/4" in rows  # nothing entered of four items
    assert rows.count("badge text-bg-danger") == 3  # all three unsubmitted past the deadline
    assert "<form" not in html.split("<main")[1].replace('action="/i18n/setlang/"', "")  # read-only


def test_an_extension_is_granted_with_its_reason_and_shown(world: Any, rnd: Round) -> None:
    client = client_for(world.tuan)
    url = reverse("assessments:round_extend", args=[rnd.pk])
    data = {"agency": world.stp.pk, "stage": "self_assessment", "new_date": "31/12/2030"}
    refused = client.post(url, {**data, "reason": ""})
    assert refused.status_code == 200 and not DeadlineExtension.objects.exists()
    response = client.post(url, {**data, "reason": "Sự cố mạng"}, follow=True)
    extension = DeadlineExtension.objects.get()
    assert (extension.agency, extension.new_date) == (world.stp, datetime.date(2030, 12, 31))
    html = response.content.decode()
    assert "Sự cố mạng" in html and "31/12/2030" in html
    row = AuditEvent.objects.get(action="assessments.deadline.extended")
    assert row.reason == "Sự cố mạng" and row.actor == world.tuan


def test_minh_is_assigned_a_field_but_never_his_own_agency(world: Any, rnd: Round) -> None:
    client = client_for(world.tuan)
    url = reverse("assessments:round_assign", args=[rnd.pk])
    ok = client.post(
        url, {"agency": world.stp.pk, "field": "3", "user": world.minh.pk}, follow=True
    )
    assert AppraiserAssignment.objects.get().user == world.minh
    assert f'<option value="{world.minh.pk}" selected>Trần Văn Minh</option>' in ok.content.decode()
    own = client.post(
        url, {"agency": world.snv.pk, "field": "1", "user": world.minh.pk}, follow=True
    )
    assert (
        "Trần Văn Minh không được thẩm định cơ quan của chính mình (Sở Nội vụ)."
        in own.content.decode()
    )
    assert AppraiserAssignment.objects.count() == 1
    for user in ("", "abc"):  # "—" chosen, or a forged value: a message, nothing written
        client.post(url, {"agency": world.sxd.pk, "field": "1", "user": user})
    assert AppraiserAssignment.objects.count() == 1


def step(client: Any, rnd: Round, key: str, **data: str) -> Any:
    return client.post(reverse("assessments:round_step", args=[rnd.pk, key]), data, follow=True)


def test_the_round_goes_through_its_stages_to_publication(world: Any, rnd: Round) -> None:
    stp = approved_stp(world, rnd)
    appraise(world, stp, "3.1", "1", comment="Thiếu kế hoạch", needs_explanation=True)
    client = client_for(world.tuan)
    confirm = client.get(reverse("assessments:round_step", args=[rnd.pk, "close-appraisal-1"]))
    assert confirm.status_code == 200 and b'method="post"' in confirm.content
    assert Round.objects.get(pk=rnd.pk).stage == Stage.DRAFT  # a GET changes nothing

    step(client, rnd, "close-appraisal-1")
    assert Round.objects.get(pk=rnd.pk).stage == Stage.EXPLANATION
    wrong = step(client, rnd, "close-appraisal-1")  # twice: the action's stage message
    assert "Không thể thực hiện việc này ở giai đoạn «Giải trình»." in wrong.content.decode()
    step(client, rnd, "close-explanation")
    step(client, rnd, "close-appraisal-2")
    assert Round.objects.get(pk=rnd.pk).stage == Stage.COUNCIL
    finalised = step(client, rnd, "finalise")
    assert Round.objects.get(pk=rnd.pk).stage == Stage.FINALISED
    results_url = reverse("results:block", args=[rnd.year, rnd.block.code])
    assert results_url in finalised.content.decode()

    no_reason = step(client, rnd, "reopen", reason=" ")
    assert "Hãy nêu lý do mở lại đợt đánh giá." in no_reason.content.decode()
    step(client, rnd, "reopen", reason="Hội đồng xem lại mục 3.1")
    assert Round.objects.get(pk=rnd.pk).stage == Stage.COUNCIL
    assert AuditEvent.objects.get(action="assessments.round.reopened").reason == (
        "Hội đồng xem lại mục 3.1"
    )
    step(client, rnd, "finalise")
    step(client, rnd, "publish")
    assert ResultSet.objects.get(block=rnd.block).status == ResultSet.Status.PUBLISHED
    public = client_for(None).get("/cong-khai/").content.decode()
    assert "Sở Tư pháp" in public
    # Published results never reopen: the round page offers no reopen button any more.
    page = client.get(reverse("assessments:round", args=[rnd.pk])).content.decode()
    assert reverse("assessments:round_step", args=[rnd.pk, "reopen"]) not in page


def test_bonus_and_penalty_counts_are_saved_with_a_note_and_evidence(
    world: Any, rnd: Round
) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    client = client_for(world.tuan)
    url = reverse("assessments:adjustments", args=[stp.pk])
    bad = client.post(url, {"code": "D1", "count": "-1", "note": "Công văn 12"})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Số lần phải từ 0 trở lên." in html and 'value="-1"' in html and "Công văn 12" in html
    assert not AdjustmentEntry.objects.exists()

    early = client.post(
        url,
        {"code": "T1", "action": "upload", "file": SimpleUploadedFile("qd.pdf", PDF)},
    )
    assert early.status_code == 400 and not Evidence.objects.exists()
    client.post(
        url, {"code": "T1", "count": "1", "note": "Sáng kiến cấp tỉnh", "expected_version": "0"}
    )
    adjustment = AdjustmentEntry.objects.get(code="T1")
    assert (adjustment.count, adjustment.note) == (Decimal(1), "Sáng kiến cấp tỉnh")
    client.post(
        url,
        {
            "code": "T1",
            "action": "upload",
            "file": SimpleUploadedFile("quyet-dinh.pdf", PDF),
            "description": "QĐ công nhận",
        },
    )
    evidence = Evidence.objects.get()
    assert (evidence.adjustment, evidence.original_name) == (adjustment, "quyet-dinh.pdf")
    page = client.get(url).content.decode()
    assert "quyet-dinh.pdf" in page
    assert reverse("assessments:evidence_download", args=[evidence.pk]) in page
