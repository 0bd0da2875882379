"""Reading a campaign's counted responses into plain data and turning them into results:
indices by agency, group and channel, progress against quotas, quality flags, facts.

A response counts when it is submitted and not excluded; paper responses exist only once two
keyings agreed or a third person reconciled them (actions/paper.py).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from chiso.org.models import Agency
from chiso.surveys import indices
from chiso.surveys.indices import Flag, Indices, NoOpinion, QualityRules, ResponseData
from chiso.surveys.models import Campaign, Channel, Group, Questionnaire, Quota, Response
from chiso.surveys.spec import Questionnaire as Spec


def counted(campaign: Campaign) -> QuerySet[Response]:
    return campaign.responses.filter(status=Response.Status.SUBMITTED, excluded=False)


def response_data(responses: QuerySet[Response]) -> list[ResponseData]:
    """Plain data of ``responses`` in submission order, each with its place in its quota
    cell (agency × group × channel)."""
    rows = list(
        responses.order_by("submitted_at", "pk").values(
            "pk",
            "agency__code",
            "group",
            "channel",
            "answers",
            "started_at",
            "submitted_at",
            "ip_hash",
        )
    )
    order: Counter[tuple[str, str, str]] = Counter()
    out = []
    for r in rows:
        cell = (r["agency__code"], r["group"], r["channel"])
        order[cell] += 1
        seconds = None
        if r["channel"] == Channel.ONLINE and r["submitted_at"] is not None:
            seconds = int((r["submitted_at"] - r["started_at"]).total_seconds())
        out.append(
            ResponseData(
                id=r["pk"],
                agency=r["agency__code"],
                group=r["group"],
                channel=r["channel"],
                answers=r["answers"],
                seconds=seconds,
                fingerprint=r["ip_hash"],
                cell_order=order[cell],
            )
        )
    return out


@dataclass
class QuestionnaireResults:
    questionnaire: Questionnaire
    spec: Spec
    responses: list[ResponseData]
    overall: Indices
    agencies: list[tuple[Agency, Indices]]
    groups: list[tuple[str, Indices]]
    channels: list[tuple[str, Indices]]


def campaign_results(campaign: Campaign) -> list[QuestionnaireResults]:
    """Indices of every questionnaire of the campaign: overall, per agency, group, channel."""
    mode = NoOpinion(campaign.no_opinion)
    agencies = {a.code: a for a in campaign.agencies.order_by("name")}
    out = []
    for q in campaign.questionnaires.order_by("pk"):
        data = response_data(counted(campaign).filter(questionnaire=q))
        spec = q.spec
        per_agency = indices.by(data, lambda r: r.agency)
        per_group = indices.by(data, lambda r: r.group)
        per_channel = indices.by(data, lambda r: r.channel)
        out.append(
            QuestionnaireResults(
                questionnaire=q,
                spec=spec,
                responses=data,
                overall=indices.compute(spec, data, mode),
                agencies=[
                    (a, indices.compute(spec, per_agency[code], mode))
                    for code, a in agencies.items()
                    if code in per_agency
                ],
                groups=[
                    (g, indices.compute(spec, per_group[g], mode))
                    for g in Group.values
                    if g in per_group
                ],
                channels=[
                    (c, indices.compute(spec, per_channel[c], mode))
                    for c in Channel.values
                    if c in per_channel
                ],
            )
        )
    return out


def facts_table(campaign: Campaign) -> list[tuple[Agency, str, Decimal]]:
    """(agency, fact name, value) of every survey index the campaign's questionnaires feed."""
    rows: list[tuple[Agency, str, Decimal]] = []
    for result in campaign_results(campaign):
        for agency, found in result.agencies:
            rows.extend((agency, f"survey.{name}", value) for name, value in found.facts.items())
    return rows


def write_facts(
    campaign: Campaign, rows: list[tuple[Agency, str, Decimal]], *, actor: Any
) -> dict[str, Any]:
    """Write the facts through the facts app's import (its checks and audit rows)."""
    from chiso.facts.importing import import_facts

    if not rows:
        return {"ok": True, "created": 0, "updated": 0, "unchanged": 0, "problems": []}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Mã cơ quan", "Tên dữ liệu", "Năm", "Giá trị", "Nguồn", "Ngày số liệu"])
    as_of = (campaign.closed_at or campaign.responses.latest("pk").started_at).date()
    source = f"Khảo sát «{campaign.name}» (#{campaign.pk})"[:255]
    for agency, name, value in rows:
        writer.writerow(
            [agency.code, name, campaign.year, str(value), source, as_of.strftime("%d/%m/%Y")]
        )
    report = import_facts(
        buffer.getvalue().encode("utf-8"),
        actor=actor,
        filename=f"khao-sat-{campaign.pk}.csv",
    )
    if not report.ok:
        # The values come from our own computation, so a refusal is a programming error.
        raise RuntimeError("; ".join(str(p) for p in report.problems))
    return report.as_dict()


@dataclass(frozen=True)
class Cell:
    agency: Agency
    group: str
    channel: str
    target: int
    done: int

    @property
    def group_label(self) -> str:
        return str(Group(self.group).label)

    @property
    def channel_label(self) -> str:
        return str(Channel(self.channel).label)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.target)) if self.target else 100


def progress(campaign: Campaign) -> list[Cell]:
    """Counted responses against the quota of each agency × group × channel cell (cells with
    responses but no quota appear with target 0)."""
    done = Counter(counted(campaign).values_list("agency_id", "group", "channel").order_by())
    quotas = {
        (q.agency_id, q.group, q.channel): q.target for q in Quota.objects.filter(campaign=campaign)
    }
    agencies = {a.pk: a for a in campaign.agencies.all()}
    cells = set(quotas) | set(done)
    return sorted(
        (
            Cell(agencies[a], g, c, quotas.get((a, g, c), 0), done.get((a, g, c), 0))
            for a, g, c in cells
            if a in agencies
        ),
        key=lambda cell: (cell.agency.name, cell.group, cell.channel),
    )


def quality_flags(campaign: Campaign) -> dict[int, list[Flag]]:
    """Flags of every submitted response of the campaign, excluded ones included."""
    submitted = campaign.responses.filter(status=Response.Status.SUBMITTED)
    quotas = {
        (q.agency.code, q.group, q.channel): q.target
        for q in Quota.objects.filter(campaign=campaign).select_related("agency")
    }
    out: dict[int, list[Flag]] = {}
    for q in campaign.questionnaires.all():
        data = response_data(submitted.filter(questionnaire=q))
        out.update(indices.flags(q.spec, data, quotas, QualityRules()))
    return out
