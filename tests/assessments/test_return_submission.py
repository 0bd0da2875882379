"""Returning a submitted self-assessment to the agency for correction (docs/evaluation-round.md,
"Returning a submission"): who may, until when, the reason, the audit row, the notification,
the page's button, and a resubmission keeping the first submission's lateness after the
office's return but judged on its own time after the agency leader's."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent
from chiso.notifications.models import Notification
from tests.assessments.office_world import (
    SELF_VALUES,
    client_for,
    entry,
    self_assess,
    submitted_stp,
)

TOLD = "Lê Văn Nam đã trả lại báo cáo tự đánh giá cho cơ quan: Thiếu phụ lục 1.2 Hãy chỉnh sửa và nộp lại."


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_nam_returns_the_submission_to_lan_with_his_reason(world: Any, rnd: Round) -> None:
    stp = submitted_stp(world, rnd)

    back = a.return_submission(stp, reason=" Thiếu phụ lục 1.2 ", actor=world.nam)

    assert (back.status, back.return_reason, back.returned_by) == (
        "draft",
        "Thiếu phụ lục 1.2",
        world.nam,
    )
    row = AuditEvent.objects.get(action="assessments.assessment.returned")
    assert (row.actor, row.agency_id_ref, row.reason, row.data) == (
        world.nam,
        world.stp.pk,
        "Thiếu phụ lục 1.2",
        {"status": ["submitted", "draft"]},
    )
    [note] = Notification.objects.filter(kind="assessment_returned")
    assert (note.user, note.title, note.body, note.link) == (
        world.lan,
        "Báo cáo tự đánh giá bị trả lại để chỉnh sửa: Sở Tư pháp 2024",
        TOLD,
        f"/rounds/assessment/{stp.pk}/",
    )
    # Lan corrects and saves again: the draft is hers once more.
    a.save_self_assessment(
        back,
        "1.2",
        value=Decimal(2),
        not_applicable=False,
        justification="Đã bổ sung phụ lục",
        expected_version=entry(back, "1.2").version,
        actor=world.lan,
    )


def test_the_office_withdraws_an_approval_and_tells_the_leader_too(world: Any, rnd: Round) -> None:
    stp = a.approve_submission(submitted_stp(world, rnd), actor=world.nam)

    back = a.return_submission(stp, reason="Sai số liệu mục 3.1", actor=world.tuan)

    assert (back.status, back.approved_by, back.approved_at) == ("draft", None, None)
    row = AuditEvent.objects.get(action="assessments.assessment.returned")
    assert row.data == {"status": ["approved", "draft"], "approved_by": ["Lê Văn Nam", None]}
    told = Notification.objects.filter(kind="assessment_returned")
    assert sorted(told.values_list("user__username", flat=True)) == ["lan", "nam"]


@pytest.mark.parametrize("persona", ["lan", "minh", "hanh", "mai", "khach"])
def test_no_one_else_may_return_it(world: Any, rnd: Round, persona: str) -> None:
    stp = submitted_stp(world, rnd)

    with pytest.raises(PermissionDenied):
        a.return_submission(stp, reason="Sửa lại", actor=getattr(world, persona))

    assert Assessment.objects.get(pk=stp.pk).status == "submitted"


def test_a_reason_is_required(world: Any, rnd: Round) -> None:
    stp = submitted_stp(world, rnd)

    with pytest.raises(a.AssessmentError, match="^Hãy nêu lý do trả lại báo cáo tự đánh giá.$"):
        a.return_submission(stp, reason="  ", actor=world.nam)

    assert not AuditEvent.objects.filter(action="assessments.assessment.returned").exists()


def test_once_appraisal_round_1_started_it_can_no_longer_be_returned(
    world: Any, rnd: Round
) -> None:
    stp = a.approve_submission(submitted_stp(world, rnd), actor=world.nam)
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    item = entry(stp, "1.1")
    a.record_appraisal(
        item, 1, value=Decimal(1), comment="", expected_version=item.version, actor=world.minh
    )

    with pytest.raises(a.StateError) as refused:
        a.return_submission(stp, reason="Sửa lại", actor=world.tuan)

    assert str(refused.value) == (
        "Phiếu đánh giá này đã bắt đầu thẩm định lần 1: không thể trả lại cho cơ quan nữa."
    )
    assert not Notification.objects.filter(kind="assessment_returned").exists()


def test_the_leader_returns_only_before_approving_and_a_draft_has_nothing_to_return(
    world: Any, rnd: Round
) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    with pytest.raises(a.StateError, match="chưa được nộp: không có gì để trả lại"):
        a.return_submission(stp, reason="Sửa", actor=world.tuan)
    stp = a.approve_submission(submitted_stp(world, rnd), actor=world.nam)

    with pytest.raises(a.StateError, match="«Lãnh đạo đã phê duyệt»"):
        a.return_submission(stp, reason="Sửa", actor=world.nam)


def test_a_resubmission_after_the_offices_return_keeps_the_first_submissions_lateness(
    world: Any, rnd: Round
) -> None:
    stp = submitted_stp(world, rnd)
    first = stp.submitted_at
    a.return_submission(stp, reason="Sửa", actor=world.tuan)
    # The deadline passes while the agency corrects: the office's return was not its delay.
    Round.objects.filter(pk=rnd.pk).update(
        self_assessment_due=timezone.localdate() - datetime.timedelta(days=1)
    )

    again = a.submit_assessment(Assessment.objects.get(pk=stp.pk), actor=world.lan)

    assert (again.status, again.submitted_at, again.late) == ("submitted", first, False)
    row = AuditEvent.objects.filter(action="assessments.assessment.submitted").first()
    assert row is not None and row.data["resubmitted"] is True  # the newest row
    assert row.data["kept_first_submission"] is True


def test_a_resubmission_after_the_leaders_return_is_judged_on_its_own_time(
    world: Any, rnd: Round
) -> None:
    stp = submitted_stp(world, rnd)
    first = stp.submitted_at
    a.return_submission(stp, reason="Sửa", actor=world.nam)
    # Nam's return is the agency's own: the deadline passing meanwhile is the agency's delay.
    Round.objects.filter(pk=rnd.pk).update(
        self_assessment_due=timezone.localdate() - datetime.timedelta(days=1)
    )

    again = a.submit_assessment(Assessment.objects.get(pk=stp.pk), actor=world.lan)

    assert (again.status, again.late) == ("submitted", True)
    assert first is not None and again.submitted_at is not None and again.submitted_at > first
    row = AuditEvent.objects.filter(action="assessments.assessment.submitted").first()
    assert row is not None and row.data["kept_first_submission"] is False


def test_a_late_submission_returned_by_the_leader_stays_late(world: Any, rnd: Round) -> None:
    Round.objects.filter(pk=rnd.pk).update(
        self_assessment_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    stp = submitted_stp(world, Round.objects.get(pk=rnd.pk))
    assert stp.late
    a.return_submission(stp, reason="Sửa", actor=world.nam)
    # The deadline is moved later meanwhile: the first submission was late all the same.
    Round.objects.filter(pk=rnd.pk).update(
        self_assessment_due=timezone.localdate() + datetime.timedelta(days=5)
    )

    again = a.submit_assessment(Assessment.objects.get(pk=stp.pk), actor=world.lan)

    assert again.late


def test_the_page_offers_the_button_and_returns_with_the_reason(world: Any, rnd: Round) -> None:
    stp = submitted_stp(world, rnd)
    url = reverse("assessments:assessment", args=[stp.pk])

    lan_page = client_for(world.lan).get(url).content.decode()
    nam = client_for(world.nam)
    nam_page = nam.get(url).content.decode()
    response = nam.post(
        reverse("assessments:return", args=[stp.pk]), {"reason": "Thiếu phụ lục 1.2"}, follow=True
    )

    assert "Trả lại cơ quan để chỉnh sửa" not in lan_page
    assert "Trả lại cơ quan để chỉnh sửa" in nam_page
    assert 'for="return-reason"' in nam_page
    html = response.content.decode()
    assert "Đã trả lại báo cáo tự đánh giá cho cơ quan để chỉnh sửa." in html
    assert "Bị trả lại để chỉnh sửa" in html and "Thiếu phụ lục 1.2" in html
    assert Assessment.objects.get(pk=stp.pk).status == "draft"
    # Lan now sees the reason and may submit again.
    lan_page = client_for(world.lan).get(url).content.decode()
    assert "Thiếu phụ lục 1.2" in lan_page and 'id="submit-form"' in lan_page


def test_the_page_says_why_a_return_is_refused(world: Any, rnd: Round) -> None:
    stp = submitted_stp(world, rnd)

    response = client_for(world.nam).post(
        reverse("assessments:return", args=[stp.pk]), {"reason": ""}, follow=True
    )

    assert "Hãy nêu lý do trả lại báo cáo tự đánh giá." in response.content.decode()
    assert Assessment.objects.get(pk=stp.pk).status == "submitted"


def test_the_button_is_gone_once_appraisal_started(world: Any, rnd: Round) -> None:
    stp = a.approve_submission(submitted_stp(world, rnd), actor=world.nam)
    office = client_for(world.tuan)
    url = reverse("assessments:assessment", args=[stp.pk])
    assert "Trả lại cơ quan để chỉnh sửa" in office.get(url).content.decode()
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    item = entry(stp, "1.1")
    a.record_appraisal(
        item, 1, value=Decimal(1), comment="", expected_version=item.version, actor=world.minh
    )

    assert "Trả lại cơ quan để chỉnh sửa" not in office.get(url).content.decode()


# Security review (session 3), moved here from tests/security: returning a submission kept the
# first submission's lateness even when the agency's own leader returned it, so an agency could
# lock in "on time" with a placeholder and write its real report after the deadline.
def test_a_placeholder_submission_returned_by_the_agencys_own_leader_does_not_escape_lateness(
    world: Any,
    rnd: Round,
) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    # Before the deadline: every item 0, just to have "submitted on time" recorded.
    for code in SELF_VALUES:
        a.save_self_assessment(
            stp,
            code,
            value=Decimal(0),
            not_applicable=False,
            justification="",
            expected_version=entry(stp, code).version,
            actor=world.lan,
        )
    a.submit_assessment(stp, actor=world.lan)
    # Nam, deputy director of the same agency, sends it back to his own focal officer.
    a.return_submission(stp, reason="Bổ sung sau", actor=world.nam)
    # The deadline passes; the agency now writes its real report.
    Round.objects.filter(pk=rnd.pk).update(
        self_assessment_due=timezone.localdate() - datetime.timedelta(days=10)
    )
    stp = Assessment.objects.get(pk=stp.pk)
    self_assess(world, stp, "Báo cáo thật, viết sau hạn")

    again = a.submit_assessment(Assessment.objects.get(pk=stp.pk), actor=world.lan)

    assert again.late, (
        "the real report was submitted 10 days after the deadline, yet it is recorded on time: "
        "the agency's own leader returned the placeholder, so the delay is the agency's"
    )
