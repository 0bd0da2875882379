"""Results pages: a year's results per block, ranked and classified, with last year beside it,
and one agency's scorecard with every number explained."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from chiso.accounts import scope
from chiso.results.models import AgencyScore
from chiso.results.queries import previous_scores, visible_result_sets, year_summaries
from chiso.results.steps import counted_steps


@login_required
def index(request: HttpRequest) -> HttpResponse:
    scope.require_any_role(request.user)
    sets = visible_result_sets(request.user)
    return render(
        request,
        "results/index.html",
        {
            "summaries": year_summaries(sets),
            "sets": sets.annotate(agency_count=Count("scores")).order_by("-year", "block__order"),
        },
    )


@login_required
def block_results(request: HttpRequest, year: int, block: str) -> HttpResponse:
    scope.require_any_role(request.user)
    sets = visible_result_sets(request.user)
    result_set = sets.filter(year=year, block__code=block).first()
    if result_set is None:
        raise Http404
    scores = list(result_set.scores.select_related("agency").order_by("rank", "agency__name"))
    previous = previous_scores(result_set, sets)
    fields = [n for n in (scores[0].nodes if scores else []) if n["depth"] == 0]
    rows = [
        {
            "score": s,
            "fields": s.field_percents(),
            "previous": previous.get(s.agency_id),
            "change": (s.final - previous[s.agency_id].final) if s.agency_id in previous else None,
        }
        for s in scores
    ]
    scale = [b["label"] for b in result_set.framework.settings.get("classification", [])]
    counts = [(label, result_set.class_counts.get(label, 0)) for label in scale]
    previous_set = sets.filter(year=year - 1, block__code=block).first()
    previous_counts = (
        [(label, previous_set.class_counts.get(label, 0)) for label in scale]
        if previous_set
        else None
    )
    return render(
        request,
        "results/block.html",
        {
            "result_set": result_set,
            "rows": rows,
            "fields": fields,
            "counts": counts,
            "previous_set": previous_set,
            "previous_counts": previous_counts,
        },
    )


@login_required
def agency_scorecard(request: HttpRequest, year: int, block: str, agency: str) -> HttpResponse:
    scope.require_any_role(request.user)
    sets = visible_result_sets(request.user)
    score = get_object_or_404(
        AgencyScore.objects.select_related("agency", "result_set__framework", "result_set__block"),
        result_set__in=sets.filter(year=year, block__code=block),
        agency__code=agency,
    )
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    previous = previous_scores(score.result_set, sets).get(score.agency_id)
    return render(
        request,
        "results/scorecard.html",
        {
            "score": score,
            "lang": lang,
            "previous": previous,
            "result_set": score.result_set,
            "steps": counted_steps(score, request.user),
        },
    )
