"""The petitions page (``/dossiers/petitions/?period=…&agency=…``) and its import.

Per agency, the petitions (phản ánh, kiến nghị — PAKN) received in the period: answered,
answered on time, satisfied, and the two rates of group 5 of the 766 index; with ``agency``,
also that agency's petitions one by one. Province-wide roles read every agency, focal officers
and agency leaders their own (another agency answers 404); everyone else is refused. The
reform office imports the PAKN system's export here through
:func:`chiso.dossiers.petitions.import_petitions` (every bad row reported, nothing written).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.dossiers import petition_summary
from chiso.dossiers.periods import read_period
from chiso.dossiers.petitions import COLUMNS, import_petitions
from chiso.dossiers.workcalendar import aware
from chiso.org.models import Agency

MAX_UPLOAD = 10 * 1024 * 1024
PER_PAGE = 50


def _require_reader(request: HttpRequest) -> None:
    if not (
        scope.sees_whole_province(request.user)
        or scope.has_role(request.user, Role.FOCAL_OFFICER, Role.AGENCY_LEADER)
    ):
        raise PermissionDenied


def _agency(request: HttpRequest, code: str) -> Agency:
    """The agency of ``?agency=``; one outside the user's scope is answered like a missing one."""
    agency = get_object_or_404(Agency, code=code)
    if not scope.can_see_agency(request.user, agency.pk):
        raise Http404
    return agency


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _page(request: HttpRequest, params: QueryDict, status: int = 200, **extra: Any) -> HttpResponse:
    """The page for ``period`` (read as people write it; a refused one shows the default year
    with the message and answers 400) and ``agency`` of ``params`` (the query, or the import
    form's hidden fields)."""
    choice = read_period(params.get("period"), petition_summary.default_year)
    request.period_choice = choice  # type: ignore[attr-defined]  # the period field
    period = choice.period
    code = params.get("agency", "").strip()
    agency = _agency(request, code) if code else None
    visible = scope.visible_agencies(request.user)
    lines, total = petition_summary.summarise(
        visible.filter(pk=agency.pk) if agency else visible, period
    )
    context: dict[str, Any] = {
        "period": period,
        "years": petition_summary.years(),
        "agency": agency,
        "agencies": visible.filter(petitions__isnull=False).distinct().order_by("name"),
        "lines": lines,
        "total": total,
        "can_import": scope.is_reform_office(request.user),
        # The moment the counts are measured at: answered, rated, overdue by then.
        "measured_at": aware(period.end),
        "columns": [(c.label(_lang()), c.required) for c in COLUMNS],
        **extra,
    }
    if agency is not None:
        context["petitions"] = Paginator(
            petition_summary.petitions_of(agency, period), PER_PAGE
        ).get_page(params.get("page"))
    response = render(request, "dossiers/petitions.html", context)
    response.status_code = 400 if choice.error and status == 200 else status
    return response


@login_required
@require_GET
def petitions_page(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    return _page(request, request.GET)


@login_required
@require_POST
def petitions_import(request: HttpRequest) -> HttpResponse:
    """Import the PAKN export (XLSX or CSV read by content; JSON or JSON Lines by name)."""
    scope.require_reform_office(request.user)
    upload = request.FILES.get("file")
    if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
        return _page(
            request,
            request.POST,
            400,
            import_error=_("Choose an XLSX, CSV, JSON or JSON Lines file of at most 10 MB."),
        )
    report = import_petitions(
        upload.read(),
        actor=request.user,
        filename=upload.name or "",
        lang=_lang(),
    )
    if not report.ok:
        return _page(request, request.POST, 400, report=report)
    messages.success(
        request,
        _("Petitions imported: %(created)s new, %(updated)s updated, %(unchanged)s unchanged.")
        % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    # Post/redirect/get: a page shown at the import's address would reload as a new import.
    wanted = {k: request.POST[k] for k in ("period", "agency") if request.POST.get(k)}
    return redirect(f"{reverse('dossiers:petitions')}?{urlencode(wanted)}")


# Spliced into chiso/dossiers/urls.py under the app's namespace.
urlpatterns = [
    path("petitions/", petitions_page, name="petitions"),
    path("petitions/import/", petitions_import, name="petitions_import"),
]
