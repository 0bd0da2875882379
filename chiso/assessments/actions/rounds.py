"""The reform office's actions on a whole round: open, extend, assign, close stages, finalise."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts.models import Role
from chiso.assessments.actions.common import (
    AssessmentError,
    StateError,
    own_agencies,
    require_reform_office,
    require_stage,
)
from chiso.assessments.actions.round_dates import check_complete, check_not_past, check_order
from chiso.assessments.inputs import round_inputs
from chiso.assessments.models import (
    AppraiserAssignment,
    Assessment,
    Deadline,
    DeadlineExtension,
    ItemEntry,
    Round,
    Stage,
)
from chiso.audit.actions import record
from chiso.engine.model import iter_nodes, rule_fact
from chiso.frameworks.models import Framework
from chiso.notifications import triggers
from chiso.org.models import Agency, Block
from chiso.results.actions import compute_result_set, finalise_result_set, reopen_result_set
from chiso.results.models import ResultSet


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def open_round(
    block: Block,
    framework: Framework,
    deadlines: Mapping[str, datetime.date],
    *,
    actor: Any,
    allow_past: bool = True,
) -> Round:
    """Open the round of ``block`` under ``framework``: one assessment per agency of the block,
    with an empty entry for every leaf scored from an entered value.

    ``deadlines`` maps every :class:`Deadline` value to a date, in stage order
    (:class:`DeadlineError` names the first out of order). With ``allow_past=False`` (the page
    and the API until the user confirms) deadlines before today raise
    :class:`PastDeadlinesError`; the command line and the demo open past rounds on purpose.
    """
    require_reform_office(actor)
    if framework.status != Framework.Status.PUBLISHED:
        raise StateError(_("Only a published framework can be used for an evaluation round."))
    if framework.kind != Framework.Kind.PAR_INDEX:
        # The service index (Decision 766) is computed from dossiers and surveys; nothing in it
        # is self-assessed, so it is never the framework of an evaluation round.
        raise StateError(
            _(
                "%(framework)s is a framework of the kind «%(kind)s»: an evaluation round needs "
                "an administrative reform index (PAR) framework."
            )
            % {"framework": framework.title, "kind": framework.get_kind_display()}
        )
    if block.code not in framework.block_codes:
        raise StateError(
            _("Framework %(framework)s does not apply to block %(block)s.")
            % {"framework": framework.key, "block": block.code}
        )
    if framework.year != block.year:
        raise StateError(_("The framework and the block belong to different years."))
    check_complete(deadlines)
    check_order(deadlines)
    if not allow_past:
        check_not_past(deadlines, timezone.localdate())
    if Round.objects.filter(block=block, framework=framework).exists():
        raise StateError(_("This block already has a round with this framework."))
    agencies = list(block.agencies.order_by("name"))
    if not agencies:
        raise AssessmentError(_("The block has no agencies to evaluate."))
    engine = framework.to_engine()
    # Leaves scored from facts get no entry: agencies never enter them (docs/data-model.md).
    leaves = [
        (field.code, node.code)
        for field in engine.nodes
        for node in iter_nodes((field,))
        if node.is_leaf and (node.rule is None or rule_fact(node.rule) is None)
    ]
    if not leaves:
        raise AssessmentError(
            _(
                "%(framework)s has no item the agencies of %(block)s enter themselves: every "
                "item is computed from data, so there is nothing to self-assess."
            )
            % {"framework": framework.title, "block": block.name}
        )
    rnd = Round.objects.create(
        year=block.year,
        block=block,
        framework=framework,
        opened_by=_actor_or_none(actor),
        opened_at=timezone.now(),
        **{f"{d.value}_due": deadlines[d.value] for d in Deadline},
    )
    for agency in agencies:
        assessment = Assessment.objects.create(round=rnd, agency=agency)
        ItemEntry.objects.bulk_create(
            ItemEntry(assessment=assessment, code=code, field_code=field_code, order=i)
            for i, (field_code, code) in enumerate(leaves)
        )
    record(
        "assessments.round.opened",
        actor=actor,
        obj=rnd,
        data={
            "framework": framework.key,
            "block": block.code,
            "agencies": [a.code for a in agencies],
            "items": len(leaves),
            "deadlines": {d.value: deadlines[d.value] for d in Deadline},
        },
    )
    triggers.round_opened(rnd)
    return rnd


@transaction.atomic
def grant_extension(
    rnd: Round,
    agency: Agency,
    stage: str,
    new_date: datetime.date,
    *,
    reason: str,
    actor: Any,
) -> DeadlineExtension:
    """Give one agency a later deadline for one stage; a submission already recorded as late
    is judged again against the new date."""
    require_reform_office(actor)
    _lock(rnd)
    require_stage(rnd, Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2, Stage.COUNCIL)
    if stage not in Deadline.values:
        raise AssessmentError(_("Unknown stage: %(stage)s") % {"stage": stage})
    if not reason.strip():
        raise AssessmentError(_("Give the reason for the extension."))
    assessment = Assessment.objects.select_for_update().filter(round=rnd, agency=agency).first()
    if assessment is None:
        raise AssessmentError(_("This agency is not evaluated in this round."))
    round_date: datetime.date = getattr(rnd, f"{stage}_due")
    if new_date <= round_date:
        # An agency's deadline is the later of the two (Round.deadline): an earlier date would
        # be recorded and notified as an extension while changing nothing.
        raise AssessmentError(
            _("An extension must be after the round's deadline for this stage (%(date)s).")
            % {"date": f"{round_date:%d/%m/%Y}"}
        )
    old_date = rnd.deadline(stage, agency.pk)
    extension, _created = DeadlineExtension.objects.update_or_create(
        round=rnd,
        agency=agency,
        stage=stage,
        defaults={
            "new_date": new_date,
            "reason": reason.strip(),
            "granted_by": _actor_or_none(actor),
            "granted_at": timezone.now(),
        },
    )
    data: dict[str, Any] = {"stage": stage, "deadline": [old_date, new_date]}
    if stage == Deadline.SELF_ASSESSMENT and assessment.submitted_at is not None:
        late = timezone.localdate(assessment.submitted_at) > rnd.deadline(stage, agency.pk)
        if late != assessment.late:
            data["late"] = [assessment.late, late]
            assessment.late = late
            assessment.version += 1
            assessment.save(update_fields=["late", "version"])
    record(
        "assessments.deadline.extended",
        actor=actor,
        obj=extension,
        agency_id=agency.pk,
        reason=reason.strip(),
        data=data,
    )
    return extension


@transaction.atomic
def assign_appraiser(
    rnd: Round, agency: Agency, field_code: str, user: Any, *, actor: Any
) -> AppraiserAssignment:
    """Make ``user`` (an appraiser) the appraiser of one field of one agency in the round.

    Refused when the agency is the appraiser's own: their home unit or an agency they act for.
    """
    require_reform_office(actor)
    _lock(rnd)
    require_stage(rnd, Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2)
    if not Assessment.objects.filter(round=rnd, agency=agency).exists():
        raise AssessmentError(_("This agency is not evaluated in this round."))
    fields = {n.code for n in rnd.framework.to_engine().nodes}
    if field_code not in fields:
        raise AssessmentError(_("%(code)s is not a field of the framework.") % {"code": field_code})
    if not user.is_active:
        raise AssessmentError(
            _("%(name)s's account is locked: choose an active appraiser.")
            % {"name": user.get_full_name() or user}
        )
    if not user.memberships.filter(role=Role.APPRAISER).exists():
        raise AssessmentError(
            _("%(name)s is not an appraiser.") % {"name": user.get_full_name() or user}
        )
    if agency.pk in own_agencies(user):
        raise AssessmentError(
            _("%(name)s may not appraise their own agency (%(agency)s).")
            % {"name": user.get_full_name() or user, "agency": agency.name}
        )
    existing = AppraiserAssignment.objects.filter(
        round=rnd, agency=agency, field_code=field_code
    ).first()
    if existing is not None and existing.user_id == user.pk:
        # Re-sending the same appraiser (a retried PUT, a page submitted twice) changes
        # nothing, so it leaves no audit row and no notification.
        return existing
    old = existing.user.get_username() if existing else None
    assignment, _created = AppraiserAssignment.objects.update_or_create(
        round=rnd, agency=agency, field_code=field_code, defaults={"user": user}
    )
    record(
        "assessments.appraiser.assigned",
        actor=actor,
        obj=assignment,
        agency_id=agency.pk,
        # The round's id lets the audit page's round filter find the row once the assignment
        # itself is removed (chiso.audit.views.round_filter).
        data={"round": rnd.pk, "field": field_code, "appraiser": [old, user.get_username()]},
    )
    return assignment


@transaction.atomic
def unassign_appraiser(
    rnd: Round, agency: Agency, field_code: str, *, actor: Any, shown: int | None = None
) -> None:
    """Leave one field of one agency without an appraiser, in the stages it can be assigned.

    Items already appraised keep their values; the field just has nobody to appraise it.
    ``shown`` is the id of the appraiser the confirmation page named: if a colleague has
    assigned someone else since, nothing is removed (the person confirmed is not the one who
    would go).
    """
    require_reform_office(actor)
    _lock(rnd)
    require_stage(rnd, Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2)
    existing = (
        AppraiserAssignment.objects.select_related("user")
        .filter(round=rnd, agency=agency, field_code=field_code)
        .first()
    )
    if existing is None:
        raise AssessmentError(
            _("Field %(code)s of %(agency)s has no appraiser.")
            % {"code": field_code, "agency": agency.name}
        )
    if shown is not None and existing.user_id != shown:
        raise AssessmentError(
            _(
                "The appraiser of field %(code)s of %(agency)s changed after this page was "
                "shown: it is now %(name)s. Nothing was removed; confirm again if %(name)s "
                "should go."
            )
            % {
                "code": field_code,
                "agency": agency.name,
                "name": existing.user.get_full_name() or existing.user.get_username(),
            }
        )
    old = existing.user.get_username()
    record(
        "assessments.appraiser.removed",
        actor=actor,
        obj=existing,
        agency_id=agency.pk,
        data={"round": rnd.pk, "field": field_code, "appraiser": [old, None]},
    )
    existing.delete()


def _lock(rnd: Round) -> None:
    """Lock the round's row for this transaction and read it again: two people closing the
    same stage at once must not both pass the stage guard, and an extension is checked against
    the round's current dates."""
    Round.objects.select_for_update().filter(pk=rnd.pk).values_list("pk").first()
    rnd.refresh_from_db()


def _move(rnd: Round, to: str, *, actor: Any, action: str, reason: str = "") -> dict[str, Any]:
    """Move the round and every assessment of it to ``to``; one audit row with who moved."""
    before = {a.agency.code: a.status for a in rnd.assessments.select_related("agency")}
    old = rnd.stage
    rnd.stage = to
    rnd.save(update_fields=["stage"])
    # One statement, and the version bump makes any form opened before the move stale.
    rnd.assessments.update(status=to, version=F("version") + 1)
    data = {"stage": [old, to], "assessments": before}
    record(action, actor=actor, obj=rnd, reason=reason, data=data)
    return data


def _close_stage(rnd: Round, current: str, to: str, action: str, *, actor: Any) -> Round:
    require_reform_office(actor)
    _lock(rnd)
    require_stage(rnd, current)
    _move(rnd, to, actor=actor, action=action)
    return rnd


@transaction.atomic
def close_appraisal_1(rnd: Round, *, actor: Any) -> Round:
    """End self-assessment and appraisal round 1: every agency may now explain the items marked.

    An assessment never submitted or approved moves on too, with what it saved: the deadline has
    passed, and the audit row lists each assessment's stage before the move.
    """
    _close_stage(
        rnd, Stage.DRAFT, Stage.EXPLANATION, "assessments.round.appraisal_1_closed", actor=actor
    )
    triggers.returned_for_explanation(rnd)
    return rnd


@transaction.atomic
def close_explanation(rnd: Round, *, actor: Any) -> Round:
    """End the explanation stage: appraisers set the round 2 points."""
    return _close_stage(
        rnd,
        Stage.EXPLANATION,
        Stage.APPRAISAL_2,
        "assessments.round.explanation_closed",
        actor=actor,
    )


@transaction.atomic
def close_appraisal_2(rnd: Round, *, actor: Any) -> Round:
    """End appraisal round 2: the council decides where agencies and appraisers disagree."""
    return _close_stage(
        rnd, Stage.APPRAISAL_2, Stage.COUNCIL, "assessments.round.appraisal_2_closed", actor=actor
    )


@transaction.atomic
def finalise_round(rnd: Round, *, actor: Any) -> ResultSet:
    """Score every agency on its effective values and lock the round and its results.

    Raises :class:`chiso.engine.ProblemsError` when the inputs are invalid (nothing written).
    """
    require_reform_office(actor)
    _lock(rnd)
    require_stage(rnd, Stage.COUNCIL)
    result_set = compute_result_set(
        rnd.block, rnd.framework, round_inputs(rnd), actor=actor, source="round"
    )
    finalise_result_set(result_set, actor=actor)
    _move(rnd, Stage.FINALISED, actor=actor, action="assessments.round.finalised")
    triggers.round_finalised(rnd, result_set.computed_at)
    return result_set


@transaction.atomic
def reopen_round(rnd: Round, *, reason: str, actor: Any) -> Round:
    """Send a finalised round back to the council, with a reason; its results become a draft
    again, to be replaced when the round is finalised anew. Published results never reopen."""
    require_reform_office(actor)
    _lock(rnd)
    if not reason.strip():
        raise AssessmentError(_("Give the reason for reopening the round."))
    require_stage(rnd, Stage.FINALISED)
    result_set = ResultSet.objects.filter(block=rnd.block, framework=rnd.framework).first()
    if result_set is not None and result_set.status == ResultSet.Status.PUBLISHED:
        raise StateError(_("The results of this round are published and can no longer reopen."))
    if result_set is not None:
        reopen_result_set(result_set, actor=actor, reason=reason)
    _move(
        rnd,
        Stage.COUNCIL,
        actor=actor,
        action="assessments.round.reopened",
        reason=reason.strip(),
    )
    return rnd
