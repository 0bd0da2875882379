"""Excluding a response from the results (and taking it back), always with a reason."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chiso.audit.actions import record
from chiso.surveys.actions.common import SurveyError, require_reform_office
from chiso.surveys.models import Campaign, Response


@transaction.atomic
def set_excluded(response: Response, *, actor: Any, excluded: bool, reason: str) -> None:
    """Exclude a response (e.g. flagged as a duplicate) or count it again. Closed campaigns
    are frozen: their facts were written from the responses as they were."""
    require_reform_office(actor)
    reason = reason.strip()
    if not reason:
        raise SurveyError(_("Give the reason."))
    if response.campaign.status == Campaign.Status.CLOSED:
        raise SurveyError(_("The campaign is closed."))
    if response.excluded == excluded:
        raise SurveyError(_("Nothing to change."))
    old = {"excluded": response.excluded, "reason": response.exclusion_reason}
    response.excluded = excluded
    response.exclusion_reason = reason if excluded else ""
    response.save(update_fields=["excluded", "exclusion_reason"])
    record(
        "surveys.response.excluded" if excluded else "surveys.response.included",
        actor=actor,
        obj=response,
        agency_id=response.agency_id,
        reason=reason,
        data={"old": old, "new": {"excluded": excluded, "reason": response.exclusion_reason}},
    )
