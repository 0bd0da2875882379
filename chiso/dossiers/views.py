"""Dossier screens: province dashboard, agency page, late dossiers, a dossier's timeline, due soon.

Province-wide roles (reform office, viewers, appraisers) see every agency; focal officers and
agency leaders see their own agency and its units (chiso.accounts.scope); anyone else is
refused. An agency or dossier outside the user's scope answers 404.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.dossiers import queries
from chiso.dossiers.models import Dossier
from chiso.dossiers.scorecard import Period, PeriodError, ScoreCard, parse_period, score_card
from chiso.frameworks.facts import describe_fact
from chiso.org.models import Agency

AGENCY_ROLES = (Role.FOCAL_OFFICER, Role.AGENCY_LEADER)


def _require_reader(request: HttpRequest) -> None:
    if not (scope.sees_whole_province(request.user) or scope.has_role(request.user, *AGENCY_ROLES)):
        raise PermissionDenied


def _period(request: HttpRequest) -> Period:
    try:
        return parse_period(request.GET.get("period") or str(queries.default_year()))
    except PeriodError as e:
        raise Http404 from e


def _agency(request: HttpRequest, code: str) -> Agency:
    agency = get_object_or_404(Agency, code=code)
    if not scope.can_see_agency(request.user, agency.pk):
        raise Http404
    return agency


def _card_context(card: ScoreCard, trend: dict[str, list[Any]]) -> dict[str, Any]:
    """Metrics with their labels, the top-level groups and the trend as table rows."""
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    return {
        "card": card,
        "metrics": [
            {
                "label": describe_fact(m.name, lang),
                "value": m.value,
                "numerator": m.numerator,
                "denominator": m.denominator,
            }
            for m in card.metrics.values()
        ],
        # Decimals, so that the page shows them the Vietnamese way (6,00).
        "groups": [
            {**g, "points": Decimal(g["points"]), "max": Decimal(g["max"])}
            for g in card.groups
            if "." not in g["code"]
        ],
        "trend": trend,
        "trend_rows": list(zip(trend["months"], trend["on_time"], trend["online"], strict=True)),
    }


def _scope_q(request: HttpRequest) -> Q:
    if scope.sees_whole_province(request.user):
        return Q()
    return Q(agency_id__in=scope.own_agency_ids(request.user))


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The province's rates, trend, agency ranking and fields with most late dossiers; agency
    users are sent to their own agency's page."""
    _require_reader(request)
    if not scope.sees_whole_province(request.user):
        own = scope.visible_agencies(request.user).filter(parent=None).first()
        if own is None:
            raise PermissionDenied
        return redirect("dossiers:agency", code=own.code)
    period = _period(request)
    return render(
        request,
        "dossiers/dashboard.html",
        {
            "period": period,
            "years": queries.years(),
            **_card_context(score_card(period), queries.monthly_trend(Q(), period.year)),
            "ranking": queries.ranking(Agency.objects.all(), period),
            "fields": queries.late_by_field(Q(), period),
        },
    )


@login_required
@require_GET
def agency_page(request: HttpRequest, code: str) -> HttpResponse:
    _require_reader(request)
    agency = _agency(request, code)
    period = _period(request)
    only = Q(agency_id=agency.pk)
    return render(
        request,
        "dossiers/agency.html",
        {
            "agency": agency,
            "period": period,
            "years": queries.years(),
            **_card_context(score_card(period, agency), queries.monthly_trend(only, period.year)),
            "fields": queries.late_by_field(only, period),
            "due_soon": queries.due_soon(only)[:20],
        },
    )


@login_required
@require_GET
def late_list(request: HttpRequest) -> HttpResponse:
    """Late dossiers (against the original due date) with the step and person responsible."""
    _require_reader(request)
    period = _period(request)
    where = _scope_q(request)
    agency = None
    if request.GET.get("agency"):
        agency = _agency(request, request.GET["agency"])
        where &= Q(agency_id=agency.pk)
    field_code = request.GET.get("field", "")
    page = Paginator(queries.late_dossiers(where, period, field_code), 50).get_page(
        request.GET.get("page")
    )
    steps = queries.responsible_steps(list(page.object_list))
    rows = [(d, steps.get(d.pk)) for d in page.object_list]
    return render(
        request,
        "dossiers/late.html",
        {
            "period": period,
            "agency": agency,
            "field_code": field_code,
            "page": page,
            "rows": rows,
        },
    )


@login_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require_reader(request)
    dossier = get_object_or_404(Dossier.objects.select_related("agency", "procedure"), code=code)
    if not scope.can_see_agency(request.user, dossier.agency_id):
        raise Http404
    return render(
        request,
        "dossiers/dossier.html",
        {
            "dossier": dossier,
            "timeline": queries.timeline(dossier),
            "pauses": dossier.pauses.all(),
            "apologies": dossier.apologies.all(),
        },
    )


@login_required
@require_GET
def due_soon(request: HttpRequest, code: str) -> HttpResponse:
    _require_reader(request)
    agency = _agency(request, code)
    rows = queries.due_soon(Q(agency_id=agency.pk))[:500]
    return render(
        request, "dossiers/due_soon.html", {"agency": agency, "rows": rows, "now": timezone.now()}
    )
