"""The council page of a round: where appraisers and agencies disagree most, what each step
said, and the council's decision per item (Hội đồng thẩm định, par-index.md §1.4).

The reform office records the council's decisions; each item is saved on its own with the
version the page showed, like the appraisal page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chiso.accounts import scope
from chiso.assessments import actions, queries
from chiso.assessments.models import ItemEntry, Round, Stage
from chiso.assessments.views.office import (
    evidence_links,
    item_histories,
    node_infos,
    parse_points,
    posted_version,
    shown,
)


@dataclass
class CouncilCard:
    """One disputed item; ``version`` is the one the form posts back (kept after a conflict,
    so that saving again is refused until the item is reloaded)."""

    entry: ItemEntry
    node: Any
    # The difference of the values entered; ``points_gap`` that of the points they give ("" when
    # the engine refuses a value), which the badge shows: the council weighs points.
    gap: str
    points_gap: str
    same_points: bool
    values: dict[str, str]
    evidence: list[Any]
    history: list[Any]
    value: str
    note: str
    version: int
    value_read: str = ""
    value_label: str = ""
    error: str = ""
    saved: bool = False
    stale: bool = False


def _cards(
    rnd: Round, items: list[queries.Disagreement], typed: dict[int, dict[str, Any]]
) -> list[CouncilCard]:
    entries = [d.entry for d in items]
    nodes = node_infos(rnd)
    files = evidence_links(entries)
    histories = item_histories(entries)
    cards = []
    for d in items:
        e = d.entry
        values = typed.get(e.pk, {})
        node = nodes[e.code]
        cards.append(
            CouncilCard(
                entry=e,
                node=node,
                gap=shown(d.gap),
                points_gap=shown(d.points_gap),
                same_points=d.same_points,
                values={
                    "self": node.reads_scored(e.self_value),
                    "round_1": node.reads_scored(e.appraised_value_1),
                    "round_2": node.reads_scored(e.appraised_value_2),
                },
                evidence=files[e.pk],
                history=histories[e.pk],
                value=values.get("value", node.typed(e.council_value)),
                note=values.get("note", e.council_note),
                value_read=node.reads_scored(e.council_value),
                value_label=node.value_label(_("council")),
                version=values.get("version", e.version),
                error=values.get("error", ""),
                saved=values.get("saved", False),
                stale=values.get("stale", False),
            )
        )
    return cards


def _render(
    request: HttpRequest, rnd: Round, typed: dict[int, dict[str, Any]], status: int = 200
) -> HttpResponse:
    items = queries.disagreements(rnd)
    return render(
        request,
        "assessments/office/council.html",
        {
            "rnd": rnd,
            "cards": _cards(rnd, items, typed),
            "editable": rnd.stage == Stage.COUNCIL,
        },
        status=status,
    )


@login_required
@require_GET
def council(request: HttpRequest, pk: int) -> HttpResponse:
    scope.require_reform_office(request.user)
    rnd = get_object_or_404(Round.objects.select_related("block", "framework"), pk=pk)
    return _render(request, rnd, {})


@login_required
@require_POST
def council_decide(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Save the council's value and note of one item; empty value leaves the appraisers'."""
    scope.require_reform_office(request.user)
    entry = get_object_or_404(
        ItemEntry.objects.select_related("assessment__round__block", "assessment__agency"),
        pk=entry_pk,
    )
    rnd = entry.assessment.round
    typed: dict[str, Any] = {
        "value": request.POST.get("value", ""),
        "note": request.POST.get("note", ""),
    }
    version = posted_version(request)
    try:
        actions.record_council_decision(
            entry,
            value=parse_points(typed["value"], _("Council points")),
            note=typed["note"],
            expected_version=version,
            actor=request.user,
        )
    except actions.AssessmentError as e:
        # Keep the version the form was read at (see CouncilCard).
        typed.update(error=str(e), version=version, stale=isinstance(e, actions.ConflictError))
    else:
        typed = {"saved": True}
    # The decision does not change the gaps (self against appraised), so the item stays listed.
    item = next((d for d in queries.disagreements(rnd) if d.entry.pk == entry.pk), None)
    if request.headers.get("HX-Request") and item is not None:
        card = _cards(rnd, [item], {entry.pk: typed})[0]
        return render(
            request,
            "assessments/office/_council_item.html",
            {"card": card, "editable": rnd.stage == Stage.COUNCIL, "rnd": rnd, "oob": True},
        )
    if "error" in typed:
        return _render(request, rnd, {entry.pk: typed}, status=400)
    messages.success(request, _("Council decision on item %(code)s saved.") % {"code": entry.code})
    return redirect(reverse("assessments:council", args=[rnd.pk]) + f"#item-{entry.pk}")
