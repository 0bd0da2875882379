"""The landing page after login: where each user starts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from chiso.accounts import scope
from chiso.accounts.models import Membership, Role
from chiso.frameworks.models import Framework
from chiso.org.models import Agency
from chiso.results.models import AgencyScore
from chiso.results.queries import visible_result_sets, year_summaries

# Where each role starts: (roles that may open the screen, url name, label). The roles mirror
# the checks of the views themselves (e.g. plans.views._require_dashboard, surveys.views.STAFF),
# so a link is never shown to someone the screen would refuse.
SHORTCUTS: tuple[tuple[frozenset[str], str, Promise], ...] = (
    (frozenset({Role.VIEWER, Role.REFORM_OFFICE}), "plans:dashboard", _("Leaders' dashboard")),
    (frozenset({Role.FOCAL_OFFICER, Role.AGENCY_LEADER}), "assessments:mine", _("My assessments")),
    (frozenset({Role.APPRAISER}), "assessments:worklist", _("Appraisal worklist")),
    (frozenset({Role.VIEWER, Role.REFORM_OFFICE}), "assessments:rounds", _("Evaluation rounds")),
    (
        frozenset({Role.VIEWER, Role.REFORM_OFFICE, Role.APPRAISER, Role.SURVEY_OPERATOR}),
        "surveys:list",
        _("Surveys and their results"),
    ),
    (
        frozenset({Role.FOCAL_OFFICER, Role.AGENCY_LEADER, Role.REFORM_OFFICE}),
        "plans:tasks",
        _("Reform plan tasks"),
    ),
    (
        frozenset({Role.VIEWER, Role.REFORM_OFFICE, Role.FOCAL_OFFICER, Role.AGENCY_LEADER}),
        "dossiers:dashboard",
        _("Public services"),
    ),
    (frozenset({Role.REFORM_OFFICE}), "audit:list", _("Audit log")),
)


def shortcuts(user: User) -> list[tuple[str, str]]:
    """(url, label) of the screens the user's roles open, in the order of :data:`SHORTCUTS`."""
    mine = scope.roles(user)
    return [(reverse(name), str(label)) for wanted, name, label in SHORTCUTS if mine & wanted]


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
        "shortcuts": shortcuts(user),
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
