"""Facts pages: the values rules read, with source and date; import for the reform office."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chiso.accounts import scope
from chiso.core.forms import UploadField
from chiso.facts.importing import COLUMNS, import_facts
from chiso.facts.models import Fact
from chiso.frameworks.facts import describe_fact


class ImportForm(forms.Form):
    file = UploadField(label=gettext_lazy("File (XLSX or CSV)"))
    dry_run = forms.BooleanField(label=gettext_lazy("Only check, save nothing"), required=False)


def _tasks_behind(fact: Fact) -> str | None:
    """The list of plan tasks behind a completion rate (other facts come from elsewhere)."""
    from chiso.plans.facts import tasks_behind  # plans writes facts: import it lazily

    person = fact.person.code if fact.person else ""
    return tasks_behind(fact.name, fact.agency.code, fact.year, fact.as_of, person)


@login_required
@require_GET
def fact_list(request: HttpRequest) -> HttpResponse:
    """Province-wide roles see every fact; agency users see their own agency's."""
    scope.require_any_role(request.user)
    facts = (
        Fact.objects.filter(agency__in=scope.visible_agencies(request.user))
        .select_related("agency", "person")
        # The agency's own value first, then its leaders' (person set).
        .order_by("-year", "agency__name", "name", F("person__full_name").asc(nulls_first=True))
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        facts = facts.filter(year=int(year))
    lang = "en" if (get_language() or "vi").startswith("en") else "vi"
    rows = [(f, describe_fact(f.name, lang), _tasks_behind(f)) for f in facts[:2000]]
    years = sorted(set(Fact.objects.values_list("year", flat=True)), reverse=True)
    return render(request, "facts/list.html", {"rows": rows, "years": years, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def fact_import(request: HttpRequest) -> HttpResponse:
    scope.require_reform_office(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_facts(
            upload.read(),
            actor=request.user,
            filename=upload.name,
            lang="en" if (get_language() or "vi").startswith("en") else "vi",
            dry_run=form.cleaned_data["dry_run"],
        )
        if report.ok and not form.cleaned_data["dry_run"]:
            messages.success(
                request,
                _(
                    "Facts imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
                )
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                },
            )
            return redirect("facts:list")
    return render(
        request,
        "facts/import.html",
        {"form": form, "report": report, "columns": COLUMNS},
    )
