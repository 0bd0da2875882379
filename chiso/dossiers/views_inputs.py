"""The manual inputs page of the 766 index (``/dossiers/inputs/?period=…&agency=…``).

Without ``agency``: every visible agency's figures of the period, one column per indicator,
and the province's sums. With it: that agency's figures, one row per indicator; the reform
office saves each row in place (htmx) and imports the same table from XLSX/CSV. Province-wide
roles read every agency, focal officers and agency leaders their own (404 for another);
everyone else is refused. Writes go through :mod:`chiso.dossiers.serviceinputs`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.dossiers import queries
from chiso.dossiers.models import ServiceInput
from chiso.dossiers.periods import normalise, read_period
from chiso.dossiers.serviceinputs import (
    METRICS,
    InputError,
    canonical_period,
    chosen_entries,
    entered,
    import_inputs,
    save_input,
)
from chiso.frameworks.facts import describe_fact
from chiso.org.models import Agency

MAX_UPLOAD = 5 * 1024 * 1024


def _require_reader(request: HttpRequest) -> None:
    if not (
        scope.sees_whole_province(request.user)
        or scope.has_role(request.user, Role.FOCAL_OFFICER, Role.AGENCY_LEADER)
    ):
        raise PermissionDenied


def _period(text: str | None) -> str:
    """The period of a form post (the page's hidden field), canonical; 404 when forged."""
    text = text or str(queries.default_year())
    try:
        return canonical_period(normalise(text) or text)
    except InputError as e:
        raise Http404 from e


def _agency(request: HttpRequest, code: str) -> Agency:
    agency = get_object_or_404(Agency, code=code)
    if not scope.can_see_agency(request.user, agency.pk):
        raise Http404
    return agency


def _label(metric: str) -> str:
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    return describe_fact(metric, lang)


def _row(
    agency: Agency, period: str, metric: str, chosen: ServiceInput | None, **extra: Any
) -> dict[str, Any]:
    """One indicator of one agency: the exact-period entry (edited) and the entry used."""
    exact = chosen if chosen is not None and chosen.period == period else None
    return {
        "agency": agency,
        "period": period,
        "metric": metric,
        "item": METRICS[metric],
        "label": _label(metric),
        "entry": exact,
        "used": chosen,
        "version": exact.version if exact is not None else 0,
        **extra,
    }


def _rows(agency: Agency, period: str) -> list[dict[str, Any]]:
    chosen = chosen_entries(Q(agency_id=agency.pk), period)
    return [_row(agency, period, m, chosen.get((agency.pk, m))) for m in METRICS]


def _overview(request: HttpRequest, period: str) -> dict[str, Any]:
    agencies = list(scope.visible_agencies(request.user).order_by("code"))
    ids = [a.pk for a in agencies]
    chosen = chosen_entries(Q(agency_id__in=ids), period)
    table = [(a, [chosen.get((a.pk, m)) for m in METRICS]) for a in agencies]
    sums = entered(Q(agency_id__in=ids), period)
    return {
        "table": table,
        "totals": [sums.get(m) for m in METRICS],
        "columns": [(METRICS[m], _label(m)) for m in METRICS],
        "whole_province": scope.sees_whole_province(request.user),
    }


def _page(request: HttpRequest, period: str, **extra: Any) -> HttpResponse:
    code = request.GET.get("agency") or request.POST.get("agency") or ""
    context: dict[str, Any] = {
        "period": period,
        "can_edit": scope.is_reform_office(request.user),
        "agencies": scope.visible_agencies(request.user).order_by("code"),
        **extra,
    }
    if code:
        agency = _agency(request, code)
        context |= {"agency": agency, "rows": _rows(agency, period)}
    else:
        context |= _overview(request, period)
    return render(request, "dossiers/inputs.html", context)


@login_required
@require_GET
def inputs_page(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    # Read as people write it (11/2024, Quý 4/2024); a refused period shows the default year
    # with the message next to the field and answers 400, like the other dossier pages.
    choice = read_period(request.GET.get("period"), queries.default_year)
    response = _page(
        request,
        canonical_period(choice.period.label),
        period_error=choice.error,
        typed_period=choice.typed,
    )
    if choice.error:
        response.status_code = 400
    return response


def _count(text: str) -> int | None:
    text = text.strip().replace(".", "").replace(" ", "")
    return int(text) if text.isdigit() else None


@login_required
@require_POST
def save_cell(request: HttpRequest, code: str, metric: str) -> HttpResponse:
    """Save one indicator of one agency; answers the row again (htmx) or the page."""
    scope.require_reform_office(request.user)
    agency = get_object_or_404(Agency, code=code)
    if metric not in METRICS:
        raise Http404
    period = _period(request.POST.get("period"))
    raw = {k: request.POST.get(k, "") for k in ("numerator", "denominator", "source", "evidence")}
    numerator, denominator = _count(raw["numerator"]), _count(raw["denominator"])
    error = ""
    if (raw["numerator"].strip() and numerator is None) or (
        raw["denominator"].strip() and denominator is None
    ):
        error = _("write both the numerator and the denominator as whole numbers")
    else:
        try:
            save_input(
                agency,
                period,
                metric,
                numerator=numerator,
                denominator=denominator,
                source=raw["source"],
                evidence=raw["evidence"],
                expected_version=_count(request.POST.get("version", "")) or 0,
                actor=request.user,
            )
        except InputError as e:
            error = str(e)
    if not request.headers.get("HX-Request"):
        if error:
            return _page(request, period, agency_error=error)
        return redirect(f"{reverse('dossiers:inputs')}?period={period}&agency={code}")
    chosen = chosen_entries(Q(agency_id=agency.pk), period).get((agency.pk, metric))
    row = _row(agency, period, metric, chosen, error=error, typed=raw if error else None)
    return render(
        request, "dossiers/inputs_row.html", {"r": row, "can_edit": True, "saved": not error}
    )


@login_required
@require_POST
def import_view(request: HttpRequest) -> HttpResponse:
    """Import the inputs table (XLSX or CSV, the type read from the content, not the name)."""
    scope.require_reform_office(request.user)
    period = _period(request.POST.get("period"))
    upload = request.FILES.get("file")
    if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
        return _page(request, period, import_error=_("Choose an XLSX or CSV file of at most 5 MB."))
    report = import_inputs(upload.read(), actor=request.user, filename=upload.name or "")
    return _page(request, period, report=report)


# Spliced into chiso/dossiers/urls.py under the app's namespace.
urlpatterns = [
    path("inputs/", inputs_page, name="inputs"),
    path("inputs/import/", import_view, name="inputs_import"),
    path("inputs/<slug:code>/<str:metric>/", save_cell, name="input_save"),
]
