"""Sample frames and invitations: contact lists imported from XLSX/CSV, seeded draws, forms.

Contacts are personal data: they are read only by the reform office's own screens and by the
post office's printing; answers never point back to them (models.py).
"""

from __future__ import annotations

import random
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.org.columns import Column, Problem, Sheet
from chiso.org.models import Agency
from chiso.org.tabular import TableError, read_table
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.models import Campaign, Channel, Contact, Group, Invitation, Questionnaire

CONTACT_COLUMNS = (
    Column("agency", "Mã cơ quan", "Agency code", required=True),
    Column("group", "Nhóm đối tượng", "Respondent group", required=True),
    Column("full_name", "Họ và tên", "Full name", required=True),
    Column("phone", "Điện thoại", "Phone"),
    Column("email", "Thư điện tử", "E-mail"),
    Column("address", "Địa chỉ", "Address"),
)


# What people write in a contact list's group column, besides the codes.
GROUP_ALIASES = {
    "người dân": Group.CITIZEN,
    "công dân": Group.CITIZEN,
    "tổ chức": Group.ORGANISATION,
    "doanh nghiệp": Group.ORGANISATION,
    "tổ chức, doanh nghiệp": Group.ORGANISATION,
    "đại biểu hđnd": Group.COUNCIL_DELEGATE,
    "đại biểu hội đồng nhân dân": Group.COUNCIL_DELEGATE,
    "lãnh đạo cơ quan": Group.AGENCY_LEADER,
    "lãnh đạo xã": Group.COMMUNE_LEADER,
    "lãnh đạo ubnd xã": Group.COMMUNE_LEADER,
    "công chức": Group.CIVIL_SERVANT,
    "cán bộ, công chức": Group.CIVIL_SERVANT,
}


def group_code(text: str) -> str | None:
    """A respondent group from its code, a Vietnamese name (GROUP_ALIASES) or its label."""
    wanted = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    if wanted in Group.values:
        return wanted
    if wanted in GROUP_ALIASES:
        return str(GROUP_ALIASES[wanted])
    return next((v for v, label in Group.choices if str(label).casefold() == wanted), None)


def agency_and_group(row: Any, agencies: dict[str, Agency]) -> tuple[Agency | None, str | None]:
    """The campaign agency (column ``agency``) and respondent group (column ``group``) of an
    imported row, each problem noted on the row; shared by contacts, responses and quotas."""
    code = row.code("agency", required=True)
    agency = agencies.get(code)
    if code and agency is None:
        row.problem("agency", _("'%(code)s' is not an agency of this campaign") % {"code": code})
    raw_group = row.text("group", 60, required=True)
    group = group_code(raw_group)
    if raw_group and group is None:
        row.problem("group", _("unknown respondent group '%(g)s'") % {"g": raw_group})
    return agency, group


@dataclass
class ContactImport:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@transaction.atomic
def import_contacts(
    campaign: Campaign, data: bytes, *, actor: Any, filename: str = "", lang: str = "vi"
) -> ContactImport:
    """Check every row, then add the contacts; a file with any problem adds nothing."""
    require_reform_office(actor)
    try:
        table = read_table(data, filename)
    except TableError as error:
        return ContactImport([Problem.make(None, "", str(error))])
    sheet = Sheet(table, CONTACT_COLUMNS, lang)
    if sheet.problems:
        return ContactImport(sheet.problems)
    agencies = {a.code: a for a in campaign.agencies.all()}
    rows: list[Contact] = []
    for row in sheet.rows():
        agency, group = agency_and_group(row, agencies)
        name = row.text("full_name", 200, required=True)
        phone, email = row.text("phone", 30), row.text("email", 200)
        address = row.text("address", 300)
        if agency is not None and group is not None and name:
            rows.append(
                Contact(
                    campaign=campaign,
                    agency=agency,
                    group=group,
                    full_name=name,
                    phone=phone,
                    email=email,
                    address=address,
                    source=filename[:255],
                    line=row.line,
                )
            )
    report = ContactImport(sheet.problems)
    if report.ok:
        Contact.objects.bulk_create(rows)
        report.created = len(rows)
        record(
            "surveys.contacts.imported",
            actor=actor,
            obj=campaign,
            data={"file": filename, "created": len(rows)},
        )
    return report


def _next_numbers(campaign: Campaign, agency: Agency, count: int) -> list[str]:
    prefix = f"K{campaign.pk}-{agency.pk}-"
    last = (
        Invitation.objects.filter(campaign=campaign, agency=agency).aggregate(Max("form_number"))[
            "form_number__max"
        ]
        or ""
    )
    start = int(last.rsplit("-", 1)[1]) + 1 if last.startswith(prefix) else 1
    return [f"{prefix}{n:05d}" for n in range(start, start + count)]


def parse_form_number(number: str) -> tuple[int, int] | None:
    """(campaign id, agency id) encoded in a form number ``K<c>-<a>-<n>``, or None."""
    parts = number.strip().upper().removeprefix("K").split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def _check_questionnaire(campaign: Campaign, questionnaire: Questionnaire) -> None:
    if not campaign.questionnaires.filter(pk=questionnaire.pk).exists():
        raise SurveyError(_("The questionnaire is not one of the campaign's."))


@transaction.atomic
def issue_invitations(
    campaign: Campaign,
    *,
    actor: Any,
    agency: Agency,
    group: str,
    channel: str,
    count: int,
    questionnaire: Questionnaire,
    contacts: list[Contact] | None = None,
) -> list[Invitation]:
    """``count`` new invitations (links or numbered paper forms) for one cell, tied to
    ``contacts`` when given (one each)."""
    require_reform_office(actor)
    if campaign.status == Campaign.Status.CLOSED:
        raise SurveyError(_("The campaign is closed."))
    if not campaign.agencies.filter(pk=agency.pk).exists():
        raise SurveyError(
            _("%(agency)s is not evaluated in this campaign.") % {"agency": agency.name}
        )
    if channel not in Channel.values or group not in Group.values or not 0 < count <= 5000:
        raise SurveyError(_("Give a channel, a respondent group and 1 to 5000 invitations."))
    _check_questionnaire(campaign, questionnaire)
    people: list[Contact | None] = list(contacts) if contacts is not None else [None] * count
    invitations = [
        Invitation(
            campaign=campaign,
            questionnaire=questionnaire,
            agency=agency,
            group=group,
            channel=channel,
            token=secrets.token_urlsafe(18),
            form_number=number,
            contact=person,
        )
        for number, person in zip(_next_numbers(campaign, agency, count), people, strict=True)
    ]
    Invitation.objects.bulk_create(invitations)
    record(
        "surveys.invitations.issued",
        actor=actor,
        obj=campaign,
        agency_id=agency.pk,
        data={"group": group, "channel": channel, "count": count, "drawn": contacts is not None},
    )
    return invitations


@transaction.atomic
def draw_sample(
    campaign: Campaign,
    *,
    actor: Any,
    agency: Agency,
    group: str,
    channel: str,
    count: int,
    questionnaire: Questionnaire,
) -> list[Invitation]:
    """Draw ``count`` contacts at random among those of the cell not yet invited and invite
    them. The draw is seeded with the campaign's seed, the agency, the group and how many were
    already drawn, so the same frame and seed always give the same people."""
    require_reform_office(actor)
    frame = list(
        Contact.objects.filter(
            campaign=campaign, agency=agency, group=group, invitation=None
        ).order_by("pk")
    )
    if count > len(frame):
        raise SurveyError(
            _("Only %(n)s contacts of this group are left to draw from.") % {"n": len(frame)}
        )
    drawn_before = Contact.objects.filter(
        campaign=campaign, agency=agency, group=group, invitation__isnull=False
    ).count()
    rng = random.Random(f"{campaign.seed}:{agency.code}:{group}:{drawn_before}")
    chosen = sorted(rng.sample(frame, count), key=lambda c: c.pk)
    return issue_invitations(
        campaign,
        actor=actor,
        agency=agency,
        group=group,
        channel=channel,
        count=count,
        questionnaire=questionnaire,
        contacts=chosen,
    )
