"""One item of the assessment page, saved with htmx: the self-assessment and the explanation.

Each request answers the item's fragment (and the progress box, out of band). When an action
refuses, the fragment shows its message beside the item and keeps what the user typed; after a
conflict the stale version is kept too, so saving again cannot overwrite the other person's
edit until the item is reloaded.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from chiso.assessments import evidence as files
from chiso.assessments.actions import (
    AssessmentError,
    ConflictError,
    save_self_assessment,
    submit_explanation,
)
from chiso.assessments.models import Assessment
from chiso.assessments.views.agency_context import (
    ItemView,
    build_items,
    parse_value,
    permissions,
    progress_view,
    summary,
    visible_assessment,
)


def one_item(request: HttpRequest, assessment: Assessment, code: str) -> ItemView:
    fields, _result = build_items(assessment, permissions(request.user, assessment), {code})
    if not fields or fields[0].items[0].entry is None:
        raise Http404
    return fields[0].items[0]


def item_response(
    request: HttpRequest, assessment: Assessment, item: ItemView, *, fresh: bool = False
) -> HttpResponse:
    """The item's fragment for htmx; a plain form post goes back to the page instead."""
    if not request.headers.get("HX-Request"):
        if item.error:
            messages.error(request, item.error)
        elif item.notice:
            messages.success(request, item.notice)
        url = redirect("assessments:assessment", pk=assessment.pk).url
        return redirect(f"{url}#item-{item.entry.pk if item.entry else ''}")
    perms = permissions(request.user, assessment)
    totals = summary(assessment, perms)
    if item.points is None and totals is not None and totals.result is not None:
        # The summary scored the whole assessment anyway: the item shows its points from it.
        item.points = totals.result.nodes[item.node.code].points
    return render(
        request,
        "assessments/agency/_item_response.html",
        {
            "assessment": assessment,
            "item": item,
            "perms": perms,
            "progress": progress_view(assessment, perms),
            "summary": totals,
            "accept": files.ACCEPT,
            "oob": not fresh,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """GET: the item as stored (the "reload" after a conflict). POST: save the self-assessment."""
    assessment = visible_assessment(request.user, pk)
    view = one_item(request, assessment, code)
    if request.method == "GET":
        return item_response(request, assessment, view, fresh=True)
    posted = request.POST
    entry = view.entry
    assert entry is not None  # one_item answers 404 for items without an entry
    try:
        expected = int(posted.get("expected_version", ""))
    except ValueError:
        expected = -1
    typed_na = posted.get("not_applicable") == "on"
    try:
        value = None if typed_na else parse_value(posted.get("value", ""), code)
        save_self_assessment(
            assessment,
            code,
            value=value,
            not_applicable=typed_na,
            justification=posted.get("justification", ""),
            expected_version=expected,
            actor=request.user,
        )
    except AssessmentError as exc:
        view.value = posted.get("value", "")
        view.not_applicable = typed_na
        view.justification = posted.get("justification", "")
        view.error = str(exc)
        view.version = expected
        view.stale = isinstance(exc, ConflictError)
        return item_response(request, assessment, view)
    saved = one_item(request, assessment, code)
    saved.notice = _("Saved.")
    return item_response(request, assessment, saved)


@login_required
@require_POST
def explain(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The agency's explanation of an item the appraisers marked (explanation stage)."""
    assessment = visible_assessment(request.user, pk)
    view = one_item(request, assessment, code)
    assert view.entry is not None
    try:
        expected = int(request.POST.get("expected_version", ""))
    except ValueError:
        expected = -1
    text = request.POST.get("explanation", "")
    try:
        submit_explanation(view.entry, text=text, expected_version=expected, actor=request.user)
    except AssessmentError as exc:
        view.explanation = text
        view.error = str(exc)
        view.version = expected
        view.stale = isinstance(exc, ConflictError)
        return item_response(request, assessment, view)
    saved = one_item(request, assessment, code)
    saved.notice = _("Explanation saved.")
    return item_response(request, assessment, saved)
