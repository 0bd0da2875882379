"""The landing page after login: where each user starts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from chiso.accounts import scope
from chiso.accounts.models import Membership
from chiso.frameworks.models import Framework
from chiso.org.models import Agency
from chiso.results.models import AgencyScore
from chiso.results.queries import visible_result_sets, year_summaries


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    memberships = Membership.objects.filter(user=user).select_related("agency")
    sets = visible_result_sets(user)
    summaries = year_summaries(sets)[:1]
    today = timezone.localdate()
    context: dict[str, Any] = {
        "memberships": memberships,
        "latest": summaries[0] if summaries else None,
        "own_scores": AgencyScore.objects.filter(
            agency_id__in=scope.own_agency_ids(user), result_set__in=sets
        )
        .select_related("agency", "result_set__block")
        .order_by("-result_set__year", "agency__name")[:6],
    }
    if scope.sees_whole_province(user):
        context["agency_count"] = Agency.objects.valid_on(today).count()
        context["framework_count"] = Framework.objects.filter(
            status=Framework.Status.PUBLISHED
        ).count()
    return render(request, "core/home.html", context)
