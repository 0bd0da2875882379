"""Actions on one assessment or item: self-assessment, approval, appraisal, explanation, council.

Item edits use optimistic locking: the caller passes the ``version`` it showed the user, and a
stale version raises :class:`ConflictError` instead of overwriting someone else's edit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.assessments.actions.common import (
    AssessmentError,
    ConflictError,
    StateError,
    bump,
    check_value,
    leaf,
    lock_entry,
    own_agencies,
    plain,
    require_agency_leader,
    require_focal_officer,
    require_reform_office,
    require_stage,
)
from chiso.assessments.actions.returns import returned_by_office
from chiso.assessments.measures import audit_points
from chiso.assessments.models import (
    AdjustmentEntry,
    AppraiserAssignment,
    Assessment,
    Deadline,
    ItemEntry,
    Stage,
)
from chiso.audit.actions import record
from chiso.engine.model import rule_fact


def _locked_assessment(assessment: Assessment) -> Assessment:
    # Lock this assessment's row only: the other agencies of the round go on in parallel.
    locked = Assessment.objects.select_for_update(of=("self",))
    found = locked.select_related("round", "agency__type").filter(pk=assessment.pk).first()
    if found is None:  # its round was cancelled since the page was loaded (actions/cancel.py)
        raise StateError(_("This evaluation round no longer exists: it was cancelled."))
    return found


def _who(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def save_self_assessment(
    assessment: Assessment,
    code: str,
    *,
    value: Decimal | None,
    not_applicable: bool,
    justification: str,
    expected_version: int,
    actor: Any,
) -> ItemEntry:
    """Save the agency's own value for one item (a draft, saved as often as needed).

    The value is checked with the engine's rules for the leaf; items scored from facts are
    refused. Raises :class:`ConflictError` when the item changed since ``expected_version``.
    """
    require_focal_officer(actor, assessment)
    assessment = _locked_assessment(assessment)
    require_stage(assessment, Stage.DRAFT)
    framework = assessment.round.framework.to_engine()
    node = leaf(framework, code)
    if node is None:
        raise AssessmentError(_("The framework has no item %(code)s.") % {"code": code})
    fact = rule_fact(node.rule) if node.rule is not None else None
    if fact is not None:
        raise AssessmentError(
            _("Item %(code)s is scored from the data %(fact)s; agencies do not enter it.")
            % {"code": code, "fact": fact}
        )
    entry = lock_entry(assessment.entries.get(code=code), expected_version)
    check_value(framework, assessment, code, value=value, not_applicable=not_applicable)
    old_value = entry.self_value
    old = {
        "value": plain(entry.self_value),
        "not_applicable": entry.self_not_applicable,
        "justification": entry.justification,
    }
    entry.self_value = value
    entry.self_not_applicable = not_applicable
    entry.justification = justification.strip()
    new = {
        "value": plain(value),
        "not_applicable": not_applicable,
        "justification": entry.justification,
    }
    if old != new:
        bump(entry, actor, ["self_value", "self_not_applicable", "justification"])
        data: dict[str, Any] = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
        if "value" in data:
            data |= audit_points(node, framework.rounding, old_value, value)
        record(
            "assessments.item.self_assessed",
            actor=actor,
            obj=entry,
            agency_id=assessment.agency_id,
            data=data,
        )
    return entry


@transaction.atomic
def submit_assessment(assessment: Assessment, *, actor: Any) -> Assessment:
    """Send the self-assessment to the agency leader for approval, recording whether it came
    after the self-assessment deadline (or the agency's extension).

    A submission the reform office returned for correction (``return_submission``) and sent
    again keeps the time and lateness of the first one: that return was the reviewer's
    decision, not a delay. One the agency's own leader returned is judged on its own time: late
    when the first submission was late or this one comes after the deadline (otherwise an
    agency could lock in "on time" with a placeholder and have its leader send it back)."""
    require_focal_officer(actor, assessment)
    assessment = _locked_assessment(assessment)
    # Read again once locked: the row lock's statement joined the round as it was when the
    # statement began, before a deadline correction that held the lock committed.
    assessment.round.refresh_from_db()
    require_stage(assessment, Stage.DRAFT)
    require_stage(assessment.round, Stage.DRAFT)
    empty = list(
        assessment.entries.filter(self_value=None, self_not_applicable=False)
        .order_by("order")
        .values_list("code", flat=True)
    )
    if empty:
        raise AssessmentError(
            _("%(count)d items have neither a value nor a not-applicable mark: %(codes)s.")
            % {"count": len(empty), "codes": _codes_named(empty)}
        )
    now = timezone.now()
    deadline = assessment.round.deadline(Deadline.SELF_ASSESSMENT, assessment.agency_id)
    again = assessment.submitted_at is not None
    kept = again and returned_by_office(assessment)
    assessment.status = Stage.SUBMITTED
    if not kept:
        assessment.late = (again and assessment.late) or timezone.localdate(now) > deadline
        assessment.submitted_at = now
        assessment.submitted_by = _who(actor)
    assessment.version += 1
    assessment.save()
    data: dict[str, Any] = {
        "status": [Stage.DRAFT, Stage.SUBMITTED],
        "late": assessment.late,
        "deadline": deadline,
    }
    if again:
        data["resubmitted"] = True
        data["kept_first_submission"] = kept
    record(
        "assessments.assessment.submitted",
        actor=actor,
        obj=assessment,
        agency_id=assessment.agency_id,
        data=data,
    )
    return assessment


# How many item codes a message names before summing up the rest: enough to start on, short
# enough to read on a page of about forty items.
NAMED_CODES = 5


def _codes_named(codes: list[str]) -> str:
    """``5.4, 6.1, 6.2`` or, past :data:`NAMED_CODES`, ``5.4, …, 7.1 and 3 more items``."""
    shown = ", ".join(codes[:NAMED_CODES])
    rest = len(codes) - NAMED_CODES
    if rest <= 0:
        return shown
    return _("%(codes)s and %(count)d more items") % {"codes": shown, "count": rest}


@transaction.atomic
def approve_submission(assessment: Assessment, *, actor: Any) -> Assessment:
    """The agency's head or a deputy (an agency leader of that agency) approves the submission;
    the self-assessment report is the leadership's (par-index.md §1.4, step 3)."""
    require_agency_leader(actor, assessment)
    assessment = _locked_assessment(assessment)
    require_stage(assessment, Stage.SUBMITTED)
    assessment.status = Stage.APPROVED
    assessment.approved_by = actor
    assessment.approved_at = timezone.now()
    assessment.version += 1
    assessment.save()
    record(
        "assessments.assessment.approved",
        actor=actor,
        obj=assessment,
        agency_id=assessment.agency_id,
        data={"status": [Stage.SUBMITTED, Stage.APPROVED]},
    )
    return assessment


def _require_appraiser(actor: Any, entry: ItemEntry) -> None:
    assessment = entry.assessment
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    assigned = AppraiserAssignment.objects.filter(
        round_id=assessment.round_id,
        agency_id=assessment.agency_id,
        field_code=entry.field_code,
        user=actor,
    ).exists()
    # Checked again here, not only when assigning: the appraiser may have taken an agency role
    # since.
    if not assigned or assessment.agency_id in own_agencies(actor):
        raise PermissionDenied


@transaction.atomic
def record_appraisal(
    entry: ItemEntry,
    round_no: int,
    *,
    value: Decimal | None,
    comment: str,
    needs_explanation: bool = False,
    expected_version: int,
    actor: Any,
) -> ItemEntry:
    """The assigned appraiser of the item's field sets the appraised points of round 1 or 2.

    Round 1 runs once the leader has approved and may mark the item for explanation; round 2
    runs after the explanation stage (``needs_explanation`` is then left as it was).
    """
    if round_no not in (1, 2):
        raise AssessmentError(_("The appraisal round is 1 or 2."))
    _require_appraiser(actor, entry)
    assessment = _locked_assessment(entry.assessment)
    if round_no == 1:
        require_stage(assessment.round, Stage.DRAFT)
        require_stage(assessment, Stage.APPROVED, Stage.APPRAISAL_1)
    else:
        require_stage(assessment, Stage.APPRAISAL_2)
    current = lock_entry(entry, expected_version)
    framework = assessment.round.framework.to_engine()
    check_value(framework, assessment, current.code, value=value)
    value_field, comment_field = f"appraised_value_{round_no}", f"appraiser_comment_{round_no}"
    fields = [value_field, comment_field] + (["needs_explanation"] if round_no == 1 else [])
    old = {f: getattr(current, f) for f in fields}
    setattr(current, value_field, value)
    setattr(current, comment_field, comment.strip())
    if round_no == 1:
        current.needs_explanation = needs_explanation
    new = {f: getattr(current, f) for f in fields}
    if old != new:
        bump(current, actor, fields)
        data: dict[str, Any] = {
            f: [
                plain(old[f]) if f == value_field else old[f],
                plain(new[f]) if f == value_field else new[f],
            ]
            for f in fields
            if old[f] != new[f]
        }
        if value_field in data:
            node = leaf(framework, current.code)
            data |= audit_points(node, framework.rounding, old[value_field], value)
        record(
            f"assessments.item.appraised_{round_no}",
            actor=actor,
            obj=current,
            agency_id=assessment.agency_id,
            data=data,
        )
    if assessment.status == Stage.APPROVED:
        assessment.status = Stage.APPRAISAL_1
        assessment.version += 1
        assessment.save(update_fields=["status", "version"])
    return current


@transaction.atomic
def submit_explanation(
    entry: ItemEntry, *, text: str, expected_version: int, actor: Any
) -> ItemEntry:
    """The agency answers an item the appraisers marked, before its explanation deadline."""
    assessment = entry.assessment
    require_focal_officer(actor, assessment)
    assessment = _locked_assessment(assessment)
    require_stage(assessment, Stage.EXPLANATION)
    current = lock_entry(entry, expected_version)
    if not current.needs_explanation:
        raise StateError(_("The appraisers did not ask for an explanation of this item."))
    deadline = assessment.round.deadline(Deadline.EXPLANATION, assessment.agency_id)
    if timezone.localdate() > deadline:
        raise StateError(
            _("The explanation deadline (%(date)s) has passed.") % {"date": f"{deadline:%d/%m/%Y}"}
        )
    if not text.strip():
        raise AssessmentError(_("Write the explanation."))
    old = current.explanation
    current.explanation = text.strip()
    if old != current.explanation:
        bump(current, actor, ["explanation"])
        record(
            "assessments.item.explained",
            actor=actor,
            obj=current,
            agency_id=assessment.agency_id,
            data={"explanation": [old, current.explanation]},
        )
    return current


@transaction.atomic
def record_council_decision(
    entry: ItemEntry,
    *,
    value: Decimal | None,
    note: str,
    expected_version: int,
    actor: Any,
) -> ItemEntry:
    """The council's value for an item, which overrides every earlier value; ``None`` leaves
    the appraisers' value in force."""
    require_reform_office(actor)
    assessment = _locked_assessment(entry.assessment)
    require_stage(assessment, Stage.COUNCIL)
    current = lock_entry(entry, expected_version)
    framework = assessment.round.framework.to_engine()
    check_value(framework, assessment, current.code, value=value)
    old_value = current.council_value
    old = (plain(current.council_value), current.council_note)
    current.council_value = value
    current.council_note = note.strip()
    new = (plain(value), current.council_note)
    if old != new:
        bump(current, actor, ["council_value", "council_note"])
        data: dict[str, Any] = {"value": [old[0], new[0]], "note": [old[1], new[1]]}
        if old[0] != new[0]:
            node = leaf(framework, current.code)
            data |= audit_points(node, framework.rounding, old_value, value)
        record(
            "assessments.item.council_decided",
            actor=actor,
            obj=current,
            agency_id=assessment.agency_id,
            data=data,
        )
    return current


@transaction.atomic
def save_adjustment(
    assessment: Assessment,
    code: str,
    *,
    count: Decimal,
    note: str,
    expected_version: int,
    actor: Any,
) -> AdjustmentEntry:
    """Record how many times a bonus or penalty item happened (capped later by the engine,
    par-index.md §2.5). The reform office may do so until the round is finalised.

    ``expected_version`` is the entry's version the form showed (0: no entry saved yet); when
    someone saved the entry since, :class:`ConflictError` is raised and nothing is written.
    """
    require_reform_office(actor)
    assessment = _locked_assessment(assessment)
    require_stage(
        assessment.round, Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2, Stage.COUNCIL
    )
    framework = assessment.round.framework.to_engine()
    item = next((a for a in framework.adjustments if a.code == code), None)
    if item is None:
        raise AssessmentError(
            _("The framework has no bonus or penalty item %(code)s.") % {"code": code}
        )
    if not count.is_finite() or count < 0:
        raise AssessmentError(_("The count must be zero or more."))
    # The assessment's row lock above serialises saves of its entries.
    entry = AdjustmentEntry.objects.filter(assessment=assessment, code=code).first()
    _check_adjustment_version(entry, expected_version)
    created = entry is None
    if entry is None:
        entry = AdjustmentEntry(
            assessment=assessment, code=code, evidence_required=item.evidence_required, version=0
        )
    old = (None if created else plain(entry.count), entry.note)
    entry.count = count
    entry.note = note.strip()
    entry.version += 1
    entry.updated_by = _who(actor)
    entry.updated_at = timezone.now()
    entry.save()
    record(
        "assessments.adjustment.saved",
        actor=actor,
        obj=entry,
        agency_id=assessment.agency_id,
        data={"code": code, "count": [old[0], plain(count)], "note": [old[1], entry.note]},
    )
    return entry


def _check_adjustment_version(entry: AdjustmentEntry | None, expected_version: int) -> None:
    current = entry.version if entry is not None else 0
    if current == expected_version:
        return
    who = entry.updated_by if entry is not None else None
    name = (who.get_full_name() or who.get_username()) if who else _("the command line")
    when = timezone.localtime(entry.updated_at) if entry and entry.updated_at else None
    raise ConflictError(
        _("This item was just changed by %(who)s at %(when)s; reload it.")
        % {"who": name, "when": f"{when:%H:%M %d/%m/%Y}" if when else "?"}
    )
