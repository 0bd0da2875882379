"""Sending invitations: e-mails with the right link, never twice, reminders only to those who
have not answered, the SMS/Zalo hand-off file, batches, the page and the CLI."""

from __future__ import annotations

import csv
import datetime
import io
import json
import smtplib
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from chiso.audit.models import AuditEvent
from chiso.surveys.actions import SurveyError, close_campaign, draw_sample, import_contacts
from chiso.surveys.actions.sending import send_invitations
from chiso.surveys.models import Contact, Invitation, Response
from tests.conftest import PASSWORD

CONTACTS = """Mã cơ quan,Nhóm đối tượng,Họ và tên,Điện thoại,Thư điện tử,Địa chỉ
stp,Người dân,Nguyễn Văn A,,a@example.vn,
stp,Người dân,Trần Thị B,,b@example.vn,
stp,Người dân,Lê Văn C,0912345678,,
sxd,Doanh nghiệp,Công ty D,0987654321,,
sxd,Doanh nghiệp,Công ty E,,,
"""


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CHISO_BASE_URL = "https://chiso.gialai.gov.vn/"
    settings.SURVEY_SEND_PAUSE = 0


@pytest.fixture
def invited(world: Any, campaign: Any) -> dict[str, Invitation]:
    """Every contact of CONTACTS drawn and invited online; by contact name."""
    report = import_contacts(campaign, CONTACTS.encode(), actor=world.tuan, filename="lien-he.csv")
    assert report.ok, report.problems
    for agency, group, count in ((world.stp, "citizen", 3), (world.sxd, "organisation", 2)):
        draw_sample(
            campaign,
            actor=world.tuan,
            agency=agency,
            group=group,
            channel="online",
            count=count,
            questionnaire=campaign.open_questionnaire,
        )
    return {
        i.contact.full_name: i
        for i in Invitation.objects.filter(campaign=campaign).select_related("contact")
    }


def test_e_mails_carry_the_personal_link_and_the_campaign_name(
    world: Any, campaign: Any, invited: dict[str, Invitation]
) -> None:
    report = send_invitations(campaign, actor=world.tuan, via="email")
    assert report.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.vn", "b@example.vn"]
    message = next(m for m in mail.outbox if m.to == ["a@example.vn"])
    link = f"https://chiso.gialai.gov.vn/khao-sat/{invited['Nguyễn Văn A'].token}/"
    assert link in message.body and "Khảo sát hài lòng 2024" in message.subject
    html, kind = message.alternatives[0]
    assert kind == "text/html" and f'href="{link}"' in html
    # Nobody else's link is in it.
    assert invited["Trần Thị B"].token not in message.body
    sent = Invitation.objects.get(pk=invited["Nguyễn Văn A"].pk)
    assert (sent.sent_via, sent.send_count) == ("email", 1) and sent.sent_at is not None


def test_an_invitation_is_never_sent_twice(
    world: Any, campaign: Any, invited: dict[str, Invitation]
) -> None:
    send_invitations(campaign, actor=world.tuan, via="email")
    again = send_invitations(campaign, actor=world.tuan, via="email")
    assert again.sent == 0 and len(mail.outbox) == 2
    # Not even as a reminder on the same day.
    assert send_invitations(campaign, actor=world.tuan, via="email", reminder=True).sent == 0


def test_reminders_go_only_to_those_who_have_not_answered_within_the_limit(
    world: Any, campaign: Any, invited: dict[str, Invitation], settings: Any
) -> None:
    send_invitations(campaign, actor=world.tuan, via="email")
    answered = invited["Nguyễn Văn A"]
    Response.objects.create(
        campaign=campaign,
        questionnaire=answered.questionnaire,
        agency=answered.agency,
        group=answered.group,
        channel="online",
        invitation=answered,
        token=answered.token,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    two_days_ago = timezone.now() - datetime.timedelta(days=2)
    Invitation.objects.update(last_sent_at=two_days_ago)
    mail.outbox.clear()
    report = send_invitations(campaign, actor=world.tuan, via="email", reminder=True)
    assert report.sent == 1 and [m.to for m in mail.outbox] == [["b@example.vn"]]
    assert mail.outbox[0].subject.startswith("Nhắc") or "Reminder" in mail.outbox[0].subject
    reminded = Invitation.objects.get(pk=invited["Trần Thị B"].pk)
    assert reminded.send_count == 2 and reminded.sent_at < reminded.last_sent_at
    # Third and last sending (SURVEY_MAX_SENDS = 3 by default), then no more.
    Invitation.objects.update(last_sent_at=two_days_ago)
    assert send_invitations(campaign, actor=world.tuan, via="email", reminder=True).sent == 1
    Invitation.objects.update(last_sent_at=two_days_ago)
    assert send_invitations(campaign, actor=world.tuan, via="email", reminder=True).sent == 0
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="surveys.invitations.reminded").count() == 2


def test_phones_go_to_a_hand_off_file_for_the_sms_gateway(
    world: Any, campaign: Any, invited: dict[str, Invitation]
) -> None:
    report = send_invitations(campaign, actor=world.tuan, via="sms")
    rows = list(csv.reader(io.StringIO(report.csv_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["Điện thoại", "Nội dung", "Số phiếu"]
    by_phone = {r[0]: r for r in rows[1:]}
    # Contacts with an e-mail get an e-mail; the one with neither is not in the file.
    assert sorted(by_phone) == ["0912345678", "0987654321"]
    c = invited["Lê Văn C"]
    assert f"https://chiso.gialai.gov.vn/khao-sat/{c.token}/" in by_phone["0912345678"][1]
    assert "Sở Tư pháp" in by_phone["0912345678"][1]
    assert by_phone["0912345678"][2] == c.form_number
    assert Invitation.objects.get(pk=c.pk).sent_via == "sms"
    assert send_invitations(campaign, actor=world.tuan, via="sms").sent == 0
    assert mail.outbox == []
    # Two days later, a reminder file with the same links and a reminder's wording.
    Invitation.objects.update(last_sent_at=timezone.now() - datetime.timedelta(days=2))
    reminder = send_invitations(campaign, actor=world.tuan, via="sms", reminder=True)
    assert [h.phone for h in reminder.handoff] == ["0912345678", "0987654321"]
    assert c.token in reminder.handoff[0].message
    assert reminder.handoff[0].message != by_phone["0912345678"][1]


def test_large_runs_leave_in_batches_and_stop_at_the_limit(
    world: Any, campaign: Any, invited: dict[str, Invitation], settings: Any
) -> None:
    settings.SURVEY_SEND_BATCH = 1
    settings.SURVEY_SEND_LIMIT = 1
    first = send_invitations(campaign, actor=world.tuan, via="email")
    assert (first.sent, first.left, len(mail.outbox)) == (1, 1, 1)
    second = send_invitations(campaign, actor=world.tuan, via="email")
    assert (second.sent, second.left, len(mail.outbox)) == (1, 0, 2)
    assert mail.outbox[0].to != mail.outbox[1].to


class FlakyMailServer(EmailBackend):
    """A mail server that refuses addresses at refused.example and is down for down.example."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            if message.to[0].endswith("@refused.example"):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
            if message.to[0].endswith("@down.example"):
                raise smtplib.SMTPServerDisconnected("connection lost")
        return super().send_messages(email_messages)


def test_a_refused_address_is_skipped_and_a_mail_server_failure_stops_the_run(
    world: Any, campaign: Any, invited: dict[str, Invitation], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "tests.surveys.test_sending.FlakyMailServer"
    Contact.objects.filter(email="a@example.vn").update(email="a@refused.example")
    report = send_invitations(campaign, actor=world.tuan, via="email")
    assert (report.sent, report.refused, report.left, report.failed) == (1, 1, 1, False)
    assert [m.to for m in mail.outbox] == [["b@example.vn"]]
    assert Invitation.objects.get(pk=invited["Nguyễn Văn A"].pk).sent_at is None

    Contact.objects.filter(email="a@refused.example").update(email="a@down.example")
    failed = send_invitations(campaign, actor=world.tuan, via="email")
    assert (failed.sent, failed.failed, failed.left) == (0, True, 1)
    event = AuditEvent.objects.filter(action="surveys.invitations.sent").latest("pk")
    assert event.data["failed"] is True and "down.example" not in json.dumps(event.data)
    # Once the server is back, the invitation left behind goes, and only it.
    Contact.objects.filter(email="a@down.example").update(email="a@example.vn")
    assert send_invitations(campaign, actor=world.tuan, via="email").sent == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.vn", "b@example.vn"]


def test_the_audit_row_has_counts_and_no_contact_data(
    world: Any, campaign: Any, invited: dict[str, Invitation]
) -> None:
    send_invitations(campaign, actor=world.tuan, via="email")
    event = AuditEvent.objects.get(action="surveys.invitations.sent")
    assert event.data == {"via": "email", "count": 2, "left": 0, "refused": 0, "failed": False}


def test_nothing_is_sent_unless_the_campaign_collects_answers(
    world: Any, campaign: Any, invited: dict[str, Invitation]
) -> None:
    close_campaign(campaign, actor=world.tuan)
    with pytest.raises(SurveyError):
        send_invitations(campaign, actor=world.tuan, via="email")
    assert mail.outbox == []


# -- the page and the CLI ---------------------------------------------------------------------

MATRIX = {"tuan": 200, "lan": 403, "nam": 403, "minh": 403, "hanh": 403, "mai": 403, "khach": 403}


@pytest.mark.parametrize("name", MATRIX)
def test_who_may_send_and_download_the_hand_off_file(
    world: Any, campaign: Any, invited: dict[str, Invitation], name: str
) -> None:
    client = Client()
    assert client.login(username=name, password=PASSWORD)
    url = f"/surveys/{campaign.pk}/send/"
    page = client.get(url)
    assert page.status_code == MATRIX[name]
    handoff = client.post(url, {"via": "sms"})
    emails = client.post(url, {"via": "email"})
    if name == "tuan":
        assert page.content.decode().count("disabled") == 2  # no reminder is due yet
        assert handoff.status_code == 200
        assert handoff["Content-Disposition"].startswith("attachment;")
        assert handoff["Content-Type"].startswith("text/csv")
        assert "0912345678" in handoff.content.decode("utf-8-sig")
        assert emails.status_code == 302 and len(mail.outbox) == 2
    else:
        assert (handoff.status_code, emails.status_code) == (403, 403)
        assert mail.outbox == []
        assert not Invitation.objects.filter(sent_at__isnull=False).exists()


def test_the_page_counts_what_waits_and_what_was_sent(
    world: Any, campaign: Any, invited: dict[str, Invitation]
) -> None:
    client = Client()
    client.login(username="tuan", password=PASSWORD)
    url = f"/surveys/{campaign.pk}/send/"
    client.post(url, {"via": "email"})
    page = client.get(url)
    html = page.content.decode()
    assert "Công ty E" not in html and "a@example.vn" not in html
    cells = [
        row
        for row in page.context["rows"]
        if row["via"] == "email"  # waiting, sent, answered, can be reminded
    ][0]
    assert (cells["waiting"], cells["sent"], cells["answered"], cells["remindable"]) == (
        0,
        2,
        0,
        0,
    )
    assert page.context["unreachable"] == 1


def test_the_cli_sends_e_mails_and_writes_the_hand_off_file(
    world: Any, campaign: Any, invited: dict[str, Invitation], tmp_path: Path
) -> None:
    out = StringIO()
    call_command("survey", "send-invitations", "--campaign", str(campaign.pk), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert (report["emailed"], report["phones_waiting"]) == (2, 2)
    target = tmp_path / "sms.csv"
    out = StringIO()
    call_command(
        "survey",
        "send-invitations",
        "--campaign",
        str(campaign.pk),
        "--sms-file",
        str(target),
        "--json",
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert (report["emailed"], report["handed_off"]) == (0, 2)
    assert "0987654321" in target.read_text(encoding="utf-8-sig")
    assert len(mail.outbox) == 2
