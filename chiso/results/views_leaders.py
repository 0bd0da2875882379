"""The heads' and deputies' classification of one block and year (review s8, finding 6)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chiso.accounts import scope
from chiso.org.models import Block
from chiso.results.leaders import SORTS, leader_table, sorted_rows, visible_agency_ids
from chiso.results.queries import visible_result_sets


@require_GET
@login_required
def block_leaders(request: HttpRequest, year: int, block: str) -> HttpResponse:
    """Every head and deputy of the block the user may see, with score and class.

    Scope follows the results pages: results the user may not see (an unpublished set for an
    agency user) are not shown; published results are public, every row; otherwise agency
    users see their own agency's rows only."""
    scope.require_any_role(request.user)
    block_obj = Block.objects.filter(year=year, code=block).first()
    if block_obj is None:
        raise Http404
    sets = visible_result_sets(request.user)
    result_set = sets.filter(year=year, block__code=block).first()
    table = leader_table(block_obj, result_set, visible_agency_ids(request.user, result_set))
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = ""
    other_blocks = Block.objects.filter(year__in=[year - 1, year, year + 1]).order_by(
        "-year", "order", "name"
    )
    return render(
        request,
        "results/leaders.html",
        {
            "table": table,
            "rows": sorted_rows(table.rows, sort),
            "sort": sort,
            "result_set": result_set,
            "other_blocks": [b for b in other_blocks if b.pk != block_obj.pk],
        },
    )
