"""Campaigns: creating and editing them, quotas (one cell, a grid, a file), opening and
closing (closing writes the facts).

State rules: the settings (name, year, questionnaires, agencies, margin, smallest count,
"no opinion", seed, open link) change only while the campaign is being prepared, because
answers collected afterwards were read against them; quotas change until it closes (a quota
only steers collection and flags out-of-quota responses).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.org.columns import Column, Problem, Sheet
from chiso.org.models import Agency
from chiso.org.tabular import TableError, read_table
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.models import Campaign, Channel, Group, Questionnaire, Quota

NO_OPINION_CHOICES = ("exclude", "count")
QUOTA_COLUMNS = (
    Column("agency", "Mã cơ quan", "Agency code", required=True),
    Column("group", "Nhóm đối tượng", "Respondent group", required=True),
    Column("channel", "Kênh", "Channel", required=True),
    Column("target", "Chỉ tiêu", "Target", required=True),
)
Cell = tuple[int, str, str]  # (agency id, group, channel)


def _check_settings(
    *,
    year: int,
    name: str,
    questionnaires: list[Questionnaire],
    margin: Decimal,
    min_cell: int,
    no_opinion: str,
    open_questionnaire: Questionnaire | None,
) -> None:
    if not name.strip():
        raise SurveyError(_("A campaign needs a name."))
    if not 2000 <= year <= 2100:
        raise SurveyError(_("The year evaluated must lie between 2000 and 2100."))
    if not questionnaires or any(
        q.status != Questionnaire.Status.PUBLISHED for q in questionnaires
    ):
        raise SurveyError(_("A campaign needs at least one published questionnaire."))
    if open_questionnaire is not None and open_questionnaire not in questionnaires:
        raise SurveyError(_("The open link must use one of the campaign's questionnaires."))
    if not Decimal("0.01") <= margin <= Decimal("0.2"):
        raise SurveyError(_("The margin of error must lie between 0.01 and 0.2."))
    if min_cell < 1:
        raise SurveyError(_("The smallest count shown must be at least 1."))
    if no_opinion not in NO_OPINION_CHOICES:
        raise SurveyError(_("Unknown handling of 'no opinion' answers."))


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
    _check_settings(
        year=year,
        name=name,
        questionnaires=questionnaires,
        margin=margin,
        min_cell=min_cell,
        no_opinion=no_opinion,
        open_questionnaire=open_questionnaire,
    )
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


def _require_draft(campaign: Campaign) -> None:
    if campaign.status != Campaign.Status.DRAFT:
        raise SurveyError(
            _("Only a campaign being prepared can change its settings: answers already count.")
        )


@transaction.atomic
def update_campaign(
    campaign: Campaign,
    *,
    actor: Any,
    year: int,
    name: str,
    questionnaires: Iterable[Questionnaire],
    agencies: Iterable[Agency],
    margin: Decimal,
    min_cell: int,
    no_opinion: str,
    seed: int,
    open_questionnaire: Questionnaire | None = None,
) -> Campaign:
    """Change the settings of a campaign being prepared; one audit row with the old and new
    value of every changed setting. An agency taken out loses its quotas (listed in the
    audit row); one that already has contacts or invitations cannot be taken out."""
    require_reform_office(actor)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _require_draft(campaign)
    questionnaires, agencies = list(questionnaires), list(agencies)
    _check_settings(
        year=year,
        name=name,
        questionnaires=questionnaires,
        margin=margin,
        min_cell=min_cell,
        no_opinion=no_opinion,
        open_questionnaire=open_questionnaire,
    )
    removed = campaign.agencies.exclude(pk__in=[a.pk for a in agencies])
    busy = removed.filter(pk__in=campaign.contacts.values("agency")) | removed.filter(
        pk__in=campaign.invitations.values("agency")
    )
    kept = busy.order_by("name").first()
    if kept is not None:
        raise SurveyError(
            _("%(agency)s already has contacts or invitations in this campaign: keep it.")
            % {"agency": kept.name}
        )
    before = _settings_of(campaign)
    campaign.year, campaign.name, campaign.margin = year, name.strip(), margin
    campaign.min_cell, campaign.no_opinion, campaign.seed = min_cell, no_opinion, seed
    campaign.open_questionnaire = open_questionnaire
    campaign.save()
    campaign.questionnaires.set(questionnaires)
    dropped = [
        [q.agency.code, q.group, q.channel, q.target]
        for q in campaign.quotas.filter(agency__in=removed).select_related("agency")
    ]
    campaign.quotas.filter(agency__in=removed).delete()
    campaign.agencies.set(agencies)
    after = _settings_of(campaign)
    changed = [k for k in after if after[k] != before[k]]
    if changed or dropped:
        record(
            "surveys.campaign.changed",
            actor=actor,
            obj=campaign,
            data={
                "old": {k: before[k] for k in changed},
                "new": {k: after[k] for k in changed},
                "quotas_removed": dropped,
            },
        )
    return campaign


def _settings_of(campaign: Campaign) -> dict[str, Any]:
    """The settings as the audit trail stores them (codes, not ids)."""
    return {
        "year": campaign.year,
        "name": campaign.name,
        "margin": str(campaign.margin),
        "min_cell": campaign.min_cell,
        "no_opinion": campaign.no_opinion,
        "seed": campaign.seed,
        "open_questionnaire": str(campaign.open_questionnaire or ""),
        "questionnaires": sorted(str(q) for q in campaign.questionnaires.all()),
        "agencies": sorted(campaign.agencies.values_list("code", flat=True)),
    }


@transaction.atomic
def set_quotas(
    campaign: Campaign, *, actor: Any, targets: Mapping[Cell, int | None]
) -> dict[str, int]:
    """Save a grid of quotas at once: ``targets`` maps (agency id, group, channel) to a
    target, or None to remove that cell's quota. Unchanged cells are skipped; one audit row
    lists every changed cell with old → new. Returns the counts created/changed/removed."""
    require_reform_office(actor)
    if campaign.status == Campaign.Status.CLOSED:
        raise SurveyError(_("The campaign is closed."))
    agencies = {a.pk: a for a in campaign.agencies.all()}
    for (agency_id, group, channel), target in targets.items():
        if agency_id not in agencies:
            raise SurveyError(_("An agency of the grid is not evaluated in this campaign."))
        if group not in Group.values or channel not in Channel.values:
            raise SurveyError(_("Unknown respondent group or channel, or a negative target."))
        if target is not None and target < 0:
            raise SurveyError(_("Unknown respondent group or channel, or a negative target."))
    existing = {(q.agency_id, q.group, q.channel): q for q in campaign.quotas.all()}
    counts = {"created": 0, "changed": 0, "removed": 0}
    cells = []
    for key, target in targets.items():
        quota = existing.get(key)
        old = quota.target if quota else None
        if old == target:
            continue
        agency_id, group, channel = key
        if target is None:
            assert quota is not None  # old != target, so a quota exists
            quota.delete()
            counts["removed"] += 1
        elif quota is None:
            Quota.objects.create(
                campaign=campaign, agency_id=agency_id, group=group, channel=channel, target=target
            )
            counts["created"] += 1
        else:
            quota.target = target
            quota.save(update_fields=["target"])
            counts["changed"] += 1
        cells.append(
            {"cell": [agencies[agency_id].code, group, channel], "old": old, "new": target}
        )
    if cells:
        record("surveys.quotas.set", actor=actor, obj=campaign, data={"cells": cells})
    return counts


@dataclass
class QuotaImport:
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@transaction.atomic
def import_quotas(
    campaign: Campaign, data: bytes, *, actor: Any, filename: str = "", lang: str = "vi"
) -> QuotaImport:
    """Quotas from an XLSX/CSV table (the export's columns: agency code, respondent group,
    channel, target). Every row is checked first; a file with any bad row changes nothing.
    Cells not in the file keep their quota."""
    from chiso.surveys.actions.samples import agency_and_group

    require_reform_office(actor)
    try:
        table = read_table(data, filename)
    except TableError as error:
        return QuotaImport([Problem.make(None, "", str(error))])
    sheet = Sheet(table, QUOTA_COLUMNS, lang)
    if sheet.problems:
        return QuotaImport(sheet.problems)
    agencies = {a.code: a for a in campaign.agencies.all()}
    channels = {str(v): v for v in Channel.values} | {
        str(label).casefold(): v for v, label in Channel.choices
    }
    targets: dict[Cell, int | None] = {}
    for row in sheet.rows():
        agency, group = agency_and_group(row, agencies)
        raw_channel = row.text("channel", 30, required=True)
        channel = channels.get(raw_channel.casefold())
        if raw_channel and channel is None:
            row.problem("channel", _("unknown channel '%(c)s'") % {"c": raw_channel})
        raw_target = str(row.raw("target"))
        if not raw_target.isdigit():
            row.problem(
                "target",
                _("'%(value)s' is not a whole number of responses") % {"value": raw_target},
            )
        if agency is not None and group is not None and channel is not None:
            key = (agency.pk, group, channel)
            if key in targets:
                row.problem("", _("this agency, group and channel already came in another row"))
            elif raw_target.isdigit():
                targets[key] = int(raw_target)
    if sheet.problems:
        return QuotaImport(sheet.problems)
    if campaign.status == Campaign.Status.CLOSED:
        raise SurveyError(_("The campaign is closed."))
    return QuotaImport(counts=set_quotas(campaign, actor=actor, targets=targets))
