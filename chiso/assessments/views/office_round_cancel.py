"""Cancelling a round opened by mistake, and the page that says a round was cancelled.

The confirmation page asks for the reason and calls
:func:`chiso.assessments.actions.cancel.cancel_round`, which refuses a round with work in it.
The round is then gone; its audit row is what the cancellation page shows, to the reform
office, provincial leaders and the people of the round's agencies (their notifications about
the round link there).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chiso.accounts import scope
from chiso.assessments.actions.cancel import (
    CANCELLED,
    NotCancellable,
    agency_codes,
    cancel_refusal,
    cancel_round,
    may_read_cancellation,
)
from chiso.assessments.actions.common import AssessmentError
from chiso.assessments.actions.round_dates import deadline_label
from chiso.assessments.models import Deadline, Round
from chiso.audit.exporting import actor_name
from chiso.audit.models import AuditEvent
from chiso.frameworks.models import Framework
from chiso.org.models import Agency


@login_required
@require_http_methods(["GET", "POST"])
def round_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for the reason; POST cancels and goes back to the list of rounds. A round
    that cannot be cancelled (opened by hand: the round page hides the button) shows only why,
    as a list, and the way back (review s7 L1)."""
    scope.require_reform_office(request.user)
    rnd = get_object_or_404(Round.objects.select_related("block", "framework"), pk=pk)
    error = ""
    reason = request.POST.get("reason", "")
    refusal = cancel_refusal(rnd)
    if request.method == "POST" and refusal is None:
        try:
            cancel_round(rnd, reason=reason, actor=request.user)
        except NotCancellable:
            # Work entered since the page was read.
            refusal = cancel_refusal(rnd)
        except AssessmentError as e:
            error = str(e)
        else:
            messages.success(
                request,
                _("The round %(block)s %(year)s is cancelled; its agencies have been told.")
                % {"block": rnd.block.name, "year": rnd.year},
            )
            return redirect("assessments:rounds")
    return render(
        request,
        "assessments/office/round_cancel.html",
        {
            "rnd": rnd,
            "error": error,
            "refusal": refusal,
            "reason": reason,
            "agencies": rnd.assessments.count(),
        },
    )


def _day(value: Any) -> datetime.date | None:
    # The audit row stores dates ISO (chiso.audit.actions); the template formats them.
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _framework_title(key: Any) -> str:
    """The framework's title from its ``code:year:version`` (frameworks are never deleted while
    used, but a cancelled round no longer uses it), else what is stored: rows written since
    review s7 L7 store the title itself."""
    code, _sep, rest = str(key or "").partition(":")
    year, _sep, version = rest.partition(":")
    if year.isdigit() and version.isdigit():
        found = Framework.objects.filter(code=code, year=int(year), version=int(version)).first()
        if found is not None:
            return f"{found.title} (v{found.version})"
    return str(key or "—")


@login_required
@require_GET
def round_cancelled(request: HttpRequest, event_pk: int) -> HttpResponse:
    """What a cancelled round was, who cancelled it, when and why (from its audit row). Anyone
    else than the office, viewers and the round's agencies gets 404, as for a round."""
    event = get_object_or_404(AuditEvent.objects.select_related("actor"), pk=event_pk)
    data = event.data or {}
    codes = agency_codes(data)
    if event.action != CANCELLED or not may_read_cancellation(request.user, codes):
        raise Http404
    deadlines = data.get("deadlines") or {}
    return render(
        request,
        "assessments/office/round_cancelled.html",
        {
            "event": event,
            "at": timezone.localtime(event.at),
            "who": actor_name(event),
            "year": data.get("year"),
            "framework": _framework_title(data.get("framework")),
            "agencies": list(Agency.objects.filter(code__in=codes).order_by("name")),
            "deadlines": [
                (deadline_label(d.value), _day(deadlines.get(d.value))) for d in Deadline
            ],
            "can_open": scope.is_reform_office(request.user),
        },
    )
