"""The registry pages: agencies, leaders, blocks, import and export.

Reading needs a province-wide role or an agency role. Agency roles see their own agency and the
units below it; any other agency answers 404, so that its existence does not leak. Only the
reform office imports files or creates blocks; every change goes through :mod:`chiso.org.actions`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.middleware import HtmxDetails

from chiso.accounts import scope
from chiso.org import queries
from chiso.org.actions import create_block, import_registry
from chiso.org.exporting import KINDS, export_registry
from chiso.org.forms import AgencyFilterForm, BlockForm, ImportForm, PeopleFilterForm
from chiso.org.models import AgencyType, Block, Person, Position
from chiso.org.queries import HEADS_FIRST
from chiso.org.tabular import FORMATS


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _require_reader(request: HttpRequest) -> None:
    queries.require_reader(request.user)


def _lang() -> str:
    return "en" if (translation.get_language() or "").startswith("en") else "vi"


def _year(value: Any) -> int:
    """The year a page shows: the one asked for, else the latest with blocks, else this year."""
    return queries.shown_year(value if isinstance(value, int) else None)


@login_required
@require_GET
def agency_list(request: HtmxHttpRequest) -> HttpResponse:
    _require_reader(request)
    form = AgencyFilterForm(request.GET)
    form.is_valid()
    filters = form.cleaned_data
    year = _year(filters.get("year"))
    agencies = queries.find_agencies(
        request.user,
        year=year,
        q=filters.get("q") or "",
        type_code=filters.get("type") or "",
        block=filters.get("block") or "",
        on=None if filters.get("validity", "") == "all" else timezone.localdate(),
    )
    context = {
        "agencies": agencies,
        "filters": {**filters, "year": year, "validity": filters.get("validity") or "today"},
        "types": AgencyType.objects.all(),
        "year_blocks": Block.objects.filter(year=year),
        "years": _block_years(year),
    }
    # htmx swaps in the table alone, except when restoring history it has not cached.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(
        request,
        "org/_agency_table.html" if partial else "org/agency_list.html",
        {**context, "partial": partial},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


def _block_years(year: int) -> list[int]:
    return queries.block_years(year)


@login_required
@require_GET
def agency_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require_reader(request)
    agency = queries.visible_agency(request.user, code)
    if agency is None:
        raise Http404
    record = queries.agency_record(request.user, agency)
    context = {
        "agency": record.agency,
        "children": record.children,
        "incoming": record.incoming,
        "outgoing": record.outgoing,
        "history": record.history,
        "inherits": record.inherits,
        "earlier_units": record.earlier_units,
        "linkable": record.linkable,
        "blocks": record.blocks,
        "positions": record.positions,
        "scores": record.scores,
        "today": timezone.localdate(),
    }
    return render(request, "org/agency_detail.html", context)


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    form = PeopleFilterForm(request.GET)
    form.is_valid()
    filters = form.cleaned_data
    visible = scope.visible_agencies(request.user)
    positions = (
        Position.objects.filter(agency__in=visible)
        .select_related("person", "agency")
        .prefetch_related("assignments")
        .order_by("agency__name", HEADS_FIRST, "-start")
    )
    unplaced = Person.objects.none()
    if scope.sees_whole_province(request.user) and not filters.get("agency"):
        unplaced = Person.objects.filter(positions=None)
    if q := filters.get("q"):
        positions = positions.filter(
            Q(person__full_name__icontains=q) | Q(person__code__icontains=q) | Q(title__icontains=q)
        )
        unplaced = unplaced.filter(Q(full_name__icontains=q) | Q(code__icontains=q))
    if filters.get("agency"):
        positions = positions.filter(agency__code=filters["agency"])
    if filters.get("role"):
        positions = positions.filter(role=filters["role"])
        unplaced = Person.objects.none()
    if filters.get("terms", "") != "all":
        today = timezone.localdate()
        positions = positions.filter(start__lte=today).filter(Q(end=None) | Q(end__gte=today))
    context = {
        "positions": positions,
        "unplaced": unplaced,
        "filters": {**filters, "terms": filters.get("terms") or "current"},
        "agencies": visible.order_by("name"),
    }
    return render(request, "org/people.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def blocks(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    try:
        year = _year(int(request.GET.get("year", "")))
    except ValueError:
        year = _year(None)
    form = BlockForm(request.POST or None)
    if request.method == "POST":
        scope.require_reform_office(request.user)
        if form.is_valid():
            try:
                block = create_block(year=year, actor=request.user, **form.cleaned_data)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(
                    request,
                    _("Block %(name)s (%(year)s) created.")
                    % {"name": block.name, "year": block.year},
                )
                return redirect(f"{reverse('org:blocks')}?year={year}")
    context = {
        "year": year,
        "years": _block_years(year),
        "blocks": queries.blocks_of_year(request.user, year),
        "form": form,
    }
    return render(request, "org/blocks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request: HttpRequest) -> HttpResponse:
    scope.require_reform_office(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_registry(
            upload.read(),
            actor=request.user,
            filename=upload.name,
            kind=form.cleaned_data["kind"] or None,
            year=form.cleaned_data["year"],
            lang=_lang(),
            dry_run=form.cleaned_data["dry_run"],
        )
        if report.ok and not report.dry_run:
            messages.success(request, report.summary())
            return redirect("org:import")
    return render(request, "org/import.html", {"form": form, "report": report})


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The registry as a file, limited to what the user may see."""
    _require_reader(request)
    kind, fmt = request.GET.get("kind", ""), request.GET.get("format", "xlsx")
    year = request.GET.get("year", "")
    if kind not in KINDS or fmt not in FORMATS or (year and not year.isdigit()):
        raise Http404
    data = export_registry(
        kind,
        fmt,
        agencies=scope.visible_agencies(request.user),
        year=int(year) if year else None,
        lang=_lang(),
        with_unplaced=scope.sees_whole_province(request.user),
    )
    response = HttpResponse(data, content_type=FORMATS[fmt])
    name = f"chiso-{kind}-{timezone.localdate():%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
