"""Campaigns: creating them, quotas, opening and closing (closing writes the facts)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.org.models import Agency
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.models import Campaign, Channel, Group, Questionnaire, Quota


@transaction.atomic
def create_campaign(
    *,
    actor: Any,
    year: int,
    name: str,
    questionnaires: Iterable[Questionnaire],
    agencies: Iterable[Agency],
    margin: Decimal = Decimal("0.05"),
    min_cell: int = 5,
    no_opinion: str = "exclude",
    seed: int = 2024,
    open_questionnaire: Questionnaire | None = None,
) -> Campaign:
    """A campaign being prepared; only published questionnaires may be used."""
    require_reform_office(actor)
    questionnaires = list(questionnaires)
    if not questionnaires or any(
        q.status != Questionnaire.Status.PUBLISHED for q in questionnaires
    ):
        raise SurveyError(_("A campaign needs at least one published questionnaire."))
    if open_questionnaire is not None and open_questionnaire not in questionnaires:
        raise SurveyError(_("The open link must use one of the campaign's questionnaires."))
    if not Decimal("0.01") <= margin <= Decimal("0.2"):
        raise SurveyError(_("The margin of error must lie between 0.01 and 0.2."))
    campaign = Campaign.objects.create(
        year=year,
        name=name,
        margin=margin,
        min_cell=min_cell,
        no_opinion=no_opinion,
        seed=seed,
        open_questionnaire=open_questionnaire,
    )
    campaign.questionnaires.set(questionnaires)
    campaign.agencies.set(list(agencies))
    record(
        "surveys.campaign.created",
        actor=actor,
        obj=campaign,
        data={"year": year, "questionnaires": [str(q) for q in questionnaires]},
    )
    return campaign


@transaction.atomic
def set_quota(
    campaign: Campaign, *, actor: Any, agency: Agency, group: str, channel: str, target: int
) -> Quota:
    """Create or change the target of one agency × group × channel cell."""
    require_reform_office(actor)
    if campaign.status == Campaign.Status.CLOSED:
        raise SurveyError(_("The campaign is closed."))
    if not campaign.agencies.filter(pk=agency.pk).exists():
        raise SurveyError(
            _("%(agency)s is not evaluated in this campaign.") % {"agency": agency.name}
        )
    if group not in Group.values or channel not in Channel.values or target < 0:
        raise SurveyError(_("Unknown respondent group or channel, or a negative target."))
    quota = Quota.objects.filter(
        campaign=campaign, agency=agency, group=group, channel=channel
    ).first()
    old = quota.target if quota else None
    if quota is None:
        quota = Quota.objects.create(
            campaign=campaign, agency=agency, group=group, channel=channel, target=target
        )
    else:
        quota.target = target
        quota.save(update_fields=["target"])
    record(
        "surveys.quota.set",
        actor=actor,
        obj=campaign,
        agency_id=agency.pk,
        data={"cell": [agency.code, group, channel], "old": old, "new": target},
    )
    return quota


@transaction.atomic
def open_campaign(campaign: Campaign, *, actor: Any) -> None:
    """Start collecting; the open link (if any) gets its unguessable code."""
    require_reform_office(actor)
    if campaign.status != Campaign.Status.DRAFT:
        raise SurveyError(_("Only a campaign being prepared can be opened."))
    campaign.status = Campaign.Status.OPEN
    if campaign.open_questionnaire_id and not campaign.open_code:
        campaign.open_code = secrets.token_urlsafe(9)
    campaign.save(update_fields=["status", "open_code"])
    record(
        "surveys.campaign.opened",
        actor=actor,
        obj=campaign,
        data={"old": {"status": "draft"}, "new": {"status": "open"}},
    )


@transaction.atomic
def close_campaign(campaign: Campaign, *, actor: Any) -> dict[str, Any]:
    """Stop collecting and write every agency's survey indices as facts of the campaign's year
    through the facts import (same checks, one audit row per changed fact), so survey-rule
    items of the evaluation read them. Returns the facts import report as a dict."""
    from chiso.surveys.results import facts_table, write_facts

    require_reform_office(actor)
    if campaign.status != Campaign.Status.OPEN:
        raise SurveyError(_("Only a campaign that is collecting answers can be closed."))
    campaign.status, campaign.closed_at = Campaign.Status.CLOSED, timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    rows = facts_table(campaign)
    report = write_facts(campaign, rows, actor=actor)
    record(
        "surveys.campaign.closed",
        actor=actor,
        obj=campaign,
        data={"old": {"status": "open"}, "new": {"status": "closed"}, "facts": len(rows)},
    )
    return report
