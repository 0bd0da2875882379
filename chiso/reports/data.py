"""What the official outputs show, gathered once from stored results (never recomputed).

Every number comes from a :class:`~chiso.results.models.AgencyScore` row or its JSON snapshot;
the outputs only round and format. Callers pass the result sets the user may see
(:func:`chiso.results.queries.visible_result_sets`), so the same rules apply as on the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet

from chiso.results.models import AgencyScore, ResultSet
from chiso.results.queries import YearSummary, previous_scores, year_summary

CENT = Decimal("0.01")


def rounded(value: Any) -> Decimal | None:
    """A stored number (Decimal or decimal string) rounded half-up to two places; None stays."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def fields_of(score: AgencyScore | None) -> list[dict[str, Any]]:
    """The top-level fields (lĩnh vực) of a score's node snapshot, in framework order."""
    return [n for n in (score.nodes if score else []) if n["depth"] == 0]


def scale_of(result_set: ResultSet) -> list[str]:
    """Classification labels of the set's framework, best first."""
    return [b["label"] for b in result_set.framework.settings.get("classification", [])]


def ranked_scores(result_set: ResultSet) -> list[AgencyScore]:
    return list(result_set.scores.select_related("agency").order_by("rank", "agency__name"))


@dataclass
class BlockSection:
    """One block of the province report: ranking, classes this year and last, weakest fields."""

    result_set: ResultSet
    previous_set: ResultSet | None
    rows: list[dict[str, Any]]
    counts: list[tuple[str, int, int | None]]
    weakest: list[dict[str, Any]]
    change: Decimal | None = None
    index_chart: str = ""  # SVG, filled in by the PDF renderer
    class_chart: str = ""


@dataclass
class ProvinceReport:
    year: int
    summary: YearSummary
    sections: list[BlockSection] = field(default_factory=list)

    @property
    def mean(self) -> Decimal | None:
        return self.summary.mean_final

    @property
    def agencies(self) -> int:
        return self.summary.agencies


def field_means(scores: list[AgencyScore]) -> list[dict[str, Any]]:
    """Mean percent of each field over the agencies where it applies, in framework order."""
    by_code = [{n["code"]: n for n in s.nodes} for s in scores]
    out = []
    for node in fields_of(scores[0] if scores else None):
        percents = [
            Decimal(nodes[node["code"]]["percent"])
            for nodes in by_code
            if node["code"] in nodes and nodes[node["code"]]["percent"] is not None
        ]
        mean = sum(percents, Decimal(0)) / len(percents) if percents else None
        out.append({"code": node["code"], "title": node["title"], "mean": rounded(mean)})
    return out


def block_section(result_set: ResultSet, sets: QuerySet[ResultSet]) -> BlockSection:
    scores = ranked_scores(result_set)
    previous = previous_scores(result_set, sets)
    previous_set = sets.filter(year=result_set.year - 1, block__code=result_set.block.code).first()
    rows = [
        {
            "score": s,
            "previous": previous.get(s.agency_id),
            "change": s.final - previous[s.agency_id].final if s.agency_id in previous else None,
        }
        for s in scores
    ]
    counts = [
        (
            label,
            result_set.class_counts.get(label, 0),
            previous_set.class_counts.get(label, 0) if previous_set else None,
        )
        for label in scale_of(result_set)
    ]
    weakest = sorted(
        (f for f in field_means(scores) if f["mean"] is not None), key=lambda f: f["mean"]
    )[:3]
    change = result_set.mean_final - previous_set.mean_final if previous_set else None
    return BlockSection(result_set, previous_set, rows, counts, weakest, change)


def province_report(year: int, sets: QuerySet[ResultSet]) -> ProvinceReport | None:
    """The year's report over the given sets; None when none of them is of that year."""
    this_year = list(sets.filter(year=year).order_by("block__order", "block__name"))
    if not this_year:
        return None
    report = ProvinceReport(year, year_summary(year, sets))
    report.sections = [block_section(rs, sets) for rs in this_year]
    return report
