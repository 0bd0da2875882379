"""The only write path for plans, tasks, progress notes, inspections and indices.

Each action checks the actor's scope (``actor=None`` is the command line), runs in one
transaction and writes one audit row with old → new values. A task changes owner (lead agency,
responsible leader, officer in charge) only with a reason: "rõ người, rõ việc, rõ trách nhiệm"
(source-article.txt) means a change of person must be traceable.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import filetype
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.audit.actions import record
from chiso.org.models import Agency, Person, Position
from chiso.plans.models import (
    ExternalIndex,
    IndexTarget,
    Inspection,
    Plan,
    ProgressNote,
    Task,
)
from chiso.plans.queries import can_manage_plan, can_report_progress

# Evidence a focal officer attaches: documents and scans. Sniffed from the bytes, never trusted
# from the name or the browser's Content-Type.
EVIDENCE_TYPES = {
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",  # some DOCX/XLSX files are recognised only as ZIP
}
MAX_EVIDENCE_MB = 10
# Plans live at /plans/<code>/: these words are the addresses of the other plans pages.
RESERVED_CODES = frozenset(
    {
        "tasks",
        "evidence",
        "deadlines",
        "completion",
        "inspections",
        "indices",
        "dashboard",
        "losses",
        "new",
    }
)
# ``save_task(officer_user=KEEP)``: leave the officer's account as it is (an import file has
# no account column, so re-importing must not clear the one chosen in chiso).
KEEP: Any = object()


def _require_reform_office(actor: Any) -> None:
    if actor is not None:
        scope.require_reform_office(actor)


def leader_allowed(person: Person, agency: Agency, year: int) -> bool:
    """The person held the head or deputy post of ``agency`` at some time in ``year``."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (
        Position.objects.filter(person=person, agency=agency, start__lte=last)
        .filter(Q(end=None) | Q(end__gte=first))
        .exists()
    )


def _check_leader(person: Person | None, agency: Agency, year: int) -> None:
    if person is not None and not leader_allowed(person, agency, year):
        raise ValidationError(
            _("%(person)s is not the head or a deputy head of %(agency)s in %(year)s.")
            % {"person": person.full_name, "agency": agency.name, "year": year}
        )


@transaction.atomic
def create_plan(
    *,
    actor: Any,
    year: int,
    code: str,
    title: str,
    agency: Agency | None = None,
    document_number: str = "",
    document_date: datetime.date | None = None,
) -> Plan:
    """The province's plan (reform office) or an agency's own plan (its users, or the office)."""
    if actor is not None and not (
        scope.is_reform_office(actor)
        or (agency is not None and agency.pk in scope.own_agency_ids(actor))
    ):
        raise PermissionDenied
    if code in RESERVED_CODES:
        raise ValidationError(_("'%(code)s' cannot be a plan code.") % {"code": code})
    if Plan.objects.filter(code=code).exists():
        raise ValidationError(_("A plan with code '%(code)s' already exists.") % {"code": code})
    plan = Plan.objects.create(
        year=year,
        code=code,
        title=title,
        agency=agency,
        document_number=document_number,
        document_date=document_date,
    )
    record(
        "plans.plan.created",
        actor=actor,
        obj=plan,
        agency_id=agency.pk if agency else None,
        data={"new": {"year": year, "code": code, "title": title, "document": document_number}},
    )
    return plan


def may_edit_task(actor: Any, task: Task) -> bool:
    """Edit a task's content: whoever manages its plan, except that an agency edits only the
    tasks it leads (a task another agency leads is that agency's completion fact)."""
    if not can_manage_plan(actor, task.plan):
        return False
    return scope.is_reform_office(actor) or task.lead_agency_id in scope.own_agency_ids(actor)


def agency_refusal(
    actor: Any, task: Task | None, lead_agency: Agency, assigned_by_ppc: bool
) -> tuple[str, str] | None:
    """The field (``lead_agency`` or ``assigned_by_ppc``) and the reason why an agency user may
    not save the task as given; None when allowed.

    Only the reform office gives a task to another agency, changes a task another agency
    leads, or marks a task as assigned by the Provincial People's Committee: each of these
    changes another agency's completion facts (``task.on_time_rate`` counts the tasks the PPC
    assigned, docs/plans.md), which an agency must not set for itself or for others."""
    if actor is None or scope.is_reform_office(actor):
        return None
    own = scope.own_agency_ids(actor)
    if task is not None and task.lead_agency_id not in own:
        return "lead_agency", _(
            "task %(number)s is led by %(agency)s: only the reform office changes it"
        ) % {"number": task.number, "agency": task.lead_agency.name}
    if lead_agency.pk not in own:
        return "lead_agency", _(
            "%(agency)s is not your agency: only the reform office gives a task to another agency"
        ) % {"agency": lead_agency.name}
    if assigned_by_ppc != (task.assigned_by_ppc if task is not None else False):
        return "assigned_by_ppc", _(
            "only the reform office marks or unmarks a task as assigned by the Provincial "
            "People's Committee"
        )
    return None


def _task_values(task: Task) -> dict[str, Any]:
    return {
        "number": task.number,
        "title": task.title,
        "lead_agency": task.lead_agency.code,
        "co_agencies": sorted(a.code for a in task.co_agencies.all()) if task.pk else [],
        "leader": task.leader.code if task.leader else "",
        "officer": task.officer,
        "officer_user": task.officer_user.get_username() if task.officer_user else "",
        "deadline": task.deadline,
        "output": task.output,
        "assigned_by_ppc": task.assigned_by_ppc,
        "progress": task.progress,
        "completed_on": task.completed_on,
    }


@transaction.atomic
def save_task(
    plan: Plan,
    *,
    actor: Any,
    number: str,
    title: str,
    lead_agency: Agency,
    deadline: datetime.date,
    co_agencies: Iterable[Agency] = (),
    leader: Person | None = None,
    officer: str = "",
    officer_user: Any = KEEP,
    output: str = "",
    assigned_by_ppc: bool = False,
    progress: int | None = None,
    completed_on: datetime.date | None = None,
    reason: str = "",
) -> tuple[Task, bool]:
    """Create the task ``number`` of ``plan``, or update it (an import run again); return the
    task and whether anything changed. Changing an existing task's owner needs ``reason``.

    The checks every path shares (import and form): the responsible leader is the head or a
    deputy head of the lead agency in the plan's year, the lead agency does not co-operate with
    itself, and the officer's account belongs to the lead agency; an agency user saves only
    tasks its own agencies lead and leaves "assigned by the PPC" as it is (:func:`agency_refusal`).
    """
    if actor is not None and not can_manage_plan(actor, plan):
        raise PermissionDenied
    task = Task.objects.filter(plan=plan, number=number).select_related("lead_agency").first()
    refusal = agency_refusal(actor, task, lead_agency, assigned_by_ppc)
    if refusal is not None:
        raise PermissionDenied(refusal[1])
    _check_leader(leader, lead_agency, plan.year)
    co_agencies = list(co_agencies)
    if any(a.pk == lead_agency.pk for a in co_agencies):
        raise ValidationError(
            _("%(agency)s leads the task: it cannot also be a co-operating agency.")
            % {"agency": lead_agency.name}
        )
    if (
        officer_user not in (KEEP, None)
        and not officer_user.memberships.filter(agency=lead_agency).exists()
    ):
        raise ValidationError(
            _("%(user)s does not work for %(agency)s.")
            % {"user": officer_user.get_username(), "agency": lead_agency.name}
        )
    old = _task_values(task) if task else None
    if task is None:
        task = Task(plan=plan, number=number)
    elif not reason and (
        task.lead_agency_id != lead_agency.pk
        or task.leader_id != (leader.pk if leader else None)
        or task.officer != officer
    ):
        raise ValidationError(
            _("Task %(number)s changes owner: give the reason.") % {"number": number}
        )
    task.title, task.lead_agency, task.deadline = title, lead_agency, deadline
    task.leader, task.officer = leader, officer
    if officer_user is not KEEP:
        task.officer_user = officer_user
    task.output, task.assigned_by_ppc = output, assigned_by_ppc
    if progress is not None:
        task.progress = progress
    if completed_on is not None or progress is not None:
        task.completed_on = completed_on
        if completed_on is not None:
            task.progress = 100
    task.save()
    task.co_agencies.set(co_agencies)
    new = _task_values(task)
    if old == new:
        return task, False
    record(
        "plans.task.created" if old is None else "plans.task.updated",
        actor=actor,
        obj=task,
        agency_id=lead_agency.pk,
        reason=reason,
        data={"old": old, "new": new} if old else {"new": new},
    )
    return task, True


@transaction.atomic
def add_task(plan: Plan, *, actor: Any, number: str, **fields: Any) -> Task:
    """Add a new task to ``plan`` (the form's path): like :func:`save_task`, but a number
    (STT) already used in the plan is refused rather than updated."""
    if actor is not None and not can_manage_plan(actor, plan):
        raise PermissionDenied
    if Task.objects.filter(plan=plan, number=number).exists():
        raise ValidationError(_("The plan already has a task %(number)s.") % {"number": number})
    return save_task(plan, actor=actor, number=number, **fields)[0]


@transaction.atomic
def change_owner(
    task: Task,
    *,
    actor: Any,
    reason: str,
    lead_agency: Agency | None = None,
    leader: Person | None = None,
    officer: str | None = None,
    officer_user: Any = None,
) -> Task:
    """Hand a task to another agency, leader or officer; ``reason`` is required and audited.

    Only the reform office may move a task of the province's plan to another agency; the agency
    itself may change the leader and officer of the tasks it leads.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for changing who is responsible."))
    moving = lead_agency is not None and lead_agency.pk != task.lead_agency_id
    if actor is not None:
        allowed = scope.is_reform_office(actor) or (not moving and can_report_progress(actor, task))
        if not allowed:
            raise PermissionDenied
    old = {
        "lead_agency": task.lead_agency.code,
        "leader": task.leader.code if task.leader else "",
        "officer": task.officer,
        "officer_user": task.officer_user.get_username() if task.officer_user else "",
    }
    if lead_agency is not None:
        task.lead_agency = lead_agency
    task.leader = leader
    if officer is not None:
        task.officer = officer
    task.officer_user = officer_user
    _check_leader(task.leader, task.lead_agency, task.plan.year)
    if (
        officer_user is not None
        and not officer_user.memberships.filter(agency=task.lead_agency).exists()
    ):
        raise ValidationError(
            _("%(user)s does not work for %(agency)s.")
            % {"user": officer_user.get_username(), "agency": task.lead_agency.name}
        )
    task.save(update_fields=["lead_agency", "leader", "officer", "officer_user"])
    new = {
        "lead_agency": task.lead_agency.code,
        "leader": task.leader.code if task.leader else "",
        "officer": task.officer,
        "officer_user": task.officer_user.get_username() if task.officer_user else "",
    }
    record(
        "plans.task.owner_changed",
        actor=actor,
        obj=task,
        agency_id=task.lead_agency_id,
        reason=reason,
        data={"old": old, "new": new},
    )
    return task


def sniff_evidence(upload: UploadedFile) -> str:
    """The evidence file's real type, or ValidationError when it is not an accepted document."""
    if upload.size and upload.size > MAX_EVIDENCE_MB * 1024 * 1024:
        raise ValidationError(_("The file is larger than %(size)s MB.") % {"size": MAX_EVIDENCE_MB})
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise ValidationError(
            _("The evidence must be a PDF, an image (PNG, JPEG) or a Word/Excel file.")
        )
    return str(kind.mime)


@transaction.atomic
def report_progress(
    task: Task,
    *,
    actor: Any,
    text: str,
    percent: int,
    completed_on: datetime.date | None = None,
    evidence: UploadedFile | None = None,
    today: datetime.date | None = None,
) -> ProgressNote:
    """Add a progress note; 100% (or a completion date) marks the task done on that date
    (today when not given); a lower percent on a done task reopens it."""
    if actor is not None and not can_report_progress(actor, task):
        raise PermissionDenied
    text = text.strip()
    if not text:
        raise ValidationError(_("Describe what has been done."))
    if not 0 <= percent <= 100:
        raise ValidationError(_("Progress must lie between 0 and 100%."))
    today = today or timezone.localdate()
    if completed_on is not None and completed_on > today:
        raise ValidationError(_("The completion date cannot be in the future."))
    evidence_type = sniff_evidence(evidence) if evidence is not None else ""
    old = {"progress": task.progress, "completed_on": task.completed_on}
    if completed_on is not None or percent == 100:
        task.progress, task.completed_on = 100, completed_on or task.completed_on or today
    else:
        task.progress, task.completed_on = percent, None
    task.save(update_fields=["progress", "completed_on"])
    note = ProgressNote(
        task=task,
        author=actor if getattr(actor, "is_authenticated", False) else None,
        text=text,
        percent=task.progress,
    )
    if evidence is not None:
        note.evidence_name = (evidence.name or "")[:255]
        note.evidence_type = evidence_type
        note.evidence.save(evidence.name or "evidence", evidence, save=False)
    note.save()
    record(
        "plans.task.progress",
        actor=actor,
        obj=task,
        agency_id=task.lead_agency_id,
        data={
            "old": old,
            "new": {"progress": task.progress, "completed_on": task.completed_on},
            "note": text,
            "evidence": note.evidence_name,
        },
    )
    return note


@transaction.atomic
def record_inspection(
    *,
    actor: Any,
    agency: Agency,
    date: datetime.date,
    finding: str,
    discipline: bool = False,
    evidence: str = "",
) -> Inspection:
    """Record a kiểm tra công vụ finding (reform office only)."""
    _require_reform_office(actor)
    if not finding.strip():
        raise ValidationError(_("Describe the finding."))
    inspection = Inspection.objects.create(
        agency=agency, date=date, finding=finding.strip(), discipline=discipline, evidence=evidence
    )
    record(
        "plans.inspection.created",
        actor=actor,
        obj=inspection,
        agency_id=agency.pk,
        data={
            "new": {
                "date": date,
                "finding": finding,
                "discipline": discipline,
                "evidence": evidence,
            }
        },
    )
    return inspection


@transaction.atomic
def set_external_index(
    *,
    actor: Any,
    kind: str,
    year: int,
    value: Decimal,
    scale: Decimal = Decimal(100),
    rank: int | None = None,
    of: int = 63,
    group: str = "",
    source: str = "",
) -> tuple[ExternalIndex, bool]:
    """Create or update the province's value of an index for a year; return (row, changed)."""
    _require_reform_office(actor)
    if rank is not None and not 1 <= rank <= of:
        raise ValidationError(_("The rank must lie between 1 and %(of)s.") % {"of": of})
    new = {"value": value, "scale": scale, "rank": rank, "of": of, "group": group, "source": source}
    row = ExternalIndex.objects.filter(kind=kind, year=year).first()
    old = None
    if row is not None:
        old = {f: getattr(row, f) for f in new}
        if old == new:
            return row, False
        for f, v in new.items():
            setattr(row, f, v)
        row.save()
    else:
        row = ExternalIndex.objects.create(kind=kind, year=year, **new)
    record(
        "plans.index.updated" if old else "plans.index.created",
        actor=actor,
        obj=row,
        data={"old": old, "new": new} if old else {"new": new},
    )
    return row, True


@transaction.atomic
def set_target(
    *,
    actor: Any,
    kind: str,
    year: int,
    rank: int | None = None,
    value: Decimal | None = None,
    basis: str = "",
) -> IndexTarget:
    """Create or update the province's target for an index (rank at most / value at least)."""
    _require_reform_office(actor)
    if rank is None and value is None:
        raise ValidationError(_("A target needs a rank or a value."))
    row, _created = IndexTarget.objects.get_or_create(kind=kind, year=year)
    old = {"rank": row.rank, "value": row.value, "basis": row.basis}
    new = {"rank": rank, "value": value, "basis": basis}
    if old == new:
        return row
    row.rank, row.value, row.basis = rank, value, basis
    row.save()
    record("plans.target.set", actor=actor, obj=row, data={"old": old, "new": new})
    return row
