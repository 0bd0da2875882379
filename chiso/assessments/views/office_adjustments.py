"""The reform office's bonus and penalty page of one assessment: count, note and evidence per
item of the framework, within its caps (par-index.md §2.5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from chiso.accounts import scope
from chiso.assessments import actions
from chiso.assessments import evidence as files
from chiso.assessments.models import AdjustmentEntry, Assessment, Evidence, Stage
from chiso.assessments.views.office import (
    EvidenceLink,
    evidence_link,
    lang,
    parse_points,
    shown,
)
from chiso.frameworks.describe import num

OPEN_STAGES = (Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2, Stage.COUNCIL)


def _rows(assessment: Assessment, posted: dict[str, Any]) -> list[dict[str, Any]]:
    framework = assessment.round.framework.to_engine()
    entries = {a.code: a for a in assessment.adjustments.all()}
    evidence: dict[int, list[EvidenceLink]] = {}
    for ev in Evidence.objects.filter(adjustment__assessment=assessment, removed_at=None):
        evidence.setdefault(ev.adjustment_id or 0, []).append(evidence_link(ev))
    language = lang()
    rows = []
    for item in framework.adjustments:
        entry = entries.get(item.code)
        typed = posted.get(item.code, {})
        rows.append(
            {
                "item": item,
                "points_each": num(item.points_each, language),
                "max": num(item.max, language),
                "entry": entry,
                "count": typed.get("count", shown(entry.count) if entry else ""),
                "note": typed.get("note", entry.note if entry else ""),
                "error": typed.get("error", ""),
                # After a conflict the form keeps the version it was read at: saving again
                # refuses until the page is reloaded, so the other person's count is seen.
                "version": typed.get("version") or (entry.version if entry else 0),
                "evidence": evidence.get(entry.pk, []) if entry else [],
            }
        )
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def adjustments(request: HttpRequest, pk: int) -> HttpResponse:
    """GET lists the items; POST ``action=save`` saves one count and note, ``action=upload``
    attaches an evidence file to a saved entry. Errors keep what was typed."""
    scope.require_reform_office(request.user)
    assessment = get_object_or_404(
        Assessment.objects.select_related("round__framework", "round__block", "agency"), pk=pk
    )
    posted: dict[str, Any] = {}
    if request.method == "POST":
        code = request.POST.get("code", "")
        try:
            if request.POST.get("action") == "upload":
                _upload(request, assessment, code)
            else:
                _save(request, assessment, code)
        except actions.AssessmentError as e:
            posted[code] = {
                "count": request.POST.get("count", ""),
                "note": request.POST.get("note", ""),
                "error": str(e),
                "version": request.POST.get("expected_version", ""),
            }
        else:
            return redirect(reverse("assessments:adjustments", args=[pk]) + f"#adj-{code}")
    framework = assessment.round.framework.to_engine()
    return render(
        request,
        "assessments/office/adjustments.html",
        {
            "assessment": assessment,
            "rnd": assessment.round,
            "rows": _rows(assessment, posted),
            "bonus_cap": num(framework.bonus_cap, lang()),
            "penalty_cap": num(framework.penalty_cap, lang()),
            "editable": assessment.round.stage in OPEN_STAGES,
            "accept": files.ACCEPT,
        },
        status=400 if posted else 200,
    )


def _save(request: HttpRequest, assessment: Assessment, code: str) -> None:
    count = parse_points(request.POST.get("count", ""), _("Count"))
    actions.save_adjustment(
        assessment,
        code,
        count=count if count is not None else Decimal(0),
        note=request.POST.get("note", ""),
        expected_version=_version(request.POST.get("expected_version", "")),
        actor=request.user,
    )
    messages.success(request, _("Saved: bonus/penalty item %(code)s.") % {"code": code})


def _version(text: str) -> int:
    """The posted entry version; anything unreadable never matches a stored one."""
    return int(text) if text.isdigit() else -1


def _upload(request: HttpRequest, assessment: Assessment, code: str) -> None:
    entry = AdjustmentEntry.objects.filter(assessment=assessment, code=code).first()
    if entry is None:
        raise actions.AssessmentError(
            _("Save the count of item %(code)s before attaching its evidence.") % {"code": code}
        )
    upload = request.FILES.get("file")
    if upload is None:
        raise actions.AssessmentError(_("Choose a file."))
    actions.add_evidence(
        assessment,
        upload,
        adjustment=entry,
        description=request.POST.get("description", ""),
        actor=request.user,
    )
    messages.success(
        request, _("File %(name)s attached to item %(code)s.") % {"name": upload.name, "code": code}
    )
