"""The agency side of a round: "My assessments", the assessment page, submission and approval.

Views parse, authorise and call the actions; an agency outside the user's reach answers 404.
Items are saved one at a time (``agency_items.py``), files in ``agency_evidence.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments import evidence as files
from chiso.assessments.actions import (
    AssessmentError,
    approve_submission,
    return_submission,
    submit_assessment,
)
from chiso.assessments.actions.returns import may_return
from chiso.assessments.models import AdjustmentEntry, Assessment, Stage
from chiso.assessments.queries import extension_dates, progress_of
from chiso.assessments.views.agency_context import (
    build_items,
    follows_cancelled_round,
    permissions,
    progress_view,
    stage_deadline,
    summary,
    visible_assessment,
)


def listed_assessments(user: Any) -> QuerySet[Assessment]:
    """The assessments "My assessments" lists: all for the reform office; otherwise those of the
    user's own agencies, those they appraise, and published ones for province-wide readers."""
    qs = Assessment.objects.select_related("round__block", "agency", "round__framework")
    if scope.is_reform_office(user):
        return qs
    wanted = Q(agency_id__in=scope.own_agency_ids(user))
    if scope.has_role(user, Role.APPRAISER):
        assigned = user.appraisal_assignments.values_list("round_id", "agency_id")
        for round_id, agency_id in assigned:
            wanted |= Q(round_id=round_id, agency_id=agency_id)
    if scope.sees_whole_province(user):
        wanted |= Q(status=Stage.PUBLISHED)
    return qs.filter(wanted)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    """Every assessment the user may open, newest round first, with its stage, the deadline of
    that stage (with the agency's extension) and the progress of the self-assessment."""
    if not scope.roles(request.user) - {Role.SURVEY_OPERATOR}:
        raise PermissionDenied
    assessments = list(
        listed_assessments(request.user).order_by(
            "-round__year", "round__block__order", "agency__name"
        )
    )
    # A few queries for the whole list, not a few per row (19 departments or more).
    progress = progress_of(assessments)
    extensions = extension_dates({a.round_id: a.round for a in assessments}.values())
    rows = []
    for assessment in assessments:
        deadline, extended = stage_deadline(assessment, extensions)
        rows.append(
            {
                "assessment": assessment,
                "deadline": deadline,
                "extended": extended,
                "progress": progress[assessment.pk],
            }
        )
    return render(request, "assessments/agency/list.html", {"rows": rows})


@login_required
@follows_cancelled_round
def assessment_page(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = visible_assessment(request.user, pk)
    perms = permissions(request.user, assessment)
    fields, result = build_items(assessment, perms)
    deadline, extended = stage_deadline(assessment)
    adjustments = _adjustments(assessment)
    return render(
        request,
        "assessments/agency/assessment.html",
        {
            "assessment": assessment,
            "rnd": assessment.round,
            "perms": perms,
            "fields": fields,
            "summary": summary(assessment, perms, result),
            "progress": progress_view(assessment, perms),
            "deadline": deadline,
            "extended": extended,
            "adjustments": adjustments,
            "may_return": may_return(request.user, assessment),
            "accept": files.ACCEPT,
            "explanation_items": [
                item
                for f in fields
                for item in f.items
                if item.entry is not None and item.entry.needs_explanation
            ],
        },
    )


def _adjustments(assessment: Assessment) -> list[dict[str, Any]]:
    """The framework's bonus and penalty items with the counts and files entered so far."""
    framework = assessment.round.framework.to_engine()
    entries = {
        a.code: a
        for a in AdjustmentEntry.objects.filter(assessment=assessment).prefetch_related("evidence")
    }
    out = []
    for item in framework.adjustments:
        entry = entries.get(item.code)
        out.append(
            {
                "item": item,
                "entry": entry,
                "evidence": [e for e in entry.evidence.all() if e.removed_at is None]
                if entry
                else [],
            }
        )
    return out


@login_required
@require_POST
@follows_cancelled_round
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = visible_assessment(request.user, pk)
    try:
        done = submit_assessment(assessment, actor=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        if done.late:
            messages.warning(
                request, _("The self-assessment was submitted after the deadline (late).")
            )
        else:
            messages.success(request, _("The self-assessment was submitted to the leader."))
    return redirect("assessments:assessment", pk=pk)


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = visible_assessment(request.user, pk)
    try:
        approve_submission(assessment, actor=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The self-assessment was approved."))
    return redirect("assessments:assessment", pk=pk)


@login_required
@require_POST
def return_to_agency(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the submitted self-assessment back to the focal officer, with the reason typed."""
    assessment = visible_assessment(request.user, pk)
    try:
        return_submission(assessment, reason=request.POST.get("reason", ""), actor=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The self-assessment was returned to the agency for correction.")
        )
    return redirect("assessments:assessment", pk=pk)
