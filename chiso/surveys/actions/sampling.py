"""Sample frames drawn from dossier applicants (issue 5): the people who lodged a dossier with
an agency during a period, reached by phone or e-mail, drawn at random but reproducibly.

Strata: each campaign agency × the two groups a dossier's applicant can belong to (citizens,
organisations). Each stratum is its own population, so that the per-group indices of the
results page reach the campaign's margin of error (our inference from sipas.md §4, which gives
the formula for one population).

How many per stratum: ``per_cell`` when given, else the target of the online quota of the cell,
else the suggested ``n = N / (1 + N·e²)`` (sipas.md §4 [V4]) with N the number of the agency's
dossiers of the period lodged by that group. Contacts already invited online in the cell count
towards it, so a second run of the same draw adds nobody.

Reproducible: the frame is sorted by dossier code (never by database order) and the generator
is seeded with the campaign's seed, the agency, the group, the period and how many were already
invited; the same seed and the same dossiers always give the same people.

Privacy: contacts land in :class:`~chiso.surveys.models.Contact` (reform office only); the
audit row carries counts, never a name, phone or address.
"""

from __future__ import annotations

import datetime
import random
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.dossiers.models import Applicant, Dossier
from chiso.dossiers.workcalendar import aware
from chiso.org.models import Agency
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.actions.samples import issue_invitations
from chiso.surveys.indices import sample_size
from chiso.surveys.models import Campaign, Channel, Contact, Group, Invitation, Questionnaire, Quota

# The applicant types of a dossier (LoaiDoiTuong) and the respondent groups they answer as.
GROUP_OF_KIND = {
    Applicant.Kind.CITIZEN: Group.CITIZEN,
    Applicant.Kind.ORGANISATION: Group.ORGANISATION,
}


def phone_key(phone: str) -> str:
    """The digits of a Vietnamese phone number in national form (``+84 912…`` → ``0912…``),
    or "" when too short to call."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    return digits if len(digits) >= 9 else ""


def email_key(email: str) -> str:
    """The address in one case, or "" when it is not one (or too long for a contact)."""
    text = email.strip().casefold()
    return text if "@" in text and len(text) <= 200 else ""


def _keys(phone: str, email: str) -> set[str]:
    """What makes two applicants the same person: the same phone or the same e-mail."""
    keys = {email_key(email)}
    if phone_key(phone):
        keys.add("tel:" + phone_key(phone))
    return keys - {""}


@dataclass
class Stratum:
    """One agency × group of a dossier draw: the figures the page shows with the formula."""

    agency: Agency
    group: str
    population: int  # N: dossiers of the period lodged by this group
    suggested: int  # n = N / (1 + N·e²)
    quota: int | None  # target of the online quota of the cell, if any
    wanted: int  # per_cell, else the quota, else the suggestion
    already: int  # online invitations of the cell that have a contact
    reachable: int  # distinct applicants with a phone or e-mail, not yet contacts
    drawn: int = 0

    @property
    def group_label(self) -> str:
        return str(Group(self.group).label)

    @property
    def to_draw(self) -> int:
        return min(max(self.wanted - self.already, 0), self.reachable)

    @property
    def short(self) -> int:
        """How many the frame lacks to reach what is wanted."""
        return max(self.wanted - self.already, 0) - self.to_draw


@dataclass
class DossierDraw:
    first: datetime.date
    last: datetime.date
    strata: list[Stratum] = field(default_factory=list)

    @property
    def drawn(self) -> int:
        return sum(s.drawn for s in self.strata)


@dataclass
class _Frame:
    stratum: Stratum
    people: list[dict[str, Any]]  # applicant values, sorted by dossier code, one per person


def received_within(first: datetime.date, last: datetime.date, prefix: str = "") -> Q:
    """Dossiers received from local day ``first`` to local day ``last`` inclusive, as a half-open
    range on the stored instant: local midnight of ``first`` <= received_at < local midnight of
    the day after ``last`` (Asia/Ho_Chi_Minh). ``prefix`` reaches the dossier through a relation
    (``"dossier__"``).

    Same rows as ``received_at__date__range``, but that wraps the column in a time-zone
    conversion: PostgreSQL can then use no index on received_at, and with no statistics on
    the expression it guesses the row count (0.5 %) when choosing the join."""
    bounds = Q()
    # A bound at the edge of the calendar (year 1 or 9999) would not fit a datetime once moved
    # to UTC; nothing is stored beyond it anyway.
    if first > datetime.date.min:
        bounds &= Q(**{f"{prefix}received_at__gte": _local_midnight(first)})
    if last < datetime.date.max:
        end = last + datetime.timedelta(days=1)
        bounds &= Q(**{f"{prefix}received_at__lt": _local_midnight(end)})
    return bounds


def received_in_year(year: int) -> Q:
    """Dossiers received during the local calendar year ``year`` (see :func:`received_within`)."""
    return received_within(datetime.date(year, 1, 1), datetime.date(year, 12, 31))


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return aware(datetime.datetime.combine(day, datetime.time.min))


def _applicants(agency: Agency, kind: int, first: datetime.date, last: datetime.date) -> Any:
    return Applicant.objects.filter(
        received_within(first, last, "dossier__"), dossier__agency=agency, kind=kind
    )


def _frames(
    campaign: Campaign,
    first: datetime.date,
    last: datetime.date,
    per_cell: int | None,
) -> list[_Frame]:
    frames = []
    quotas = {
        (q.agency_id, q.group): q.target
        for q in Quota.objects.filter(campaign=campaign, channel=Channel.ONLINE)
    }
    for agency in campaign.agencies.order_by("code"):
        # Anyone already a contact of this agency in the campaign is not drawn again.
        seen: set[str] = set()
        for phone, email in Contact.objects.filter(campaign=campaign, agency=agency).values_list(
            "phone", "email"
        ):
            seen |= _keys(phone, email)
        for kind, group in GROUP_OF_KIND.items():
            population = Dossier.objects.filter(
                received_within(first, last), agency=agency, applicant__kind=kind
            ).count()
            rows = sorted(
                _applicants(agency, kind, first, last).values(
                    "name", "phone", "email", "address", "dossier__code"
                ),
                key=lambda r: r["dossier__code"],
            )
            # Greedy over dossier codes: the earliest dossier stands for the person, and a person
            # seen among the citizens is not in the organisations' frame again.
            people = []
            for row in rows:
                keys = _keys(row["phone"], row["email"])
                if keys and not keys & seen:
                    people.append(row)
                seen |= keys
            suggested = sample_size(population, campaign.margin)
            quota = quotas.get((agency.pk, group))
            wanted = per_cell if per_cell is not None else quota if quota is not None else suggested
            already = Invitation.objects.filter(
                campaign=campaign,
                agency=agency,
                group=group,
                channel=Channel.ONLINE,
                contact__isnull=False,
            ).count()
            stratum = Stratum(
                agency, group, population, suggested, quota, wanted, already, len(people)
            )
            frames.append(_Frame(stratum, people))
    return frames


def _check_period(first: datetime.date, last: datetime.date) -> None:
    if last < first:
        raise SurveyError(_("The period ends before it starts."))


def plan_dossier_draw(
    campaign: Campaign,
    *,
    period_first: datetime.date,
    period_last: datetime.date,
    per_cell: int | None = None,
) -> DossierDraw:
    """What :func:`draw_from_dossiers` would draw, per stratum, without writing anything."""
    _check_period(period_first, period_last)
    frames = _frames(campaign, period_first, period_last, per_cell)
    return DossierDraw(period_first, period_last, [f.stratum for f in frames])


def _questionnaire(campaign: Campaign, questionnaire: Questionnaire | None) -> Questionnaire:
    """The given questionnaire, else the open link's (the one meant for the public), else the
    campaign's first."""
    found = (
        questionnaire
        or campaign.open_questionnaire
        or campaign.questionnaires.order_by("pk").first()
    )
    if found is None:
        raise SurveyError(_("The campaign has no questionnaire."))
    return found


@transaction.atomic
def draw_from_dossiers(
    campaign: Campaign,
    *,
    period_first: datetime.date,
    period_last: datetime.date,
    actor: Any,
    per_cell: int | None = None,
    questionnaire: Questionnaire | None = None,
) -> DossierDraw:
    """Draw contacts among the applicants of each campaign agency's dossiers received from
    ``period_first`` to ``period_last`` (inclusive) and give each an online invitation.

    One contact per distinct person (same phone or e-mail counts once, the earliest dossier
    code kept); applicants with neither are skipped. Refused for a closed campaign."""
    require_reform_office(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status == Campaign.Status.CLOSED:
        raise SurveyError(_("The campaign is closed."))
    if per_cell is not None and not 0 <= per_cell <= 5000:
        raise SurveyError(_("Give 0 to 5000 people per agency and group."))
    _check_period(period_first, period_last)
    chosen_questionnaire = _questionnaire(campaign, questionnaire)
    # Stored data in the province's language, like the facts' source (results.py).
    source = f"Hồ sơ TTHC {period_first:%d/%m/%Y}–{period_last:%d/%m/%Y}"
    draw = DossierDraw(period_first, period_last)
    for frame in _frames(campaign, period_first, period_last, per_cell):
        stratum = frame.stratum
        draw.strata.append(stratum)
        if not stratum.to_draw:
            continue
        rng = random.Random(
            f"{campaign.seed}:{stratum.agency.code}:{stratum.group}:"
            f"{period_first.isoformat()}:{period_last.isoformat()}:{stratum.already}"
        )
        picked = sorted(rng.sample(frame.people, stratum.to_draw), key=lambda r: r["dossier__code"])
        contacts = Contact.objects.bulk_create(
            [
                Contact(
                    campaign=campaign,
                    agency=stratum.agency,
                    group=stratum.group,
                    full_name=(row["name"] or "—")[:200],
                    phone=phone_key(row["phone"]),
                    email=row["email"].strip() if email_key(row["email"]) else "",
                    address=row["address"][:300],
                    source=source[:255],
                )
                for row in picked
            ]
        )
        issue_invitations(
            campaign,
            actor=actor,
            agency=stratum.agency,
            group=stratum.group,
            channel=Channel.ONLINE,
            count=len(contacts),
            questionnaire=chosen_questionnaire,
            contacts=contacts,
        )
        stratum.drawn = len(contacts)
    record(
        "surveys.contacts.drawn_from_dossiers",
        actor=actor,
        obj=campaign,
        data={
            "from": period_first,
            "to": period_last,
            "drawn": draw.drawn,
            "strata": [
                {
                    "agency": s.agency.code,
                    "group": s.group,
                    "population": s.population,
                    "wanted": s.wanted,
                    "drawn": s.drawn,
                }
                for s in draw.strata
            ],
        },
    )
    return draw
