"""Framework pages: list, tree, upload, download, clone/publish/archive, diff.

Province-wide roles may read; only the reform office may change. Views parse and authorise,
then call :mod:`chiso.frameworks.actions`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chiso.accounts.scope import is_reform_office, require_reform_office, sees_whole_province
from chiso.engine.problems import ProblemsError
from chiso.frameworks import actions
from chiso.frameworks.block_names import block_names
from chiso.frameworks.describe import describe_rule, num
from chiso.frameworks.describe_settings import (
    describe_rounding,
    describe_tie_break,
    describe_weight,
)
from chiso.frameworks.diff import diff_frameworks
from chiso.frameworks.forms import CloneForm, UploadForm
from chiso.frameworks.loading import read_framework_file
from chiso.frameworks.models import Framework, FrameworkLocked, Node
from chiso.frameworks.xlsxio import write_xlsx
from chiso.frameworks.yamlio import dump_yaml

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_viewer(request: HttpRequest) -> None:
    if not sees_whole_province(request.user):
        raise PermissionDenied


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _named_blocks(fw: Framework, names: dict[str, str]) -> str:
    return ", ".join(names.get(code, code) for code in fw.block_codes)


@login_required
@require_GET
def framework_list(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    everything = list(Framework.objects.all())
    year, block, status = (request.GET.get(k, "") for k in ("year", "block", "status"))
    shown = [
        fw
        for fw in everything
        if (not year or str(fw.year) == year)
        and (not block or block in fw.block_codes)
        and (not status or fw.status == status)
    ]
    names = block_names()
    by_year = {year: block_names(year) for year in {fw.year for fw in shown}}
    leaves = {
        row["framework"]: row["n"]
        for row in Node.objects.filter(framework__in=shown, rule__isnull=False)
        .values("framework")
        .annotate(n=Count("id"))
    }
    return render(
        request,
        "frameworks/list.html",
        {
            "frameworks": [
                (fw, leaves.get(fw.pk, 0), _named_blocks(fw, by_year[fw.year])) for fw in shown
            ],
            "years": sorted({fw.year for fw in everything}, reverse=True),
            "blocks": sorted(
                ((b, names.get(b, b)) for b in {b for fw in everything for b in fw.block_codes}),
                key=lambda pair: pair[1],
            ),
            "statuses": Framework.Status.choices,
            "selected": {"year": year, "block": block, "status": status},
            "can_change": is_reform_office(request.user),
        },
    )


@dataclass
class Row:
    """One node of the tree page, with its rule already in words."""

    node: Node
    rule_text: str
    max_points: str
    indent: int


@login_required
@require_GET
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_viewer(request)
    fw = get_object_or_404(Framework, pk=pk)
    lang = _lang()
    nodes = list(fw.nodes.order_by("order"))
    rows = [
        Row(
            node=n,
            rule_text=describe_rule(n.rule, n.max_points, lang) if n.rule else "",
            max_points=num(n.max_points, lang),
            indent=n.depth - 1,
        )
        for n in nodes
    ]
    settings = fw.settings
    adjustments = (settings.get("adjustments") or {}).get("items", [])
    versions = Framework.objects.filter(code=fw.code).exclude(pk=fw.pk)
    return render(
        request,
        "frameworks/detail.html",
        {
            "fw": fw,
            "rows": rows,
            "leaf_count": sum(1 for n in nodes if n.rule is not None),
            "classification": [
                {"label": c["label"], "gte": num(c["gte"], lang) if "gte" in c else None}
                for c in settings.get("classification", [])
            ],
            "rounding": describe_rounding(settings.get("rounding"), lang),
            "blocks": _named_blocks(fw, block_names(fw.year)),
            "tie_break": describe_tie_break(settings.get("tie_break", []), lang),
            "deputy_weight": describe_weight(
                (settings.get("leaders") or {}).get("deputy_assigned_weight"), lang
            ),
            "caps": settings.get("adjustments") or {},
            "adjustments": [
                {**a, "points_each": num(a["points_each"], lang), "max": num(a["max"], lang)}
                for a in adjustments
            ],
            "total_points": num(settings.get("total_points", 0), lang),
            "versions": versions,
            "can_change": is_reform_office(request.user),
            "clone_form": CloneForm(initial={"year": fw.year + 1}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def framework_upload(request: HttpRequest) -> HttpResponse:
    require_reform_office(request.user)
    errors: list[str] = []
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = read_framework_file(upload.name, upload.read())
            fw = actions.import_framework(
                data, actor=request.user, replace_draft=form.cleaned_data["replace_draft"]
            )
        except ProblemsError as error:
            errors = error.texts(_lang())
        except (actions.FrameworkStateError, FrameworkLocked) as error:
            errors = [str(error)]
        else:
            messages.success(request, _("Framework %(key)s imported as a draft.") % {"key": fw.key})
            return redirect("frameworks:detail", pk=fw.pk)
    return render(request, "frameworks/upload.html", {"form": form, "errors": errors})


@login_required
@require_GET
def framework_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    _require_viewer(request)
    if fmt not in ("yaml", "xlsx"):
        raise Http404
    fw = get_object_or_404(Framework, pk=pk)
    data = fw.to_dict()
    name = f"{fw.code}-{fw.year}-v{fw.version}"
    if fmt == "xlsx":
        response = HttpResponse(write_xlsx(data), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(
            dump_yaml(data).encode("utf-8"), content_type="application/yaml; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_reform_office(request.user)
    fw = get_object_or_404(Framework, pk=pk)
    try:
        if action == "publish":
            actions.publish_framework(fw, actor=request.user)
            messages.success(request, _("Framework published. It can no longer be changed."))
        elif action == "archive":
            actions.archive_framework(fw, actor=request.user)
            messages.success(request, _("Framework archived."))
        elif action == "delete":
            actions.delete_draft(fw, actor=request.user)
            messages.success(request, _("Draft deleted."))
            return redirect("frameworks:list")
        elif action == "clone":
            form = CloneForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Enter a year between 2000 and 2100."))
                return redirect("frameworks:detail", pk=fw.pk)
            clone = actions.clone_framework(fw, year=form.cleaned_data["year"], actor=request.user)
            messages.success(request, _("Draft %(key)s created.") % {"key": clone.key})
            return redirect("frameworks:detail", pk=clone.pk)
    except ProblemsError as error:
        for text in error.texts(_lang()):
            messages.error(request, text)
    except (actions.FrameworkStateError, FrameworkLocked) as error:
        messages.error(request, str(error))
    return redirect("frameworks:detail", pk=fw.pk)


@login_required
@require_POST
def framework_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "publish")


@login_required
@require_POST
def framework_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "archive")


@login_required
@require_POST
def framework_delete(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "delete")


@login_required
@require_POST
def framework_clone(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "clone")


@login_required
@require_GET
def framework_diff(request: HttpRequest) -> HttpResponse:
    _require_viewer(request)
    frameworks = list(Framework.objects.all())
    by_id = {str(fw.pk): fw for fw in frameworks}
    a, b = by_id.get(request.GET.get("a", "")), by_id.get(request.GET.get("b", ""))
    changes = None
    if a is not None and b is not None:
        lang = _lang()
        names = block_names(b.year)
        changes = [
            {"kind": c.kind, "scope": c.scope, "key": c.key, "text": c.text(lang)}
            for c in diff_frameworks(a.to_dict(), b.to_dict(), names)
        ]
    return render(
        request,
        "frameworks/diff.html",
        {"frameworks": frameworks, "a": a, "b": b, "changes": changes},
    )
