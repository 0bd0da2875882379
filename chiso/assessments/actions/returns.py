"""Returning a submitted self-assessment to the agency for correction, before it is appraised.

The national flow (par-index.md §1.4, steps 3–4) has the agency's leadership approve the report
before the appraisers take it; a report with a mistake is better sent back then than argued
about in appraisal. Who may send it back, and until when (docs/evaluation-round.md, "Returning
a submission"):

- the agency leader, while the submission waits for their approval (instead of approving);
- the reform office, while it is submitted or approved, as long as no appraiser has recorded a
  round 1 value (the assessment is then ``appraisal_1``) and the round is still at ``draft``.

The assessment goes back to ``draft`` (the approval, if any, is withdrawn), with the reason kept
on it, one audit row and a notification to the agency's focal officers (and to its leaders when
their approval is withdrawn). When the reform office returned it, the first submission's time
and lateness stay: that return is the reviewer's decision, not a delay of the agency. When the
agency's own leader returned it, the delay is the agency's: the next submission is judged on
its own time (``returned_by_office``; items.submit_assessment).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.assessments.actions.common import AssessmentError, StateError, require_stage
from chiso.assessments.models import Assessment, Stage
from chiso.audit.actions import record
from chiso.notifications.actions import notify
from chiso.notifications.models import Notification


def may_return(actor: Any, assessment: Assessment) -> bool:
    """Whether ``actor`` may return ``assessment`` now (for pages to offer the button)."""
    if assessment.round.stage != Stage.DRAFT:
        return False
    if actor is None or scope.is_reform_office(actor):
        return assessment.status in (Stage.SUBMITTED, Stage.APPROVED)
    return assessment.status == Stage.SUBMITTED and _is_leader(actor, assessment)


def returned_by_office(assessment: Assessment) -> bool:
    """The last return of ``assessment`` was the reform office's (or the command line's), the
    same test :func:`return_submission` makes of who may return what."""
    returner = assessment.returned_by
    return assessment.returned_at is not None and (
        returner is None or scope.is_reform_office(returner)
    )


def _is_leader(actor: Any, assessment: Assessment) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.memberships.filter(
            role=Role.AGENCY_LEADER, agency_id=assessment.agency_id
        ).exists()
    )


def _name(user: Any) -> str | None:
    return None if user is None else (user.get_full_name() or user.get_username())


@transaction.atomic
def return_submission(assessment: Assessment, *, reason: str, actor: Any) -> Assessment:
    """Send a submitted (or approved) self-assessment back to the agency as a draft."""
    office = actor is None or scope.is_reform_office(actor)
    if not office and not _is_leader(actor, assessment):
        raise PermissionDenied
    locked = Assessment.objects.select_for_update(of=("self",))
    assessment = locked.select_related("round", "agency", "approved_by").get(pk=assessment.pk)
    if assessment.status == Stage.DRAFT:
        raise StateError(
            _("This self-assessment has not been submitted: there is nothing to return.")
        )
    if assessment.status == Stage.APPRAISAL_1:
        raise StateError(
            _("Appraisal round 1 has started on this assessment: it can no longer be returned.")
        )
    require_stage(assessment.round, Stage.DRAFT)
    require_stage(
        assessment, *((Stage.SUBMITTED, Stage.APPROVED) if office else (Stage.SUBMITTED,))
    )
    reason = reason.strip()
    if not reason:
        raise AssessmentError(_("Give the reason for returning the self-assessment."))
    old_status, approver = assessment.status, assessment.approved_by
    assessment.status = Stage.DRAFT
    assessment.approved_by = None
    assessment.approved_at = None
    assessment.returned_by = actor if getattr(actor, "is_authenticated", False) else None
    assessment.returned_at = timezone.now()
    assessment.return_reason = reason
    assessment.version += 1
    assessment.save()
    data: dict[str, Any] = {"status": [old_status, Stage.DRAFT.value]}
    if approver is not None:
        data["approved_by"] = [_name(approver), None]
    record(
        "assessments.assessment.returned",
        actor=actor,
        obj=assessment,
        agency_id=assessment.agency_id,
        reason=reason,
        data=data,
    )
    _tell_the_agency(assessment, withdrawn=approver is not None, actor=actor)
    return assessment


def _tell_the_agency(assessment: Assessment, *, withdrawn: bool, actor: Any) -> list[Notification]:
    """The focal officers must correct and submit again; leaders hear of it when their approval
    is withdrawn. Written in the province's language, like every round notification."""
    roles = [Role.FOCAL_OFFICER] + ([Role.AGENCY_LEADER] if withdrawn else [])
    people = [
        m.user
        for m in assessment.agency.memberships.filter(role__in=roles).select_related("user")
        if m.user != actor
    ]
    rnd = assessment.round
    with translation.override(settings.LANGUAGE_CODE):
        return notify(
            people,
            kind="assessment_returned",
            title=_("Self-assessment returned for correction: %(agency)s %(year)s")
            % {"agency": assessment.agency.name, "year": rnd.year},
            body=_(
                "%(who)s returned the self-assessment to the agency: %(reason)s Correct it and "
                "submit it again."
            )
            % {"who": _name(actor) or _("The reform office"), "reason": assessment.return_reason},
            link=f"/rounds/assessment/{assessment.pk}/",
            dedup_key=f"assessment-returned:{assessment.pk}:{assessment.version}",
        )
