"""The reform office's campaign pages: create and edit a campaign's settings, and its quota
grid (agency × respondent group × channel) with the suggested sample size, XLSX in and out.

Only the reform office reaches these pages (403 for everyone else, as for the other writing
survey pages); every write goes through chiso.surveys.actions.campaigns.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.accounts import scope
from chiso.org.models import Agency, Block
from chiso.org.tabular import FORMATS, write_table
from chiso.surveys import indices
from chiso.surveys.actions import SurveyError
from chiso.surveys.actions.campaigns import (
    QUOTA_COLUMNS,
    create_campaign,
    import_quotas,
    set_quotas,
    update_campaign,
)
from chiso.surveys.forms import CampaignForm, QuotaFileForm
from chiso.surveys.models import Campaign, Channel, Group


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _office_campaign(request: HttpRequest, pk: int) -> Campaign:
    scope.require_reform_office(request.user)
    return get_object_or_404(Campaign, pk=pk)


# -- settings -----------------------------------------------------------------------------


def _agency_picker(form: CampaignForm, request: HttpRequest) -> dict[str, Any]:
    """The agencies offered, narrowed to one evaluation block when the user filters by it.
    Ticked agencies outside the filter stay selected (as hidden inputs), so filtering never
    loses a choice. "Tick the block" adds every agency of the chosen block."""
    source = request.POST if request.method == "POST" else request.GET
    blocks = list(Block.objects.order_by("-year", "order", "name"))
    block = next((b for b in blocks if str(b.pk) == source.get("block")), None)
    if form.is_bound:
        chosen = {int(v) for v in request.POST.getlist("agencies") if v.isdigit()}
    else:
        chosen = {a.pk for a in form.initial.get("agencies", [])}
    if block is not None and source.get("action") == "tick_block":
        chosen |= set(block.agencies.values_list("pk", flat=True))
    today = timezone.localdate()
    offered = Agency.objects.valid_on(today) | Agency.objects.filter(pk__in=chosen)
    if block is not None:
        offered = offered.filter(blocks=block)
    shown = list(offered.distinct().order_by("name"))
    shown_ids = {a.pk for a in shown}
    return {
        "blocks": blocks,
        "block": block,
        "shown_agencies": shown,
        "chosen": chosen,
        "hidden_chosen": sorted(chosen - shown_ids),
        "hidden_names": list(
            Agency.objects.filter(pk__in=chosen - shown_ids)
            .order_by("name")
            .values_list("name", flat=True)
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    scope.require_reform_office(request.user)
    return _settings_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _office_campaign(request, pk)
    if campaign.status != Campaign.Status.DRAFT:
        messages.error(
            request,
            _("Only a campaign being prepared can change its settings: answers already count."),
        )
        return redirect("surveys:detail", pk=campaign.pk)
    return _settings_page(request, campaign)


def _settings_page(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    """One page for both creating and editing. The block filter and "tick the block" buttons
    re-show the form with what was typed (nothing saved); "save" calls the action."""
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if request.POST.get("action") == "save":
            if form.is_valid():
                try:
                    if campaign is None:
                        campaign = create_campaign(actor=request.user, **form.settings())
                        messages.success(
                            request, _("Campaign created. Set its quotas in the grid below.")
                        )
                        return redirect("surveys:quotas", pk=campaign.pk)
                    update_campaign(campaign, actor=request.user, **form.settings())
                except SurveyError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, _("Campaign settings saved."))
                    return redirect("surveys:detail", pk=campaign.pk)
        else:
            form.errors.clear()  # a filter step: the user has not asked to save yet
    elif campaign is not None:
        form = CampaignForm(initial=CampaignForm.initial_for(campaign))
    else:
        year = timezone.localdate().year
        form = CampaignForm(
            initial={
                "year": year,
                "margin_percent": 5,
                "min_cell": 5,
                "no_opinion": "exclude",
                "seed": secrets.randbelow(900_000) + 100_000,
            }
        )
    status = 400 if request.method == "POST" and request.POST.get("action") == "save" else 200
    return render(
        request,
        "surveys/campaign_form.html",
        {"form": form, "campaign": campaign, **_agency_picker(form, request)},
        status=status,
    )


# -- quotas -------------------------------------------------------------------------------


@dataclass
class AgencyRow:
    agency: Agency
    population: str  # N as typed, or from the dossiers of the year
    from_dossiers: bool
    suggestion: int | None
    cells: list[dict[str, Any]]


def _dossier_counts(campaign: Campaign) -> dict[int, int]:
    """N per agency: dossiers (one-stop-shop transactions) received in the campaign's year,
    the N of the Ministry's formula when the dossier module holds that year."""
    from chiso.dossiers.models import Dossier
    from chiso.surveys.actions.sampling import received_in_year

    rows = (
        Dossier.objects.filter(received_in_year(campaign.year), agency__in=campaign.agencies.all())
        .values("agency")
        .annotate(n=Count("pk"))
    )
    return {r["agency"]: r["n"] for r in rows}


def _grid(
    campaign: Campaign, typed: dict[str, str] | None, errors: set[str]
) -> tuple[list[AgencyRow], list[tuple[str, str]]]:
    """Rows of the grid: per agency, N and its suggested n, then one input per group ×
    channel (``q_<agency>_<group>_<channel>``) holding the typed value or the saved quota."""
    saved = {(q.agency_id, q.group, q.channel): q.target for q in campaign.quotas.all()}
    dossiers = _dossier_counts(campaign)
    columns = [(g, c) for g in Group.values for c in Channel.values]
    rows = []
    for agency in campaign.agencies.order_by("name"):
        key = f"n_{agency.pk}"
        typed_n = (typed or {}).get(key, "").strip()
        population = typed_n or (str(dossiers[agency.pk]) if agency.pk in dossiers else "")
        suggestion = (
            indices.sample_size(int(population), campaign.margin) if population.isdigit() else None
        )
        cells = []
        for group, channel in columns:
            name = f"q_{agency.pk}_{group}_{channel}"
            target = saved.get((agency.pk, group, channel))
            value = (typed or {}).get(name, "" if target is None else str(target))
            cells.append(
                {
                    "name": name,
                    "value": value,
                    "label": f"{agency.name} · {Group(group).label} · {Channel(channel).label}",
                    "error": name in errors,
                }
            )
        rows.append(
            AgencyRow(agency, population, not typed_n and agency.pk in dossiers, suggestion, cells)
        )
    return rows, columns


def _parse_grid(
    campaign: Campaign, data: Any
) -> tuple[dict[tuple[int, str, str], int | None], list[str], set[str]]:
    """The typed targets, and a message naming each cell that is not a whole number."""
    targets: dict[tuple[int, str, str], int | None] = {}
    problems: list[str] = []
    bad: set[str] = set()
    for agency in campaign.agencies.order_by("name"):
        for group in Group.values:
            for channel in Channel.values:
                name = f"q_{agency.pk}_{group}_{channel}"
                if name not in data:
                    continue
                raw = data.get(name, "").strip()
                if raw.isdigit():
                    targets[(agency.pk, group, channel)] = int(raw)
                elif raw == "":
                    targets[(agency.pk, group, channel)] = None
                else:
                    bad.add(name)
                    problems.append(
                        _("%(cell)s: '%(value)s' is not a whole number of responses")
                        % {
                            "cell": f"{agency.name} · {Group(group).label} · "
                            f"{Channel(channel).label}",
                            "value": raw,
                        }
                    )
    return targets, problems, bad


@login_required
@require_http_methods(["GET", "POST"])
def quota_grid(request: HttpRequest, pk: int) -> HttpResponse:
    """Every quota of the campaign on one page. "Suggest" computes n = N / (1 + N·e²) per
    agency from the N typed (or counted from the year's dossiers) without saving; "save"
    writes every changed cell at once (an empty cell has no quota)."""
    campaign = _office_campaign(request, pk)
    typed: dict[str, str] | None = None
    problems: list[str] = []
    bad: set[str] = set()
    status = 200
    if request.method == "POST":
        typed = {k: str(v) for k, v in request.POST.items() if k.startswith(("q_", "n_"))}
        if request.POST.get("action") == "save":
            targets, problems, bad = _parse_grid(campaign, request.POST)
            if not problems:
                try:
                    counts = set_quotas(campaign, actor=request.user, targets=targets)
                except SurveyError as error:
                    problems = [str(error)]
                else:
                    messages.success(
                        request,
                        _(
                            "Quotas saved: %(created)s new, %(changed)s changed, %(removed)s removed."
                        )
                        % counts,
                    )
                    return redirect("surveys:quotas", pk=campaign.pk)
            status = 400
    rows, columns = _grid(campaign, typed, bad)
    return render(
        request,
        "surveys/campaign_form_quotas.html",
        {
            "campaign": campaign,
            "rows": rows,
            "groups": [(g, Group(g).label) for g in Group.values],
            "channels": [(c, Channel(c).label) for c in Channel.values],
            "columns": columns,
            "problems": problems,
            "editable": campaign.status != Campaign.Status.CLOSED,
            "file_form": QuotaFileForm(),
            "margin_squared": campaign.margin * campaign.margin,
        },
        status=status,
    )


@login_required
@require_GET
def quota_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The campaign's quotas in the import's columns, to fill in a spreadsheet and load back."""
    campaign = _office_campaign(request, pk)
    lang = _lang()
    headers = [c.label(lang) for c in QUOTA_COLUMNS]
    rows: list[list[str | int]] = [
        [q.agency.code, q.group, q.channel, q.target]
        for q in campaign.quotas.select_related("agency").order_by(
            "agency__name", "group", "channel"
        )
    ]
    response = HttpResponse(write_table(headers, rows, "xlsx"), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="chi-tieu-khao-sat-{campaign.pk}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def quota_import(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _office_campaign(request, pk)
    form = QuotaFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("file", [])))
        return redirect("surveys:quotas", pk=campaign.pk)
    upload = form.cleaned_data["file"]
    try:
        report = import_quotas(
            campaign, upload.read(), actor=request.user, filename=upload.name, lang=_lang()
        )
    except SurveyError as error:
        messages.error(request, str(error))
        return redirect("surveys:quotas", pk=campaign.pk)
    if report.ok:
        messages.success(
            request,
            _("Quotas saved: %(created)s new, %(changed)s changed, %(removed)s removed.")
            % report.counts,
        )
    else:
        for problem in report.problems[:30]:
            messages.error(request, str(problem))
    return redirect("surveys:quotas", pk=campaign.pk)
