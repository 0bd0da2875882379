"""Adding and removing evidence files (minh chứng) of items and of bonus/penalty entries.

Evidence is documents issued by competent bodies (reports, plans, notices); an item without it
is explained in its justification instead (par-index.md §1.4, steps 3–4). The agency's focal
officer attaches files while self-assessing, and again during the explanation stage for the
items the appraisers marked; the reform office attaches the evidence of bonus and penalty
entries until the round is finalised. A removal keeps the row and the file, so the audit trail
and an appraiser who read it can still name it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.assessments import evidence as files
from chiso.assessments.actions.common import (
    AssessmentError,
    StateError,
    require_focal_officer,
    require_reform_office,
    require_stage,
)
from chiso.assessments.models import (
    AdjustmentEntry,
    Assessment,
    Deadline,
    Evidence,
    ItemEntry,
    Stage,
)
from chiso.audit.actions import record

# The round stages in which bonus and penalty counts may change (as ``save_adjustment``).
ADJUSTMENT_STAGES = (Stage.DRAFT, Stage.EXPLANATION, Stage.APPRAISAL_2, Stage.COUNCIL)


def _require_item_stage(assessment: Assessment, entry: ItemEntry) -> None:
    """Items take files while self-assessing, or while explaining an item marked for it."""
    if assessment.status == Stage.EXPLANATION and entry.needs_explanation:
        deadline = assessment.round.deadline(Deadline.EXPLANATION, assessment.agency_id)
        if timezone.localdate() > deadline:
            raise StateError(
                _("The explanation deadline (%(date)s) has passed.")
                % {"date": f"{deadline:%d/%m/%Y}"}
            )
        return
    if assessment.status == Stage.EXPLANATION:
        raise StateError(_("The appraisers did not ask for an explanation of this item."))
    require_stage(assessment, Stage.DRAFT)


def _require_may_change(
    assessment: Assessment, entry: ItemEntry | None, adjustment: AdjustmentEntry | None, actor: Any
) -> None:
    if entry is not None:
        require_focal_officer(actor, assessment)
        if entry.assessment_id != assessment.pk:
            raise PermissionDenied
        _require_item_stage(assessment, entry)
    elif adjustment is not None:
        require_reform_office(actor)
        if adjustment.assessment_id != assessment.pk:
            raise PermissionDenied
        require_stage(assessment.round, *ADJUSTMENT_STAGES)
    else:
        raise AssessmentError(_("Choose the item or the bonus/penalty entry the file is for."))


def _locked(assessment: Assessment) -> Assessment:
    locked = Assessment.objects.select_for_update(of=("self",))
    return locked.select_related("round", "agency").get(pk=assessment.pk)


@transaction.atomic
def add_evidence(
    assessment: Assessment,
    file: Any,
    *,
    entry: ItemEntry | None = None,
    adjustment: AdjustmentEntry | None = None,
    description: str,
    actor: Any,
) -> Evidence:
    """Attach an uploaded file (a Django ``UploadedFile`` or any object with ``name`` and
    ``read``) to one item or one bonus/penalty entry of ``assessment``.

    The type is sniffed from the bytes and the size checked against ``CHISO_EVIDENCE_MAX_BYTES``
    before anything is written; the file is stored under a random key.
    """
    if entry is not None and adjustment is not None:
        raise AssessmentError(_("Choose the item or the bonus/penalty entry the file is for."))
    assessment = _locked(assessment)
    _require_may_change(assessment, entry, adjustment, actor)
    name = files.clean_name(getattr(file, "name", "") or "")
    data = files.read_upload(file)
    content_type = files.sniff(data, name)
    stored = files.store(data)
    try:
        evidence = Evidence.objects.create(
            assessment=assessment,
            entry=entry,
            adjustment=adjustment,
            stage=assessment.status,
            original_name=name[:255],
            storage_key=stored.key,
            content_type=content_type,
            size=stored.size,
            sha256=stored.sha256,
            description=description.strip()[:500],
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            uploaded_at=timezone.now(),
        )
        record(
            "assessments.evidence_added",
            actor=actor,
            obj=evidence,
            agency_id=assessment.agency_id,
            data={
                "item": entry.code if entry is not None else None,
                "adjustment": adjustment.code if adjustment is not None else None,
                "name": evidence.original_name,
                "content_type": content_type,
                "size": stored.size,
                "sha256": stored.sha256,
                "stage": assessment.status,
            },
        )
    except BaseException:
        # Nothing half-way: a file without its row would be unreachable clutter.
        files.delete_stored(stored.key)
        raise
    return evidence


@transaction.atomic
def remove_evidence(evidence: Evidence, *, reason: str, actor: Any) -> Evidence:
    """Withdraw a file (soft: ``removed_at`` is set, the file stays for the audit trail).

    Only who may add it, and only while the stage it was added in is still open.
    """
    current = Evidence.objects.select_for_update().get(pk=evidence.pk)
    assessment = _locked(current.assessment)
    entry = current.entry
    adjustment = current.adjustment
    _require_may_change(assessment, entry, adjustment, actor)
    if entry is not None and current.stage != assessment.status:
        raise StateError(
            _("This file was added at the stage «%(stage)s», which is closed.")
            % {"stage": Stage(current.stage).label}
        )
    if current.removed_at is not None:
        raise StateError(_("This file has already been removed."))
    if not reason.strip():
        raise AssessmentError(_("Give the reason for removing the file."))
    current.removed_at = timezone.now()
    current.removed_by = actor if getattr(actor, "is_authenticated", False) else None
    current.save(update_fields=["removed_at", "removed_by"])
    record(
        "assessments.evidence_removed",
        actor=actor,
        obj=current,
        agency_id=assessment.agency_id,
        reason=reason.strip(),
        data={
            "item": entry.code if entry is not None else None,
            "adjustment": adjustment.code if adjustment is not None else None,
            "name": current.original_name,
            "sha256": current.sha256,
            "removed_at": [None, current.removed_at],
        },
    )
    return current
