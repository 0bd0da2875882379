"""Reading results for pages and exports, with the visibility rules applied."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    """A year's mean CCHC index and its change from the year before, like with like.

    ``previous_mean`` is last year's mean over the blocks evaluated in both years only, and
    ``change`` compares it with this year's mean over the same blocks (``compared_mean``): a
    block published on 28 December before the other must not be set against the mean of every
    block of last year (review s6 M1). ``compared_blocks`` names those blocks when they are
    not all the blocks of both years; empty when the comparison covers everything.
    """

    year: int
    mean_final: Decimal | None
    agencies: int
    previous_mean: Decimal | None
    compared_mean: Decimal | None = None
    compared_blocks: list[str] = field(default_factory=list)

    @property
    def change(self) -> Decimal | None:
        if self.compared_mean is None or self.previous_mean is None:
            return None
        return self.compared_mean - self.previous_mean

    @property
    def previous_year(self) -> int:
        return self.year - 1


def _mean(sets: QuerySet[ResultSet]) -> tuple[Decimal | None, int]:
    scores = AgencyScore.objects.filter(result_set__in=sets)
    mean = scores.aggregate(m=Avg("final"))["m"]
    if mean is None:
        return None, 0
    return Decimal(mean).quantize(Decimal("0.01"), ROUND_HALF_UP), scores.count()


def year_summary(year: int, sets: QuerySet[ResultSet]) -> YearSummary:
    """The mean of ``year`` over ``sets`` and its change over the blocks of both years.

    The one place where "compared with the year before" is computed: the results pages, the
    province report and the public page all read it."""
    this_year = sets.filter(year=year)
    mean, count = _mean(this_year)
    codes = set(this_year.values_list("block__code", flat=True))
    last_year = sets.filter(year=year - 1)
    last_codes = set(last_year.values_list("block__code", flat=True))
    common = codes & last_codes
    if not common:
        return YearSummary(year, mean, count, None)
    previous, _count = _mean(last_year.filter(block__code__in=common))
    compared, _count = _mean(this_year.filter(block__code__in=common))
    names = [] if codes == last_codes else _block_names(this_year.filter(block__code__in=common))
    return YearSummary(year, mean, count, previous, compared, names)


def _block_names(sets: QuerySet[ResultSet]) -> list[str]:
    return list(sets.order_by("block__order", "block__name").values_list("block__name", flat=True))


def year_summaries(sets: QuerySet[ResultSet]) -> list[YearSummary]:
    """:func:`year_summary` of every year of ``sets``, the latest first."""
    years = sorted(set(sets.values_list("year", flat=True)), reverse=True)
    return [year_summary(year, sets) for year in years]


def previous_scores(result_set: ResultSet, sets: QuerySet[ResultSet]) -> dict[int, AgencyScore]:
    """Last year's score of each agency in a same-code block, keyed by agency id."""
    earlier = sets.filter(year=result_set.year - 1, block__code=result_set.block.code)
    return {s.agency_id: s for s in AgencyScore.objects.filter(result_set__in=earlier)}
