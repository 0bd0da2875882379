"""The figures of the leaders' dashboard, each with what it links to.

Bà Hạnh "opens one screen … which plan tasks are overdue. Prints it." (users.md): targets and the
gap to them, the classification of the latest evaluated year, the weakest agencies and fields,
the criteria that lost most points, and overdue tasks by agency.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q

from chiso.dossiers import queries as dossier_queries
from chiso.dossiers.scorecard import parse_period
from chiso.frameworks.matching import Matching, match_frameworks
from chiso.plans.losses import NodeLoss, ScoredAgency, where_points_were_lost
from chiso.plans.models import ExternalIndex, IndexKind, IndexTarget, Task
from chiso.plans.queries import overdue
from chiso.results.models import AgencyScore, ResultSet

HUNDREDTH = Decimal("0.01")


@dataclass
class TargetGap:
    kind: str
    label: str
    latest: ExternalIndex | None
    target: IndexTarget | None
    history: list[ExternalIndex] = field(default_factory=list)

    @property
    def rank_gap(self) -> int | None:
        """Places still to climb to reach the target rank (0 when reached)."""
        if self.latest is None or self.target is None:
            return None
        if self.latest.rank is None or self.target.rank is None:
            return None
        return max(0, self.latest.rank - self.target.rank)

    @property
    def value_gap(self) -> Decimal | None:
        if self.latest is None or self.target is None or self.target.value is None:
            return None
        return max(Decimal(0), self.target.value - self.latest.value)


def target_gaps() -> list[TargetGap]:
    """For each index: its values by year, the latest, and the next target (or the last one)."""
    out = []
    for kind, label in IndexKind.choices:
        history = list(ExternalIndex.objects.filter(kind=kind).order_by("year"))
        latest = history[-1] if history else None
        targets = IndexTarget.objects.filter(kind=kind).order_by("year")
        target = None
        if latest is not None:
            target = targets.filter(year__gte=latest.year).first()
        target = target or targets.last()
        out.append(TargetGap(kind, str(label), latest, target, history))
    return out


@dataclass
class BlockSummary:
    result_set: ResultSet
    classes: list[tuple[str, int]]
    weakest: list[AgencyScore]
    fields: list[tuple[str, str, Decimal]]  # code, title, mean percent (weakest first)
    losses: list[NodeLoss]
    previous: ResultSet | None = None  # last year's set of the block, the losses' comparison


def scored(result_set: ResultSet) -> list[ScoredAgency]:
    scores = result_set.scores.select_related("agency")
    return [ScoredAgency(s.agency.code, s.agency.name, s.nodes) for s in scores]


def previous_set(result_set: ResultSet, sets: Any) -> ResultSet | None:
    return sets.filter(year=result_set.year - 1, block__code=result_set.block.code).first()


def framework_matching(before: ResultSet | None, result_set: ResultSet) -> Matching | None:
    """Last year's framework nodes paired with this year's (codes change between versions)."""
    if before is None:
        return None
    return match_frameworks(before.framework.to_dict(), result_set.framework.to_dict())


def block_summary(result_set: ResultSet, sets: Any, top: int = 5) -> BlockSummary:
    scale = [b["label"] for b in result_set.framework.settings.get("classification", [])]
    scores = list(result_set.scores.select_related("agency").order_by("final", "agency__name"))
    percents: dict[str, list[Decimal]] = {}
    titles: dict[str, str] = {}
    for score in scores:
        for node in score.nodes:
            if node["depth"] == 0 and node["percent"] is not None:
                percents.setdefault(node["code"], []).append(Decimal(node["percent"]))
                titles[node["code"]] = node["title"]
    fields = sorted(
        (
            (code, titles[code], (sum(v, Decimal(0)) / len(v)).quantize(HUNDREDTH, ROUND_HALF_UP))
            for code, v in percents.items()
        ),
        key=lambda f: (f[2], f[0]),
    )
    before = previous_set(result_set, sets)
    return BlockSummary(
        result_set=result_set,
        classes=[(label, result_set.class_counts.get(label, 0)) for label in scale],
        weakest=scores[:top],
        fields=fields[:top],
        losses=where_points_were_lost(
            scored(result_set),
            scored(before) if before else (),
            limit=top,
            matching=framework_matching(before, result_set),
        ),
        previous=before,
    )


def latest_year(sets: Any) -> int | None:
    return sets.order_by("-year").values_list("year", flat=True).first()


def overdue_by_agency(today: datetime.date) -> list[tuple[Any, int]]:
    rows = (
        overdue(Task.objects.all(), today)
        .values("lead_agency__pk", "lead_agency__code", "lead_agency__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "lead_agency__name")
    )
    return [(r, r["n"]) for r in rows]


def status_counts(year: int, today: datetime.date) -> Counter[str]:
    tasks = Task.objects.filter(plan__year=year)
    return Counter(str(t.status_on(today)) for t in tasks)


def late_dossiers_by_field(limit: int = 5) -> tuple[int, list[dict[str, Any]]] | None:
    """(year, fields with the most late dossiers) of the latest year that has late dossiers
    (the current year may hold only dossiers still open, none late yet), else of the latest
    year with dossier data; None when the dossiers app holds none (the section is left out)."""
    years = dossier_queries.years()
    if not years:
        return None
    for year in years:
        fields = dossier_queries.late_by_field(Q(), parse_period(str(year)), limit)
        if fields:
            return year, fields
    return years[0], []
