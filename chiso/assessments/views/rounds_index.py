"""``/rounds/``: the evaluation rounds a user takes part in, by year and block, with their stage
and where to go next.

The reform office and provincial leaders (viewers) see every round and open its page; an agency
user sees the rounds of their agency with its assessments; an appraiser the rounds they appraise
in, with the worklist. The results of a round appear once the user may see them
(:func:`chiso.results.queries.visible_result_sets`). Anyone else is refused (403).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments.models import AppraiserAssignment, Assessment, Round
from chiso.assessments.views.office import can_read_rounds
from chiso.results.models import ResultSet
from chiso.results.queries import visible_result_sets


@dataclass
class RoundRow:
    """One round as the index shows it to one user."""

    round: Round
    opens_round_page: bool
    appraises: bool
    assessments: list[Assessment] = field(default_factory=list)
    result_set: ResultSet | None = None


def _rounds_in_scope(user: Any) -> tuple[list[Round], dict[int, list[Assessment]], set[int]]:
    """The rounds the user takes part in, their own agencies' assessments by round, and the
    rounds in which they appraise."""
    own = scope.own_agency_ids(user)
    mine: dict[int, list[Assessment]] = defaultdict(list)
    for a in Assessment.objects.filter(agency_id__in=own).select_related("agency"):
        mine[a.round_id].append(a)
    appraised = set(
        AppraiserAssignment.objects.filter(user=user).values_list("round_id", flat=True)
    )
    rounds = Round.objects.select_related("block", "framework").order_by(
        "-year", "block__order", "block__name"
    )
    if not can_read_rounds(user):
        rounds = rounds.filter(Q(pk__in=mine.keys()) | Q(pk__in=appraised))
    return list(rounds), mine, appraised


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The survey operator's work is the surveys; a round has nothing for them.
    if not scope.roles(user) - {Role.SURVEY_OPERATOR}:
        raise PermissionDenied
    rounds, mine, appraised = _rounds_in_scope(user)
    results = {
        (r.block_id, r.framework_id): r
        for r in visible_result_sets(user).filter(block__in={r.block_id for r in rounds})
    }
    readers = can_read_rounds(user)
    rows = [
        RoundRow(
            round=r,
            opens_round_page=readers,
            appraises=r.pk in appraised,
            assessments=sorted(mine.get(r.pk, []), key=lambda a: a.agency.name),
            result_set=results.get((r.block_id, r.framework_id)),
        )
        for r in rounds
    ]
    years = [(year, list(group)) for year, group in groupby(rows, key=lambda row: row.round.year)]
    return render(
        request,
        "assessments/rounds_index.html",
        {"years": years, "can_read_rounds": readers, "can_open": scope.is_reform_office(user)},
    )
