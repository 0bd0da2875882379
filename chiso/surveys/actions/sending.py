"""Sending invitation links to the contacts of a campaign (issue 5): by e-mail through Django's
mail backend, or as a hand-off file (CSV: phone, message) for the province's SMS/Zalo gateway,
since chiso has no gateway of its own.

A contact with an e-mail address gets an e-mail; one with only a phone goes into the hand-off
file. Each invitation records when and how it was sent and is never sent twice, unless a
*reminder* is asked for: reminders go only to those who have not sent their answers, at most
``SURVEY_MAX_SENDS`` times in all (first sending included) and not twice within
``SURVEY_REMINDER_GAP_HOURS``. E-mails leave in batches of ``SURVEY_SEND_BATCH`` with a pause
of ``SURVEY_SEND_PAUSE`` seconds between batches, at most ``SURVEY_SEND_LIMIT`` per run (the
next run continues where this one stopped), so that the province's mail server is not flooded.

Contact data never reaches the audit trail: its row carries counts only.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import smtplib
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.org.tabular import guard_formula
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.models import Campaign, Channel, Invitation, Response, SentVia

log = logging.getLogger(__name__)

HANDOFF_COLUMNS = ("Điện thoại", "Nội dung", "Số phiếu")


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def invitation_link(invitation: Invitation) -> str:
    """The public form of the invitation, on the address the province publishes."""
    path = reverse("survey_form:fill", args=[invitation.token])
    return f"{settings.CHISO_BASE_URL.rstrip('/')}{path}"


@dataclass
class HandOff:
    """One line of the SMS/Zalo hand-off file."""

    phone: str
    message: str
    form_number: str


@dataclass
class SendReport:
    via: str
    reminder: bool
    sent: int = 0
    handoff: list[HandOff] = field(default_factory=list)
    left: int = 0  # still waiting after this run (the per-run limit, or a mail failure)
    refused: int = 0  # addresses the mail server refused: they stay waiting, the run goes on
    failed: bool = False  # the mail server failed: the run stopped

    def csv_bytes(self) -> bytes:
        """The hand-off file: UTF-8 with a byte-order mark, so that a spreadsheet opens the
        Vietnamese text correctly."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HANDOFF_COLUMNS)
        # The message starts with the campaign's name, typed by a user: guarded against
        # formula injection like every export (chiso/org/tabular.py).
        writer.writerows(
            [guard_formula(cell) for cell in (h.phone, h.message, h.form_number)]
            for h in self.handoff
        )
        return ("\ufeff" + out.getvalue()).encode()


def waiting(campaign: Campaign, *, via: str, reminder: bool, now: datetime.datetime) -> QuerySet:
    """The online invitations that a run would send, in form-number order.

    E-mail goes to contacts with an address; the hand-off file to contacts with a phone and no
    address. A reminder goes to those already sent the same way, not yet answered, below the
    count limit and not sent within the gap."""
    rows = Invitation.objects.filter(
        campaign=campaign, channel=Channel.ONLINE, contact__isnull=False
    ).exclude(response__status=Response.Status.SUBMITTED)
    has_email = Q(contact__email__contains="@")
    if via == SentVia.EMAIL:
        rows = rows.filter(has_email)
    else:
        rows = rows.exclude(has_email).exclude(contact__phone="")
    if reminder:
        gap = datetime.timedelta(hours=_setting("SURVEY_REMINDER_GAP_HOURS", 24))
        rows = rows.filter(
            sent_via=via,
            send_count__lt=int(_setting("SURVEY_MAX_SENDS", 3)),
            last_sent_at__lte=now - gap,
        )
    else:
        rows = rows.filter(sent_at__isnull=True)
    return rows.select_related("contact", "agency", "campaign").order_by("form_number")


def _context(invitation: Invitation, reminder: bool) -> dict[str, Any]:
    return {
        "campaign": invitation.campaign.name,
        "agency": invitation.agency.name,
        "link": invitation_link(invitation),
        "reminder": reminder,
    }


def _email(invitation: Invitation, reminder: bool, connection: Any) -> EmailMultiAlternatives:
    context = _context(invitation, reminder)
    subject = (
        _("Reminder: %(campaign)s") if reminder else _("Invitation to the survey %(campaign)s")
    ) % context
    message = EmailMultiAlternatives(
        subject,
        render_to_string("surveys/email/invitation.txt", context),
        None,
        [invitation.contact.email.strip()],  # type: ignore[union-attr]
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("surveys/email/invitation.html", context), "text/html"
    )
    return message


def sms_text(invitation: Invitation, reminder: bool) -> str:
    context = _context(invitation, reminder)
    if reminder:
        text = _("Reminder from %(campaign)s: your opinion of %(agency)s counts, at %(link)s")
    else:
        text = _(
            "%(campaign)s: please give your opinion of the service of %(agency)s at %(link)s "
            "(one answer per link)"
        )
    return text % context


def _mark(invitation: Invitation, via: str, now: datetime.datetime) -> None:
    invitation.sent_via = via
    invitation.sent_at = invitation.sent_at or now
    invitation.last_sent_at = now
    invitation.send_count += 1


def _send_emails(rows: list[Invitation], report: SendReport, now: datetime.datetime) -> None:
    batch = max(int(_setting("SURVEY_SEND_BATCH", 50)), 1)
    pause = _setting("SURVEY_SEND_PAUSE", 1)
    for start in range(0, len(rows), batch):
        if start:
            time.sleep(pause)
        done: list[Invitation] = []
        try:
            with get_connection() as connection:
                for invitation in rows[start : start + batch]:
                    # One message at a time: we must know exactly which left when one fails.
                    try:
                        _email(invitation, report.reminder, connection).send()
                    except (smtplib.SMTPRecipientsRefused, ValueError):
                        # One bad address (or one Django rejects) must not block the others.
                        report.refused += 1
                        continue
                    _mark(invitation, SentVia.EMAIL, now)
                    done.append(invitation)
        except OSError:  # smtplib's errors are OSErrors; the address is not logged
            log.exception("survey invitations: the mail server failed after %s", len(done))
            report.failed = True
        finally:
            Invitation.objects.bulk_update(
                done, ["sent_via", "sent_at", "last_sent_at", "send_count"]
            )
            report.sent += len(done)
        if report.failed:
            return


@transaction.atomic
def send_invitations(
    campaign: Campaign, *, actor: Any, via: str, reminder: bool = False
) -> SendReport:
    """Send the campaign's waiting invitations ``via`` e-mail, or list them in the SMS/Zalo
    hand-off file (``report.csv_bytes()``), and record it on each invitation.

    With ``reminder``, send again to those who have not answered (see :func:`waiting`).
    Only while the campaign collects answers: a link must lead to a form that accepts them."""
    require_reform_office(actor)
    # Lock the campaign: two runs at once would both send the same invitations.
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.OPEN:
        raise SurveyError(_("Invitations are sent only while the campaign collects answers."))
    if via not in SentVia.values:
        raise SurveyError(_("Send by e-mail or by the SMS/Zalo hand-off file."))
    now = timezone.now()
    candidates = waiting(campaign, via=via, reminder=reminder, now=now)
    total = candidates.count()
    rows = list(candidates[: int(_setting("SURVEY_SEND_LIMIT", 500))])
    report = SendReport(via=via, reminder=reminder)
    # The respondents read Vietnamese whatever language the sender's screen is in.
    with translation.override("vi"):
        if via == SentVia.EMAIL:
            _send_emails(rows, report, now)
        else:
            for invitation in rows:
                phone = invitation.contact.phone
                report.handoff.append(
                    HandOff(phone, sms_text(invitation, reminder), invitation.form_number)
                )
                _mark(invitation, SentVia.SMS, now)
            Invitation.objects.bulk_update(
                rows, ["sent_via", "sent_at", "last_sent_at", "send_count"]
            )
            report.sent = len(rows)
    report.left = total - report.sent
    if report.sent or report.failed or report.refused:
        record(
            "surveys.invitations.reminded" if reminder else "surveys.invitations.sent",
            actor=actor,
            obj=campaign,
            data={
                "via": via,
                "count": report.sent,
                "left": report.left,
                "refused": report.refused,
                "failed": report.failed,
            },
        )
    return report
