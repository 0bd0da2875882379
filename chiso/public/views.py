"""The public results pages (``/cong-khai/``): published results for anyone, without login.

What is public — the numbers announced at the province's results conference, nothing more:

- per year: the mean CCHC index and its change, and per block the class counts and the ranking
  (rank, agency, index %, class, and last year's index when the block has one);
- per agency: rank, index, class, index before bonus/penalty, bonus, penalty, the points and
  index of each top-level field, and each leader's name, role, assigned fields, score and class;
- the verification code (snapshot sequence and hash prefix) of every published set.

Not public: the inputs (self-assessment values, facts, adjustments), criterion-level points and
their explanations (which quote the inputs), person codes, e-mail addresses and phone numbers.
Only result sets with ``status=published`` are read; anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control

from chiso.results.models import AgencyScore, PublishedSnapshot, ResultSet
from chiso.results.queries import previous_scores, year_summaries

# Published numbers never change, but a new year or block may be published at any time.
public_cache = cache_control(public=True, max_age=300)


def published_sets() -> QuerySet[ResultSet]:
    return ResultSet.objects.filter(status=ResultSet.Status.PUBLISHED).select_related(
        "block", "framework"
    )


def _snapshot(result_set: ResultSet) -> PublishedSnapshot | None:
    return PublishedSnapshot.objects.filter(result_set=result_set).first()


def _block(result_set: ResultSet, sets: QuerySet[ResultSet]) -> dict[str, Any]:
    previous = previous_scores(result_set, sets)
    scale = [b["label"] for b in result_set.framework.settings.get("classification", [])]
    scores = result_set.scores.select_related("agency").order_by("rank", "agency__name")
    rows = [{"score": s, "previous": previous.get(s.agency_id)} for s in scores]
    return {
        "result_set": result_set,
        "snapshot": _snapshot(result_set),
        "counts": [(label, result_set.class_counts.get(label, 0)) for label in scale],
        "rows": rows,
        # Last year's column only when some unit of the block has a result that year: a
        # column of dashes tells a reader nothing.
        "has_previous": any(row["previous"] is not None for row in rows),
    }


@public_cache
def index(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """One year's published results (the latest by default) and every year's mean."""
    sets = published_sets()
    summaries = year_summaries(sets)
    if year is None and summaries:
        year = summaries[0].year
    summary = next((s for s in summaries if s.year == year), None)
    if summaries and summary is None:
        raise Http404
    year_sets = sets.filter(year=year) if year is not None else sets.none()
    blocks = [_block(rs, sets) for rs in year_sets.order_by("block__order")]
    return render(
        request,
        "public/index.html",
        {"summaries": summaries, "summary": summary, "year": year, "blocks": blocks},
    )


@public_cache
def scorecard(request: HttpRequest, year: int, block: str, agency: str) -> HttpResponse:
    """One agency's public scorecard: totals, field indices and leaders' scores."""
    sets = published_sets()
    score = get_object_or_404(
        AgencyScore.objects.select_related("agency", "result_set__block", "result_set__framework"),
        result_set__in=sets.filter(year=year, block__code=block),
        agency__code=agency,
    )
    result_set = score.result_set
    fields = [n for n in score.nodes if n["depth"] == 0]
    leaders = [
        {k: ld.get(k) for k in ("name", "role", "assigned", "score", "classification")}
        for ld in score.leaders_in_order
    ]
    return render(
        request,
        "public/scorecard.html",
        {
            "score": score,
            "result_set": result_set,
            "snapshot": _snapshot(result_set),
            "fields": fields,
            "leaders": leaders,
            "previous": previous_scores(result_set, sets).get(score.agency_id),
        },
    )
