"""Dossier screens: province dashboard, agency page, field page, late dossiers, a dossier's
timeline, due soon, and the procedure catalogue as a file.

Province-wide roles (reform office, viewers, appraisers) see every agency; focal officers and
agency leaders see their own agency and its units (chiso.accounts.scope); anyone else is
refused. An agency or dossier outside the user's scope answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.dossiers import jobs, queries
from chiso.dossiers.catalogue import export_procedures
from chiso.dossiers.conf import rule_settings
from chiso.dossiers.models import Dossier, Procedure
from chiso.dossiers.models import Role as StepRole
from chiso.dossiers.periods import read_period
from chiso.dossiers.scorecard import (
    Period,
    ScoreCard,
    counters,
    metrics_from,
    open_on_time,
    score_card,
    score_cards,
)
from chiso.frameworks.facts import describe_fact
from chiso.org.models import Agency
from chiso.org.tabular import FORMATS

AGENCY_ROLES = (Role.FOCAL_OFFICER, Role.AGENCY_LEADER)
# The rates a field page shows (issue 4, "Screens"), fact names of chiso/frameworks/facts.py.
FIELD_METRICS = (
    "dossier.on_time_rate",
    "dossier.online_rate",
    "dossier.full_online_rate",
    "dossier.online_payment_rate",
    "dossier.e_result_rate",
    "dossier.digitised_rate",
)


def _require_reader(request: HttpRequest) -> None:
    if not (scope.sees_whole_province(request.user) or scope.has_role(request.user, *AGENCY_ROLES)):
        raise PermissionDenied


def _period(request: HttpRequest) -> Period:
    """The period of ``?period=``, read as people write it (chiso.dossiers.periods). A refused
    one falls back to the default year; its message goes on the request for the period form
    (``_period.html``) and :func:`period_page` answers 400."""
    choice = read_period(request.GET.get("period"), queries.default_year)
    request.period_choice = choice  # type: ignore[attr-defined]
    return choice.period


def period_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page read with :func:`_period` answers 400 when the period asked for was refused (the
    page itself shows the default period and the message), never a 500 or a bare 404."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        choice = getattr(request, "period_choice", None)
        if response.status_code == 200 and choice is not None and choice.error:
            response.status_code = 400
        return response

    return wrapped


def _agency(request: HttpRequest, code: str) -> Agency:
    agency = get_object_or_404(Agency, code=code)
    if not scope.can_see_agency(request.user, agency.pk):
        raise Http404
    return agency


def _metric_rows(metrics: list[Any]) -> list[dict[str, Any]]:
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    return [
        {
            "label": describe_fact(m.name, lang),
            "value": m.value,
            "numerator": m.numerator,
            "denominator": m.denominator,
        }
        for m in metrics
    ]


def _trend_context(trend: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        "trend": trend,
        "trend_rows": list(zip(trend["months"], trend["on_time"], trend["online"], strict=True)),
    }


def _card_context(card: ScoreCard, trend: dict[str, list[Any]]) -> dict[str, Any]:
    """Metrics with their labels, the top-level groups and the trend as table rows."""
    return {
        "card": card,
        "metrics": _metric_rows(list(card.metrics.values())),
        # Decimals, so that the page shows them the Vietnamese way (6,00).
        "groups": [
            {**g, "points": Decimal(g["points"]), "max": Decimal(g["max"])}
            for g in card.groups
            if "." not in g["code"]
        ],
        **_trend_context(trend),
        "portal_extended": _portal_extended(),
    }


def _portal_extended() -> bool:
    """Whether on-time rates follow the portal's extended view (an apology letter's new date
    counts, R7 in docs/dossiers.md) while late counts stay against the original due date: the
    pages then say so, or "360 late" beside "97 % on time" reads as a contradiction."""
    return rule_settings().portal_view == "extended"


def _scope_q(request: HttpRequest) -> Q:
    if scope.sees_whole_province(request.user):
        return Q()
    return Q(agency_id__in=scope.own_agency_ids(request.user))


@login_required
@require_GET
@period_page
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
    # One batch for the province card and every ranked agency's: a constant number of queries.
    ranked = queries.with_dossiers(Agency.objects.all(), period)
    cards = score_cards(period, ranked, province=True)
    return render(
        request,
        "dossiers/dashboard.html",
        {
            "period": period,
            "years": queries.years(),
            **_card_context(cards[None], queries.monthly_trend(Q(), period.year)),
            "ranking": queries.rank(ranked, cards),
            "fields": queries.late_by_field(Q(), period),
        },
    )


@login_required
@require_GET
@period_page
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
            "due_soon": list(queries.due_soon(only)[:10]),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
@period_page
def field_page(request: HttpRequest, field_code: str) -> HttpResponse:
    """One field (lĩnh vực) across the agencies the user may see: its rates, the agencies worst
    first, the monthly trend, the procedures with most late dossiers and the steps, roles and
    persons the delays are attributed to. Everything but the open dossiers is read from the
    rollups (the delay attribution from ``DelayCauseRollup``)."""
    _require_reader(request)
    name = queries.field_name(field_code)
    if name is None:
        raise Http404
    period = _period(request)
    where = Q(field_code=field_code) & _scope_q(request)
    card_metrics = metrics_from(counters(where, period), open_on_time(where, period))
    return render(
        request,
        "dossiers/field.html",
        {
            "period": period,
            "years": queries.years(),
            "field_code": field_code,
            "field_name": name,
            "whole_province": scope.sees_whole_province(request.user),
            "metrics": _metric_rows([card_metrics[n] for n in FIELD_METRICS]),
            "agencies": queries.rates_by_agency(where, period),
            **_trend_context(queries.monthly_trend(where, period.year)),
            "procedures": queries.late_by_procedure(where, period),
            "causes": queries.delay_causes(where, period),
            "portal_extended": _portal_extended(),
        },
    )


# The late list's filters beyond agency and field (query parameters).
RESPONSIBLE_FILTERS = ("procedure", "step", "role", "person", "unit")


def _responsible_filters(request: HttpRequest) -> dict[str, str]:
    """The procedure and responsible-step filters of the late list; a malformed one is 404."""
    wanted = {k: request.GET[k].strip() for k in RESPONSIBLE_FILTERS if request.GET.get(k)}
    if "step" in wanted and not wanted["step"].isdigit():
        raise Http404
    if "role" in wanted and wanted["role"] not in StepRole.values:
        raise Http404
    return wanted


def _late_state(request: HttpRequest) -> tuple[str, list[str]]:
    """The late list's state filter (a key of ``queries.LATE_STATES``, empty: both); an
    unknown one is dropped with a message."""
    state = request.GET.get("state", "").strip()
    if state and state not in queries.LATE_STATES:
        return "", [_("“%(value)s” is not a state of a late dossier.") % {"value": state}]
    return state, []


def _fields() -> list[tuple[str, str]]:
    """The catalogue's fields (code, name) for the late list's field choice."""
    rows = Procedure.objects.order_by("field_name", "field_code").values_list(
        "field_code", "field_name"
    )
    return list(dict(rows).items())


def _late_filters(request: HttpRequest) -> tuple[Agency | None, str, list[str]]:
    """The late list's agency and field filters; an unknown code (or an agency outside the
    user's scope, answered alike so as not to reveal it) is dropped with a message."""
    errors = []
    agency = None
    if code := request.GET.get("agency", "").strip():
        agency = Agency.objects.filter(code=code).first()
        if agency is None or not scope.can_see_agency(request.user, agency.pk):
            agency = None
            errors.append(
                _("No agency with the code “%(code)s” among the agencies you can see.")
                % {"code": code}
            )
    field_code = request.GET.get("field", "").strip()
    if field_code and queries.field_name(field_code) is None:
        errors.append(
            _("No field with the code “%(code)s” in the procedure catalogue.")
            % {"code": field_code}
        )
        field_code = ""
    return agency, field_code, errors


def _measured_at(request: HttpRequest) -> dict[str, Any]:
    """When the open dossiers were last measured: at the latest recompute (``--open`` or full,
    both measure every open dossier), and, for those imported or pushed after it, at their
    import (the latest one is named)."""
    recomputed = jobs.last_recompute()
    imported = jobs.last_import()
    later = recomputed and imported and imported.at > recomputed.at
    return {
        "recomputed_at": recomputed.at if recomputed else None,
        "imported_at": imported.at if imported and later else None,
        "can_recompute": scope.is_reform_office(request.user),
    }


@login_required
@require_GET
@period_page
def late_list(request: HttpRequest) -> HttpResponse:
    """Late dossiers (against the original due date) with the step and person responsible,
    filtered by state (settled late, or open and already overdue; both by default, with the
    two counts at the top), agency, field, procedure and the responsible step, role or person. An unknown
    agency or field code is dropped from the filters with a message and answers 400."""
    _require_reader(request)
    period = _period(request)
    where = _scope_q(request)
    agency, field_code, filter_errors = _late_filters(request)
    if agency is not None:
        where &= Q(agency_id=agency.pk)
    responsible = _responsible_filters(request)
    state, state_errors = _late_state(request)
    filter_errors += state_errors
    # Both counts at the top whatever the state shown: the settled ones are what the
    # dashboard, field and agency pages count as late.
    page, state_counts = queries.late_page(
        where, period, field_code, state, request.GET.get("page"), **responsible
    )
    steps = queries.responsible_steps(list(page.object_list))
    rows = [(d, steps.get(d.pk)) for d in page.object_list]
    filters = {
        "period": period.label,
        **({"agency": agency.code} if agency else {}),
        **({"field": field_code} if field_code else {}),
        **({"state": state} if state else {}),
        **responsible,
    }
    response = render(
        request,
        "dossiers/late.html",
        {
            "period": period,
            "years": queries.years(),
            "agency": agency,
            "agencies": scope.visible_agencies(request.user).order_by("name"),
            "fields": _fields(),
            "roles": StepRole.choices,
            "field_code": field_code,
            "field_name": queries.field_name(field_code) if field_code else None,
            "responsible": responsible,
            "role_label": dict(StepRole.choices).get(responsible.get("role", "")),
            "state": state,
            "state_counts": state_counts,
            # The list of each state, with every other filter kept.
            "state_query": {
                key: urlencode({k: v for k, v in filters.items() if k != "state"} | {"state": key})
                for key in queries.LATE_STATES
            },
            "filter_errors": filter_errors,
            # Each badge's "clear" link: the query without that filter (person and unit go
            # together), and the page back to the first.
            "clear": {
                key: urlencode({k: v for k, v in filters.items() if k not in drop})
                for key, drop in {
                    "agency": {"agency"},
                    "field": {"field"},
                    "state": {"state"},
                    "procedure": {"procedure"},
                    "step": {"step"},
                    "role": {"role"},
                    "person": {"person", "unit"},
                }.items()
            },
            "filter_query": urlencode(filters),
            "page": page,
            "rows": rows,
            **_measured_at(request),
        },
    )
    if filter_errors:
        response.status_code = 400
    return response


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


@login_required
@require_GET
def procedures_file(request: HttpRequest) -> HttpResponse:
    """The procedure catalogue as an XLSX file in the import's layout (public data: the
    national database publishes it; every reader of these screens may download it)."""
    _require_reader(request)
    response = HttpResponse(export_procedures("xlsx"), content_type=FORMATS["xlsx"])
    name = f"chiso-thu-tuc-hanh-chinh-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
