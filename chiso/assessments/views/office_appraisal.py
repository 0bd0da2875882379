"""The appraiser's pages: the worklist, and one field of one agency item by item.

An appraiser sees only the fields assigned to them, never their own agency (the action checks
again); the reform office may read the same page without the forms. Each item is saved on its
own (htmx), with the version the page showed: when someone changed the item meanwhile, the
:class:`ConflictError` message is shown and what the appraiser typed stays in the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments import actions, queries
from chiso.assessments.actions.common import own_agencies
from chiso.assessments.models import AppraiserAssignment, Assessment, ItemEntry, Round, Stage
from chiso.assessments.views.office import (
    evidence_links,
    item_histories,
    node_infos,
    parse_points,
    posted_version,
)


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """Per round, the agencies and fields assigned to the appraiser with the items left."""
    if not scope.has_role(request.user, Role.APPRAISER):
        raise PermissionDenied
    rounds = list(
        Round.objects.filter(appraisers__user_id=request.user.pk or 0)
        .distinct()
        .select_related("block")
    )
    # Finalised and published rounds are no work left: listed apart, without items "left".
    done = [rnd for rnd in rounds if rnd.stage in (Stage.FINALISED, Stage.PUBLISHED)]
    groups = []
    for rnd in rounds:
        if rnd in done:
            continue
        fields = node_infos(rnd)
        work = queries.worklist(rnd, request.user)
        groups.append((rnd, [(w, fields.get(w.field_code)) for w in work]))
    return render(request, "assessments/office/worklist.html", {"groups": groups, "done": done})


APPRAISAL_OVER = (Stage.COUNCIL, Stage.FINALISED, Stage.PUBLISHED)


def round_no(assessment: Assessment) -> int:
    """The appraisal round the assessment is at: 2 from the second appraisal on, else 1."""
    later = (Stage.APPRAISAL_2, Stage.COUNCIL, Stage.FINALISED, Stage.PUBLISHED)
    return 2 if assessment.status in later else 1


def can_appraise_now(assessment: Assessment) -> bool:
    if assessment.status == Stage.APPRAISAL_2:
        return True
    return assessment.round.stage == Stage.DRAFT and assessment.status in (
        Stage.APPROVED,
        Stage.APPRAISAL_1,
    )


def _access(user: Any, assessment: Assessment, field_code: str) -> bool:
    """True: the assigned appraiser (may edit). False: the reform office (reads). Else 404, so
    that nobody learns what exists outside their assignments."""
    assigned = AppraiserAssignment.objects.filter(
        round_id=assessment.round_id,
        agency_id=assessment.agency_id,
        field_code=field_code,
        user=user,
    ).exists()
    if assigned and assessment.agency_id not in own_agencies(user):
        return True
    if scope.is_reform_office(user):
        return False
    raise Http404


@dataclass
class ItemCard:
    """One item on the appraisal page, with what was typed when a save failed.

    ``version`` is the one the form posts back: after a conflict it stays the version the
    appraiser had read, so saving again is refused until the item is reloaded."""

    entry: ItemEntry
    node: Any
    evidence: list[Any]
    history: list[Any]
    value: str = ""
    comment: str = ""
    needs_explanation: bool = False
    error: str = ""
    saved: bool = False
    stale: bool = False
    version: int = 0
    self_value: str = ""
    self_scored: str = ""
    self_plain: str = ""
    value_1: str = ""
    value_read: str = ""
    value_label: str = ""


def _cards(
    assessment: Assessment, entries: list[ItemEntry], typed: dict[int, dict[str, Any]]
) -> list[ItemCard]:
    nodes = node_infos(assessment.round)
    files = evidence_links(entries)
    histories = item_histories(entries)
    no = round_no(assessment)
    cards = []
    for e in entries:
        values = typed.get(e.pk, {})
        node = nodes[e.code]
        cards.append(
            ItemCard(
                entry=e,
                node=node,
                evidence=files[e.pk],
                history=histories[e.pk],
                value=values.get("value", node.typed(getattr(e, f"appraised_value_{no}"))),
                comment=values.get("comment", getattr(e, f"appraiser_comment_{no}")),
                needs_explanation=values.get("needs_explanation", e.needs_explanation),
                error=values.get("error", ""),
                saved=values.get("saved", False),
                stale=values.get("stale", False),
                version=values.get("version", e.version),
                self_value=node.reads(e.self_value),
                # With the points it gives: a measured "0" (days late) is the best value of
                # its item, and an appraiser must not read it as 0 points (review s6, M3).
                self_scored=node.reads_scored(e.self_value),
                self_plain=node.typed(e.self_value),
                value_1=node.reads_scored(e.appraised_value_1),
                value_read=node.reads_scored(getattr(e, f"appraised_value_{no}")),
                value_label=node.value_label(_("appraisal round %(no)s") % {"no": no}),
            )
        )
    return cards


def _context(assessment: Assessment, editable: bool, field_code: str) -> dict[str, Any]:
    no = round_no(assessment)
    return {
        "assessment": assessment,
        "rnd": assessment.round,
        "field_code": field_code,
        "field": node_infos(assessment.round).get(field_code),
        "round_no": no,
        # After round 2 the page shows what the appraisal gave, not a round still running.
        "appraisal_over": assessment.round.stage in APPRAISAL_OVER,
        "editable": editable and can_appraise_now(assessment),
        "is_appraiser": editable,
    }


def _render_page(
    request: HttpRequest,
    assessment: Assessment,
    field_code: str,
    editable: bool,
    typed: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    entries = list(assessment.entries.filter(field_code=field_code).order_by("order"))
    if not entries:
        raise Http404
    context = _context(assessment, editable, field_code)
    context["cards"] = _cards(assessment, entries, typed or {})
    return render(request, "assessments/office/appraisal.html", context, status=status)


def _assessment(pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related("round__framework", "round__block", "agency"), pk=pk
    )


@login_required
@require_GET
def appraisal_page(request: HttpRequest, pk: int, field_code: str) -> HttpResponse:
    assessment = _assessment(pk)
    return _render_page(
        request, assessment, field_code, _access(request.user, assessment, field_code)
    )


@login_required
@require_POST
def appraisal_save(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Save one item's appraisal; htmx gets the item back, a plain form post the whole page."""
    entry = get_object_or_404(
        ItemEntry.objects.select_related("assessment__round__framework", "assessment__agency"),
        pk=entry_pk,
    )
    assessment = entry.assessment
    if not _access(request.user, assessment, entry.field_code):
        raise PermissionDenied
    no = round_no(assessment)
    typed: dict[str, Any] = {
        "value": request.POST.get("value", ""),
        "comment": request.POST.get("comment", ""),
        "needs_explanation": request.POST.get("needs_explanation") == "on",
    }
    version = posted_version(request)
    try:
        actions.record_appraisal(
            entry,
            no,
            value=parse_points(typed["value"], _("Appraised points")),
            comment=typed["comment"],
            needs_explanation=typed["needs_explanation"],
            expected_version=version,
            actor=request.user,
        )
    except actions.AssessmentError as e:
        # The form keeps the version it was read at: after a conflict, saving again is refused
        # too until the appraiser reloads the item and sees the other person's change.
        typed.update(error=str(e), version=version, stale=isinstance(e, actions.ConflictError))
    else:
        typed = {"saved": True}
    if request.headers.get("HX-Request"):
        entry.refresh_from_db()
        assessment.refresh_from_db()
        context = _context(assessment, True, entry.field_code)
        context["card"] = _cards(assessment, [entry], {entry.pk: typed})[0]
        context["oob"] = True
        return render(request, "assessments/office/_appraisal_item.html", context)
    if "error" in typed:
        assessment.refresh_from_db()
        return _render_page(
            request, assessment, entry.field_code, True, {entry.pk: typed}, status=400
        )
    messages.success(request, _("Item %(code)s saved.") % {"code": entry.code})
    url = reverse("assessments:appraise", args=[assessment.pk, entry.field_code])
    return redirect(f"{url}#item-{entry.pk}")
