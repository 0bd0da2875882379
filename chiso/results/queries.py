"""Reading results for pages and exports, with the visibility rules applied."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, QuerySet

from chiso.accounts import scope
from chiso.results.models import AgencyScore, ResultSet


def visible_result_sets(user: Any) -> QuerySet[ResultSet]:
    """Published sets for everyone with a role; unpublished ones only for province-wide roles.

    Agency users must not see another agency's unpublished numbers (issue 3's rule), so until
    publication they see nothing of the block.
    """
    qs = ResultSet.objects.select_related("block", "framework")
    if scope.sees_whole_province(user):
        return qs
    if not scope.roles(user):
        return qs.none()
    return qs.filter(status=ResultSet.Status.PUBLISHED)


@dataclass
class YearSummary:
    year: int
    mean_final: Decimal | None
    agencies: int
    previous_mean: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.mean_final is None or self.previous_mean is None:
            return None
        return self.mean_final - self.previous_mean


def _mean(year: int, sets: QuerySet[ResultSet]) -> tuple[Decimal | None, int]:
    scores = AgencyScore.objects.filter(result_set__in=sets.filter(year=year))
    mean = scores.aggregate(m=Avg("final"))["m"]
    if mean is None:
        return None, 0
    return Decimal(mean).quantize(Decimal("0.01"), ROUND_HALF_UP), scores.count()


def year_summaries(sets: QuerySet[ResultSet]) -> list[YearSummary]:
    """Mean CCHC index over every evaluated unit of each year, with the year before."""
    years = sorted(set(sets.values_list("year", flat=True)), reverse=True)
    out = []
    for year in years:
        mean, count = _mean(year, sets)
        previous, _ = _mean(year - 1, sets)
        out.append(YearSummary(year, mean, count, previous))
    return out


def previous_scores(result_set: ResultSet, sets: QuerySet[ResultSet]) -> dict[int, AgencyScore]:
    """Last year's score of each agency in a same-code block, keyed by agency id."""
    earlier = sets.filter(year=result_set.year - 1, block__code=result_set.block.code)
    return {s.agency_id: s for s in AgencyScore.objects.filter(result_set__in=earlier)}
