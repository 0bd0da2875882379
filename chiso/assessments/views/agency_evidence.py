"""Evidence files on the assessment page: upload, download (as an attachment only), removal.

A file is never rendered by the browser: it goes out with ``Content-Disposition: attachment``,
its sniffed type, ``X-Content-Type-Options: nosniff`` and a sandboxing Content-Security-Policy.
Whoever may not read it gets 404, whether or not the file exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts import scope
from chiso.assessments import evidence as files
from chiso.assessments.actions import AssessmentError, add_evidence, remove_evidence
from chiso.assessments.models import AdjustmentEntry, Assessment, Evidence
from chiso.assessments.views.agency_context import visible_assessment
from chiso.assessments.views.agency_items import item_response, one_item


def _back(assessment: Assessment, anchor: str) -> HttpResponse:
    url = redirect("assessments:assessment", pk=assessment.pk).url
    return redirect(f"{url}#{anchor}")


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach the posted ``file`` to the item ``entry`` (a code) or the bonus/penalty entry
    ``adjustment`` (a code)."""
    assessment = visible_assessment(request.user, pk)
    upload_file = request.FILES.get("file")
    description = request.POST.get("description", "")
    code = request.POST.get("entry", "")
    if code:
        view = one_item(request, assessment, code)
        try:
            if upload_file is None:
                raise AssessmentError(_("Choose a file to upload."))
            added = add_evidence(
                assessment,
                upload_file,
                entry=view.entry,
                description=description,
                actor=request.user,
            )
        except AssessmentError as exc:
            view.error = str(exc)
            return item_response(request, assessment, view)
        view = one_item(request, assessment, code)
        view.notice = _("The file «%(name)s» was added.") % {"name": added.original_name}
        return item_response(request, assessment, view)
    adjustment = get_object_or_404(
        AdjustmentEntry, assessment=assessment, code=request.POST.get("adjustment", "")
    )
    try:
        if upload_file is None:
            raise AssessmentError(_("Choose a file to upload."))
        added = add_evidence(
            assessment,
            upload_file,
            adjustment=adjustment,
            description=description,
            actor=request.user,
        )
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The file «%(name)s» was added.") % {"name": added.original_name}
        )
    return _back(assessment, f"adjustment-{adjustment.code}")


def _readable(request: HttpRequest, pk: int) -> Evidence:
    evidence = get_object_or_404(Evidence.objects.select_related("assessment", "entry"), pk=pk)
    if not files.can_download(request.user, evidence):
        raise Http404
    # A withdrawn file stays on disk for the audit trail, for the reform office only.
    if evidence.removed_at is not None and not scope.is_reform_office(request.user):
        raise Http404
    return evidence


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _readable(request, pk)
    response = FileResponse(
        files.open_file(evidence),
        as_attachment=True,
        filename=files.clean_name(evidence.original_name),
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _readable(request, pk)
    assessment = visible_assessment(request.user, evidence.assessment_id)
    reason = request.POST.get("reason", "")
    try:
        remove_evidence(evidence, reason=reason, actor=request.user)
        error, notice = "", _("The file «%(name)s» was removed.") % {"name": evidence.original_name}
    except AssessmentError as exc:
        error, notice = str(exc), ""
    if evidence.entry is None:
        if error:
            messages.error(request, error)
        else:
            messages.success(request, notice)
        return _back(
            assessment, f"adjustment-{evidence.adjustment.code if evidence.adjustment else ''}"
        )
    view = one_item(request, assessment, evidence.entry.code)
    view.error, view.notice = error, notice
    return item_response(request, assessment, view)
