"""The agency's pages of a round: "My assessments", the assessment page, saving an item with
htmx, conflicts, submission, the leader's approval, the explanation stage."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chiso.assessments.actions import (
    assign_appraiser,
    close_appraisal_1,
    record_appraisal,
    save_self_assessment,
    submit_assessment,
)
from chiso.assessments.models import Assessment, Round, Stage
from chiso.audit.models import AuditEvent
from chiso.facts.models import Fact
from tests.conftest import PASSWORD

D = Decimal
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def client_for(user: Any) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def lan_assessment(world: Any, rnd: Round) -> Assessment:
    return Assessment.objects.get(round=rnd, agency=world.stp)


def fill(assessment: Assessment, actor: Any) -> None:
    """Every item of the tiny framework with a value."""
    for code, value in {"1.1": D(1), "1.2": D(2), "2.1": D("1.5"), "3.1": D(1)}.items():
        entry = assessment.entries.get(code=code)
        save_self_assessment(
            assessment,
            code,
            value=value,
            not_applicable=False,
            justification=f"Lý do {code}",
            expected_version=entry.version,
            actor=actor,
        )


def test_lan_lists_her_agencys_assessment_with_deadline_and_progress(
    world: Any, rnd: Round
) -> None:
    page = client_for(world.lan).get(reverse("assessments:mine")).content.decode()
    assert "Sở Tư pháp" in page
    assert "Sở Xây dựng" not in page and "Sở Nội vụ" not in page
    assert f"{rnd.self_assessment_due:%d/%m/%Y}" in page
    assert "0/4" in page


def test_the_reform_office_lists_every_agency_and_the_survey_operator_is_refused(
    world: Any, rnd: Round
) -> None:
    page = client_for(world.tuan).get(reverse("assessments:mine")).content.decode()
    assert all(name in page for name in ("Sở Tư pháp", "Sở Xây dựng", "Sở Nội vụ"))
    assert client_for(world.mai).get(reverse("assessments:mine")).status_code == 403
    assert client_for(world.khach).get(reverse("assessments:mine")).status_code == 403


def test_the_nav_shows_evaluation_to_every_role_but_the_survey_operator(
    world: Any, rnd: Round
) -> None:
    url = reverse("assessments:mine")
    for name, user in world.users.items():
        home = client_for(user).get(reverse("home")).content.decode()
        expected = name not in ("mai", "khach")
        assert (f'href="{url}"' in home) is expected, name


def test_the_page_shows_fields_rules_inputs_and_the_fact_item_read_only(
    world: Any, rnd: Round
) -> None:
    Fact.objects.create(
        name="dossier.on_time_rate",
        agency=world.stp,
        year=2024,
        value=D("97.5"),
        source="Hệ thống một cửa",
        as_of=datetime.date(2024, 12, 31),
    )
    assessment = lan_assessment(world, rnd)
    page = client_for(world.lan).get(reverse("assessments:assessment", args=[assessment.pk]))
    html = page.content.decode()
    assert "1. Công tác chỉ đạo, điều hành" in html
    assert html.index("1.1. Kế hoạch CCHC năm") < html.index("3.1. Rà soát TTHC")
    assert "chọn một mức: 2; 1; 0 điểm" in html  # the rule in words
    assert html.count('type="radio"') == 2 + 3  # yes/no of 1.1, levels of 3.1
    # N/A only where the framework allows it for the agency's type (2.1: districts only).
    assert 'name="not_applicable"' not in html
    assert "97,5" in html and "Hệ thống một cửa" in html and "31/12/2024" in html
    assert reverse("assessments:item", args=[assessment.pk, "3.2"]) not in html


def test_saving_an_item_rerenders_it_and_the_progress(world: Any, rnd: Round) -> None:
    assessment = lan_assessment(world, rnd)
    entry = assessment.entries.get(code="3.1")
    response = client_for(world.lan).post(
        reverse("assessments:item", args=[assessment.pk, "3.1"]),
        {"value": "2", "justification": "Đã rà soát 12 TTHC", "expected_version": entry.version},
        headers=HTMX,
    )
    html = response.content.decode()
    entry.refresh_from_db()
    assert entry.self_value == 2 and entry.justification == "Đã rà soát 12 TTHC"
    assert f'id="item-{entry.pk}"' in html
    assert 'id="progress"' in html and 'hx-swap-oob="true"' in html
    assert 'aria-valuenow="1" aria-valuemin="0" aria-valuemax="4"' in html
    assert f'name="expected_version" value="{entry.version}"' in html


def test_a_value_outside_the_levels_is_shown_beside_the_item_and_kept(
    world: Any, rnd: Round
) -> None:
    assessment = lan_assessment(world, rnd)
    entry = assessment.entries.get(code="1.2")
    html = (
        client_for(world.lan)
        .post(
            reverse("assessments:item", args=[assessment.pk, "1.2"]),
            {"value": "7", "justification": "quá", "expected_version": entry.version},
            headers=HTMX,
        )
        .content.decode()
    )
    assert 'role="alert"' in html and "1.2" in html
    assert 'value="7"' in html and ">quá</textarea>" in html
    entry.refresh_from_db()
    assert entry.self_value is None


def test_a_stale_save_shows_who_changed_it_and_keeps_the_typed_values(
    world: Any, rnd: Round
) -> None:
    assessment = lan_assessment(world, rnd)
    entry = assessment.entries.get(code="1.2")
    seen = entry.version
    save_self_assessment(
        assessment,
        "1.2",
        value=D(3),
        not_applicable=False,
        justification="Bản của người khác",
        expected_version=seen,
        actor=world.lan,
    )
    html = (
        client_for(world.lan)
        .post(
            reverse("assessments:item", args=[assessment.pk, "1.2"]),
            {"value": "1,5", "justification": "Bản của tôi", "expected_version": seen},
            headers=HTMX,
        )
        .content.decode()
    )
    assert "Nguyễn Thị Lan" in html  # who changed it
    assert 'value="1,5"' in html and ">Bản của tôi</textarea>" in html
    assert f'name="expected_version" value="{seen}"' in html  # saving again conflicts again
    assert 'hx-get="' in html  # the reload button
    entry.refresh_from_db()
    assert entry.self_value == 3


def test_submitting_records_the_late_flag_and_locks_the_form(world: Any, rnd: Round) -> None:
    assessment = lan_assessment(world, rnd)
    fill(assessment, world.lan)
    Round.objects.filter(pk=rnd.pk).update(self_assessment_due=datetime.date(2024, 1, 1))
    lan = client_for(world.lan)
    response = lan.post(reverse("assessments:submit", args=[assessment.pk]), follow=True)
    assessment.refresh_from_db()
    assert assessment.status == Stage.SUBMITTED and assessment.late
    html = response.content.decode()
    assert 'class="self-form"' not in html
    assert "badge text-bg-danger" in html  # the late badge


def test_submitting_with_empty_items_says_how_many(world: Any, rnd: Round) -> None:
    assessment = lan_assessment(world, rnd)
    response = client_for(world.lan).post(
        reverse("assessments:submit", args=[assessment.pk]), follow=True
    )
    assert "alert-danger" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Stage.DRAFT


def test_nam_sees_the_self_assessed_summary_and_approves(world: Any, rnd: Round) -> None:
    assessment = lan_assessment(world, rnd)
    fill(assessment, world.lan)
    submit_assessment(assessment, actor=world.lan)
    nam = client_for(world.nam)
    html = nam.get(reverse("assessments:assessment", args=[assessment.pk])).content.decode()
    assert 'id="summary"' in html
    assert reverse("assessments:approve", args=[assessment.pk]) in html
    # 1 + 2 + 1,5 + 1 entered; 3.2 has no fact yet and scores 0.
    summary = html[html.index('id="summary"') :]
    assert "5,5" in summary
    nam.post(reverse("assessments:approve", args=[assessment.pk]))
    assessment.refresh_from_db()
    assert assessment.status == Stage.APPROVED and assessment.approved_by == world.nam
    html = nam.get(reverse("assessments:assessment", args=[assessment.pk])).content.decode()
    assert "Lê Văn Nam" in html[html.index('id="approval"') :]
    assert AuditEvent.objects.filter(action="assessments.assessment.approved").exists()


def test_lan_cannot_approve_and_nam_cannot_save(world: Any, rnd: Round) -> None:
    assessment = lan_assessment(world, rnd)
    entry = assessment.entries.get(code="1.1")
    nam_save = client_for(world.nam).post(
        reverse("assessments:item", args=[assessment.pk, "1.1"]),
        {"value": "1", "expected_version": entry.version},
        headers=HTMX,
    )
    assert nam_save.status_code == 403
    fill(assessment, world.lan)
    submit_assessment(assessment, actor=world.lan)
    assert (
        client_for(world.lan).post(reverse("assessments:approve", args=[assessment.pk])).status_code
        == 403
    )


def explanation_stage(world: Any, rnd: Round) -> Assessment:
    """Lan's assessment approved, item 1.2 appraised at 1 and marked for explanation."""
    from chiso.assessments.actions import approve_submission

    assessment = lan_assessment(world, rnd)
    fill(assessment, world.lan)
    submit_assessment(assessment, actor=world.lan)
    approve_submission(assessment, actor=world.nam)
    assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    entry = assessment.entries.get(code="1.2")
    record_appraisal(
        entry,
        1,
        value=D(1),
        comment="Thiếu báo cáo quý IV",
        needs_explanation=True,
        expected_version=entry.version,
        actor=world.minh,
    )
    close_appraisal_1(rnd, actor=world.tuan)
    return assessment


def test_lan_explains_a_marked_item_seeing_the_comment_and_round_1_value(
    world: Any, rnd: Round
) -> None:
    assessment = explanation_stage(world, rnd)
    entry = assessment.entries.get(code="1.2")
    lan = client_for(world.lan)
    html = lan.get(reverse("assessments:assessment", args=[assessment.pk])).content.decode()
    assert "Thiếu báo cáo quý IV" in html
    assert reverse("assessments:explain", args=[assessment.pk, "1.2"]) in html
    assert reverse("assessments:explain", args=[assessment.pk, "1.1"]) not in html
    response = lan.post(
        reverse("assessments:explain", args=[assessment.pk, "1.2"]),
        {"explanation": "Báo cáo quý IV gửi ngày 20/12", "expected_version": entry.version},
        headers=HTMX,
    )
    assert response.status_code == 200
    entry.refresh_from_db()
    assert entry.explanation == "Báo cáo quý IV gửi ngày 20/12"


def test_the_agency_does_not_see_round_1_values_before_the_round_closes(
    world: Any, rnd: Round
) -> None:
    from chiso.assessments.actions import approve_submission

    assessment = lan_assessment(world, rnd)
    fill(assessment, world.lan)
    submit_assessment(assessment, actor=world.lan)
    approve_submission(assessment, actor=world.nam)
    assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    entry = assessment.entries.get(code="1.2")
    record_appraisal(
        entry,
        1,
        value=D(1),
        comment="Nhận xét nháp",
        expected_version=entry.version,
        actor=world.minh,
    )
    url = reverse("assessments:assessment", args=[assessment.pk])
    assert "Nhận xét nháp" not in client_for(world.lan).get(url).content.decode()
    assert "Nhận xét nháp" in client_for(world.minh).get(url).content.decode()


PAGE_ACCESS = {
    # persona: status of GET on Lan's assessment page
    "tuan": 200,
    "lan": 200,
    "nam": 200,
    "minh": 404,  # not assigned to Sở Tư pháp
    "hanh": 404,  # unpublished
    "mai": 404,
    "khach": 404,
}


def test_the_assessment_page_permission_matrix(world: Any, rnd: Round) -> None:
    assessment = lan_assessment(world, rnd)
    entry = assessment.entries.get(code="1.1")
    page = reverse("assessments:assessment", args=[assessment.pk])
    save = reverse("assessments:item", args=[assessment.pk, "1.1"])
    for name, user in world.users.items():
        client = client_for(user)
        assert client.get(page).status_code == PAGE_ACCESS[name], name
        status = client.post(
            save, {"value": "1", "expected_version": entry.version}, headers=HTMX
        ).status_code
        expected = {200: 403, 404: 404}[PAGE_ACCESS[name]] if name != "lan" else 200
        assert status == expected, name
    assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    assert client_for(world.minh).get(page).status_code == 200
    # Lan never reaches another agency's assessment.
    other = Assessment.objects.get(round=rnd, agency=world.sxd)
    assert (
        client_for(world.lan).get(reverse("assessments:assessment", args=[other.pk])).status_code
        == 404
    )
