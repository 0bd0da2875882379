"""Cancelling a round opened by mistake: only the reform office, with a reason, only while
nothing is entered in it; the agencies told of the opening are told of the cancellation, their
old notifications lead to a page that says so, and the audit trail keeps what the round was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as a
from chiso.assessments.actions.cancel import NotCancellable, cancel_round
from chiso.assessments.models import Assessment, ItemEntry, Round
from chiso.audit.models import AuditEvent
from chiso.notifications.models import Notification
from tests.assessments.office_world import PDF, client_for, entry

PERSONAS = ("tuan", "lan", "nam", "minh", "hanh", "mai", "khach")
REASON = "Mở nhầm khối: đợt này thuộc khối huyện"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sxd_officer(world: Any) -> Any:
    """A focal officer of Sở Xây dựng, so that two agencies have people to tell."""
    from django.contrib.auth.models import User

    from tests.conftest import PASSWORD

    user = User.objects.create_user("hoa", password=PASSWORD, email="hoa@sxd.example")
    Membership.objects.create(user=user, role=Role.FOCAL_OFFICER, agency=world.sxd)
    return user


def cancel_url(rnd: Round) -> str:
    return reverse("assessments:round_cancel", args=[rnd.pk])


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_cancels_a_round(world: Any, rnd: Round, persona: str) -> None:
    client = client_for(getattr(world, persona))

    page = client.get(cancel_url(rnd))
    response = client.post(cancel_url(rnd), {"reason": REASON})

    if persona == "tuan":
        assert page.status_code == 200
        assert response.status_code == 302 and response.url == reverse("assessments:rounds")
        assert not Round.objects.filter(pk=rnd.pk).exists()
    else:
        assert (page.status_code, response.status_code) == (403, 403)
        assert Round.objects.filter(pk=rnd.pk).exists()
    assert client_for(None).post(cancel_url(rnd), {"reason": REASON}).status_code == 302


def test_cancelling_deletes_the_round_and_keeps_one_readable_audit_row(
    world: Any, rnd: Round
) -> None:
    assessment_ids = list(rnd.assessments.values_list("pk", flat=True))
    client = client_for(world.tuan)

    response = client.post(cancel_url(rnd), {"reason": REASON}, follow=True)

    assert "Đã hủy đợt đánh giá" in response.content.decode()
    assert not Assessment.objects.filter(pk__in=assessment_ids).exists()
    assert not ItemEntry.objects.filter(assessment_id__in=assessment_ids).exists()
    event = AuditEvent.objects.get(action="assessments.round.cancelled")
    assert (event.actor, event.reason, event.object_repr) == (
        world.tuan,
        REASON,
        "Khối sở, ban, ngành 2024",
    )
    # Names for people (review s7 L7); agencies by id, which the audit page names.
    assert event.data["agency_id"] == [world.snv.pk, world.stp.pk, world.sxd.pk]
    assert (event.data["block"], event.data["year"], event.data["framework"]) == (
        "Khối sở, ban, ngành",
        2024,
        f"{rnd.framework.title} (v1)",
    )
    assert set(event.data["deadlines"]) == {
        "self_assessment",
        "approval",
        "appraisal_1",
        "explanation",
        "appraisal_2",
        "council",
    }
    audit = client.get(reverse("audit:list")).content.decode()
    assert "Hủy đợt đánh giá" in audit
    assert REASON in audit and "Sở Nội vụ, Sở Tư pháp, Sở Xây dựng" in audit
    assert f"{rnd.self_assessment_due:%d/%m/%Y}" in audit


def test_a_reason_is_required(world: Any, rnd: Round) -> None:
    response = client_for(world.tuan).post(cancel_url(rnd), {"reason": "  "})

    assert response.status_code == 200
    assert "Hãy nêu lý do hủy đợt đánh giá." in response.content.decode()
    assert Round.objects.filter(pk=rnd.pk).exists()


def test_refusal_names_the_agency_that_entered_values_and_evidence(world: Any, rnd: Round) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    for code in ("1.1", "1.2"):
        a.save_self_assessment(
            stp,
            code,
            value=Decimal(1),
            not_applicable=False,
            justification="",
            expected_version=entry(stp, code).version,
            actor=world.lan,
        )
    a.add_evidence(
        stp,
        SimpleUploadedFile("bao-cao.pdf", PDF, "application/pdf"),
        entry=entry(stp, "1.2"),
        description="Báo cáo",
        actor=world.lan,
    )
    client = client_for(world.tuan)

    round_page = client.get(reverse("assessments:round", args=[rnd.pk])).content.decode()
    response = client.post(cancel_url(rnd), {"reason": REASON})

    assert 'id="cancel-round"' not in round_page
    text = response.content.decode()
    # The product's term for evidence (review s7 L7).
    assert "Sở Tư pháp: 2 mục đã tự đánh giá, 1 tài liệu kiểm chứng đã tải lên" in text
    assert "Sở Xây dựng" not in text.split('id="cancel-refusal"')[1].split("</div>")[0]
    assert Round.objects.filter(pk=rnd.pk).exists()
    assert not AuditEvent.objects.filter(action="assessments.round.cancelled").exists()


def test_refusal_names_a_later_stage(world: Any, rnd: Round) -> None:
    a.close_appraisal_1(rnd, actor=world.tuan)
    with translation.override("vi"), pytest.raises(NotCancellable) as refused:
        cancel_round(rnd, reason=REASON, actor=world.tuan)
    assert "giai đoạn «Giải trình»" in str(refused.value)


def test_the_action_refuses_other_roles(world: Any, rnd: Round) -> None:
    for persona in ("lan", "nam", "minh", "hanh", "mai", "khach"):
        with pytest.raises(PermissionDenied):
            cancel_round(rnd, reason=REASON, actor=getattr(world, persona))
    assert Round.objects.filter(pk=rnd.pk).exists()


def test_the_button_shows_only_to_the_office_while_cancellable(world: Any, rnd: Round) -> None:
    url = reverse("assessments:round", args=[rnd.pk])

    assert 'id="cancel-round"' in client_for(world.tuan).get(url).content.decode()
    assert 'id="cancel-round"' not in client_for(world.hanh).get(url).content.decode()


def test_every_agency_told_of_the_opening_is_told_of_the_cancellation(
    world: Any,
    framework: Any,
    block: Any,
    sxd_officer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from tests.assessments.conftest import deadlines

    rnd = a.open_round(block, framework, deadlines(), actor=world.tuan)
    opened = {n.user.username: n for n in Notification.objects.filter(kind="round_opened")}
    assert set(opened) == {"lan", "nam", "hoa"}
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client_for(world.tuan).post(cancel_url(rnd), {"reason": REASON})

    told = Notification.objects.filter(kind="round_cancelled")
    assert sorted(told.values_list("user__username", flat=True)) == ["hoa", "lan", "nam"]
    note = told.get(user=world.lan)
    assert "hủy" in note.title and "Khối sở, ban, ngành" in note.title
    assert REASON in note.body and "Sở Tư pháp" in note.body
    assert [m.to for m in mail.outbox] == [["hoa@sxd.example"]]
    assert REASON in mail.outbox[0].body


def test_an_old_opening_notification_leads_to_the_cancellation_page(world: Any, rnd: Round) -> None:
    old = Notification.objects.get(kind="round_opened", user=world.lan)
    event = cancel_round(rnd, reason=REASON, actor=world.tuan)

    old.refresh_from_db()
    assert old.link == reverse("assessments:round_cancelled", args=[event.pk])
    page = client_for(world.lan).get(old.link)
    assert page.status_code == 200
    text = page.content.decode()
    assert "đã bị hủy" in text and REASON in text and "Sở Tư pháp" in text
    assert rnd.framework.title in text


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_cancellation_page_opens_for_the_office_viewers_and_the_round_agencies(
    world: Any, rnd: Round, persona: str
) -> None:
    event = cancel_round(rnd, reason=REASON, actor=world.tuan)
    url = reverse("assessments:round_cancelled", args=[event.pk])

    status = client_for(getattr(world, persona)).get(url).status_code

    assert status == (200 if persona in {"tuan", "hanh", "lan", "nam"} else 404)
    other = AuditEvent.objects.exclude(pk=event.pk).first()
    assert other is not None
    missing = reverse("assessments:round_cancelled", args=[other.pk])
    assert client_for(world.tuan).get(missing).status_code == 404


def test_the_confirmation_page_says_at_once_why_a_round_cannot_be_cancelled(
    world: Any, rnd: Round
) -> None:
    a.close_appraisal_1(rnd, actor=world.tuan)

    text = client_for(world.tuan).get(cancel_url(rnd)).content.decode()

    assert "giai đoạn «Giải trình»" in text and 'id="cancel-refusal"' in text


def test_cancelling_twice_is_refused_without_an_error_page(world: Any, rnd: Round) -> None:
    stale = Round.objects.get(pk=rnd.pk)
    cancel_round(rnd, reason=REASON, actor=world.tuan)

    with pytest.raises(a.StateError):
        cancel_round(stale, reason=REASON, actor=world.tuan)
    assert AuditEvent.objects.filter(action="assessments.round.cancelled").count() == 1
