"""Plans pages: plans and their tasks, progress reports, deadlines, completion, inspections,
indices and the leaders' dashboard. Views parse, authorise (queries.py) and call actions."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from chiso.accounts import scope
from chiso.accounts.models import Role
from chiso.org.models import Agency, Person
from chiso.org.tabular import FORMATS
from chiso.plans import actions, dashboard
from chiso.plans.deadlines import DUE_SOON_DAYS, TaskStatus, days_late, days_left
from chiso.plans.facts import agency_completions, leader_completions
from chiso.plans.forms import (
    IndexForm,
    IndexImportForm,
    InspectionForm,
    OwnerForm,
    PlanForm,
    ProgressForm,
    TaskForm,
    TaskImportForm,
)
from chiso.plans.importing import export_tasks as export_table
from chiso.plans.importing import import_tasks
from chiso.plans.indices import import_indices
from chiso.plans.losses import where_points_were_lost
from chiso.plans.models import Inspection, Plan, ProgressNote, Task
from chiso.plans.queries import (
    OUTCOMES,
    can_manage_plan,
    can_report_progress,
    due_soon,
    overdue,
    visible_plans,
    visible_tasks,
    with_outcome,
    with_status,
)
from chiso.plans.workdays import counts_working_days, plans_calendar
from chiso.results.queries import visible_result_sets

STATUS_CHOICES = [
    (TaskStatus.NOT_STARTED, gettext_lazy("Not started")),
    (TaskStatus.IN_PROGRESS, gettext_lazy("In progress")),
    (TaskStatus.DONE, gettext_lazy("Done on time")),
    (TaskStatus.DONE_LATE, gettext_lazy("Done late")),
    (TaskStatus.OVERDUE, gettext_lazy("Overdue")),
]


def _lang() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return None


def _rows(tasks: QuerySet[Task], user: Any, today: datetime.date) -> list[dict[str, Any]]:
    out = []
    calendar = plans_calendar()
    for task in tasks.select_related("plan", "lead_agency", "leader"):
        out.append(
            {
                "task": task,
                "status": task.status_on(today),
                "days_left": days_left(task.deadline, today, calendar),
                "days_late": days_late(task.deadline, task.completed_on, today, calendar),
                "editable": can_report_progress(user, task),
            }
        )
    return out


def _filtered(
    request: HttpRequest, tasks: QuerySet[Task], today: datetime.date
) -> tuple[QuerySet[Task], dict[str, Any]]:
    """Apply the list filters of the query string: agency, leader, status, year, PPC, outcome."""
    q = request.GET
    filters: dict[str, Any] = {
        k: q.get(k, "") for k in ("agency", "leader", "status", "year", "ppc", "outcome", "as_of")
    }
    if filters["agency"]:
        tasks = tasks.filter(lead_agency__code=filters["agency"])
    if filters["leader"]:
        tasks = tasks.filter(leader__code=filters["leader"])
    if filters["year"].isdigit():
        tasks = tasks.filter(plan__year=int(filters["year"]))
    tasks = with_status(tasks, filters["status"], today)
    if filters["outcome"] in OUTCOMES:
        as_of = _date(filters["as_of"]) or today
        tasks = with_outcome(tasks, filters["outcome"], as_of, ppc_only=filters["ppc"] == "1")
    elif filters["ppc"] == "1":
        tasks = tasks.filter(assigned_by_ppc=True)
    return tasks.order_by("deadline", "number"), filters


def _filter_options(tasks: QuerySet[Task]) -> dict[str, Any]:
    return {
        "agencies": Agency.objects.filter(pk__in=tasks.values("lead_agency")).order_by("name"),
        "leaders": Person.objects.filter(pk__in=tasks.values("leader")).order_by("full_name"),
        "statuses": [(s.value, str(label)) for s, label in STATUS_CHOICES],
    }


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    scope.require_any_role(request.user)
    plans = visible_plans(request.user)
    can_create = scope.is_reform_office(request.user) or bool(scope.own_agency_ids(request.user))
    return render(request, "plans/list.html", {"plans": plans, "can_create": can_create})


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    """A new plan: the reform office (the province's or any agency's), or an agency's focal
    officer or leader (their own agency's)."""
    province = scope.is_reform_office(request.user)
    own = scope.own_agency_ids(request.user)
    if not (province or own):
        raise PermissionDenied
    agencies = Agency.objects.all() if province else Agency.objects.filter(pk__in=own)
    form = PlanForm(
        request.POST or None,
        agencies=agencies,
        province=province,
        initial={"year": timezone.localdate().year},
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = actions.create_plan(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Plan created."))
            return redirect("plans:detail", code=plan.code)
    return render(request, "plans/plan_form.html", {"form": form})


def _own_unless_office(user: Any) -> set[int] | None:
    """The agencies an agency user may pick in the task forms (None: the office picks any)."""
    return None if scope.is_reform_office(user) else scope.own_agency_ids(user)


def _task_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = dict(data)
    fields.pop("reason", None)
    fields.pop("number", None)
    return fields


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(visible_plans(request.user), code=code)
    if not can_manage_plan(request.user, plan):
        raise PermissionDenied
    form = TaskForm(request.POST or None, own=_own_unless_office(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            task = actions.add_task(
                plan,
                actor=request.user,
                number=form.cleaned_data["number"],
                **_task_fields(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Task %(number)s added.") % {"number": task.number})
            return redirect("plans:detail", code=plan.code)
    return render(request, "plans/task_form.html", {"plan": plan, "task": None, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a task's content and owner (owner changes need a reason, as in an import)."""
    task = _task_or_404(request.user, pk)
    if not can_manage_plan(request.user, task.plan):
        raise Http404
    if not actions.may_edit_task(request.user, task):
        raise PermissionDenied  # a task of her agency's plan that another agency leads
    initial = {
        "number": task.number,
        "title": task.title,
        "lead_agency": task.lead_agency,
        "co_agencies": list(task.co_agencies.all()),
        "leader": task.leader,
        "officer": task.officer,
        "officer_user": task.officer_user,
        "deadline": task.deadline,
        "output": task.output,
        "assigned_by_ppc": task.assigned_by_ppc,
    }
    form = TaskForm(
        request.POST or None,
        initial=initial,
        editing=True,
        own=_own_unless_office(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            _saved, changed = actions.save_task(
                task.plan,
                actor=request.user,
                number=task.number,
                reason=form.cleaned_data["reason"].strip(),
                **_task_fields(form.cleaned_data),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(request, _("Task saved."))
            return redirect("plans:task", pk=task.pk)
    return render(request, "plans/task_form.html", {"plan": task.plan, "task": task, "form": form})


@login_required
@require_GET
def plan_detail(request: HttpRequest, code: str) -> HttpResponse:
    scope.require_any_role(request.user)
    plan = get_object_or_404(visible_plans(request.user), code=code)
    today = timezone.localdate()
    base = visible_tasks(request.user).filter(plan=plan)
    tasks, filters = _filtered(request, base, today)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "rows": _rows(tasks, request.user, today),
            "filters": filters,
            "manage": can_manage_plan(request.user, plan),
            **_filter_options(base),
        },
    )


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """Tasks across plans: the list behind every figure of the completion and dashboard pages."""
    scope.require_any_role(request.user)
    today = timezone.localdate()
    base = visible_tasks(request.user)
    tasks, filters = _filtered(request, base, today)
    return render(
        request,
        "plans/tasks.html",
        {"rows": _rows(tasks, request.user, today), "filters": filters, **_filter_options(base)},
    )


def _task_or_404(user: Any, pk: int) -> Task:
    return get_object_or_404(visible_tasks(user), pk=pk)


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope.require_any_role(request.user)
    task = _task_or_404(request.user, pk)
    today = timezone.localdate()
    editable = can_report_progress(request.user, task)
    calendar = plans_calendar()
    return render(
        request,
        "plans/task.html",
        {
            "task": task,
            "status": task.status_on(today),
            "days_left": days_left(task.deadline, today, calendar),
            "days_late": days_late(task.deadline, task.completed_on, today, calendar),
            "working_days": counts_working_days(),
            "notes": task.notes.select_related("author"),
            "editable": editable,
            "form": ProgressForm(initial={"percent": task.progress}) if editable else None,
            "owner_editable": editable,
            "manage": actions.may_edit_task(request.user, task),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Report progress: only the lead agency's users and the reform office; others get 404."""
    task = _task_or_404(request.user, pk)
    if not can_report_progress(request.user, task):
        raise Http404
    form = ProgressForm(
        request.POST or None, request.FILES or None, initial={"percent": task.progress}
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_progress(
                task,
                actor=request.user,
                text=form.cleaned_data["text"],
                percent=form.cleaned_data["percent"],
                completed_on=form.cleaned_data["completed_on"],
                evidence=form.cleaned_data["evidence"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Progress saved."))
            return redirect("plans:task", pk=task.pk)
    return render(request, "plans/progress.html", {"task": task, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def task_owner(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task_or_404(request.user, pk)
    # The lead agency's users and the reform office (actions.change_owner decides the rest).
    if not can_report_progress(request.user, task):
        raise Http404
    initial = {
        "lead_agency": task.lead_agency,
        "leader": task.leader,
        "officer": task.officer,
        "officer_user": task.officer_user,
    }
    form = OwnerForm(request.POST or None, initial=initial, own=_own_unless_office(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            actions.change_owner(
                task,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                lead_agency=form.cleaned_data["lead_agency"],
                leader=form.cleaned_data["leader"],
                officer=form.cleaned_data["officer"],
                officer_user=form.cleaned_data["officer_user"],
            )
        except PermissionDenied:
            form.add_error(
                "lead_agency", _("Only the reform office moves a task to another agency.")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The people responsible have been changed."))
            return redirect("plans:task", pk=task.pk)
    return render(request, "plans/owner.html", {"task": task, "form": form})


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """Evidence is always downloaded, never shown inline (it is what a user uploaded)."""
    note = get_object_or_404(ProgressNote, pk=pk)
    _task_or_404(request.user, note.task_id)
    if not note.evidence:
        raise Http404
    response = FileResponse(
        note.evidence.open("rb"),
        as_attachment=True,
        filename=note.evidence_name or "evidence",
        content_type=note.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def plan_export(request: HttpRequest, code: str) -> HttpResponse:
    scope.require_any_role(request.user)
    plan = get_object_or_404(visible_plans(request.user), code=code)
    if not (scope.sees_whole_province(request.user) or can_manage_plan(request.user, plan)):
        raise Http404  # an agency sees only some tasks of the province's plan
    response = HttpResponse(export_table(plan, "xlsx", _lang()), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{plan.code}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest, code: str) -> HttpResponse:
    plan = get_object_or_404(visible_plans(request.user), code=code)
    if not can_manage_plan(request.user, plan):
        raise PermissionDenied
    form = TaskImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = import_tasks(
            upload.read(),
            plan,
            actor=request.user,
            filename=upload.name,
            lang=_lang(),
            reason=form.cleaned_data["reason"],
            dry_run=form.cleaned_data["dry_run"],
        )
        if report.ok and not form.cleaned_data["dry_run"]:
            messages.success(
                request,
                _(
                    "Tasks imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged."
                )
                % report.as_dict(),
            )
            return redirect("plans:detail", code=plan.code)
    return render(request, "plans/import.html", {"plan": plan, "form": form, "report": report})


@login_required
@require_GET
def deadlines(request: HttpRequest) -> HttpResponse:
    """Overdue and due-soon tasks, grouped by lead agency and by responsible leader."""
    scope.require_any_role(request.user)
    today = timezone.localdate()
    within = int(request.GET["days"]) if request.GET.get("days", "").isdigit() else DUE_SOON_DAYS
    tasks = visible_tasks(request.user)
    mine = (
        tasks.filter(officer_user=request.user) if request.user.is_authenticated else tasks.none()
    )
    sections = []
    for key, title, qs in (
        ("overdue", _("Overdue"), overdue(tasks, today)),
        (
            "due_soon",
            (
                _("Due within %(days)s working days")
                if counts_working_days()
                else _("Due within %(days)s days")
            )
            % {"days": within},
            due_soon(tasks, today, within, plans_calendar()),
        ),
    ):
        rows = _rows(qs, request.user, today)
        by_agency: dict[str, list[dict[str, Any]]] = {}
        by_leader: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            by_agency.setdefault(row["task"].lead_agency.name, []).append(row)
            leader = row["task"].leader
            by_leader.setdefault(leader.full_name if leader else _("No leader named"), []).append(
                row
            )
        sections.append(
            {
                "key": key,
                "title": title,
                "by_agency": sorted(by_agency.items()),
                "by_leader": sorted(by_leader.items()),
                "count": len(rows),
            }
        )
    return render(
        request,
        "plans/deadlines.html",
        {
            "sections": sections,
            "mine": _rows(mine.filter(completed_on=None), request.user, today),
            "within": within,
            "working_days": counts_working_days(),
        },
    )


def _year_param(request: HttpRequest, default: int) -> int:
    year = request.GET.get("year", "")
    return int(year) if year.isdigit() else default


@login_required
@require_GET
def completion(request: HttpRequest) -> HttpResponse:
    """Completion rates per agency and per leader; each number links to its list of tasks."""
    scope.require_any_role(request.user)
    today = timezone.localdate()
    years = sorted(set(Plan.objects.values_list("year", flat=True)), reverse=True)
    year = _year_param(request, years[0] if years else today.year)
    as_of = _date(request.GET.get("as_of")) or min(today, datetime.date(year, 12, 31))
    visible = set(scope.visible_agencies(request.user).values_list("pk", flat=True))
    agencies = [c for c in agency_completions(year, as_of) if c.agency.pk in visible]
    leaders = leader_completions(year, as_of) if scope.sees_whole_province(request.user) else []
    return render(
        request,
        "plans/completion.html",
        {"year": year, "years": years, "as_of": as_of, "agencies": agencies, "leaders": leaders},
    )


@login_required
@require_http_methods(["GET", "POST"])
def inspections(request: HttpRequest) -> HttpResponse:
    scope.require_any_role(request.user)
    rows = Inspection.objects.filter(
        agency__in=scope.visible_agencies(request.user)
    ).select_related("agency")
    form = InspectionForm(request.POST or None) if scope.is_reform_office(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                actions.record_inspection(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Finding recorded."))
                return redirect("plans:inspections")
    return render(request, "plans/inspections.html", {"rows": rows, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def indices(request: HttpRequest) -> HttpResponse:
    """External indices by year with the targets and the gap; the reform office enters them."""
    scope.require_any_role(request.user)
    office = scope.is_reform_office(request.user)
    form = IndexForm(request.POST or None, prefix="one") if office else None
    upload = (
        IndexImportForm(request.POST or None, request.FILES or None, prefix="file")
        if office
        else None
    )
    problems: list[Any] = []
    if request.method == "POST":
        if not office or form is None or upload is None:
            raise PermissionDenied
        if "file-file" in request.FILES:
            if upload.is_valid():
                data = upload.cleaned_data["file"]
                changed, problems = import_indices(
                    data.read(), actor=request.user, filename=data.name, lang=_lang()
                )
                if not problems:
                    messages.success(request, _("%(n)s index values saved.") % {"n": changed})
                    return redirect("plans:indices")
        elif form.is_valid():
            try:
                actions.set_external_index(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Index value saved."))
                return redirect("plans:indices")
    return render(
        request,
        "plans/indices.html",
        {"gaps": dashboard.target_gaps(), "form": form, "upload": upload, "problems": problems},
    )


def _require_dashboard(user: Any) -> None:
    """The leaders' dashboard: provincial leaders (read-only) and the reform office."""
    scope.require_any_role(user, [Role.VIEWER, Role.REFORM_OFFICE])


@login_required
@require_GET
def leaders_dashboard(request: HttpRequest) -> HttpResponse:
    _require_dashboard(request.user)
    today = timezone.localdate()
    sets = visible_result_sets(request.user)
    year = dashboard.latest_year(sets)
    blocks = [dashboard.block_summary(s, sets) for s in sets.filter(year=year)] if year else []
    plan_years = sorted(set(Plan.objects.values_list("year", flat=True)), reverse=True)
    plan_year = plan_years[0] if plan_years else today.year
    statuses = dashboard.status_counts(plan_year, today)
    status_rows = [(s.value, str(label), statuses.get(s.value, 0)) for s, label in STATUS_CHOICES]
    overdue_rows = dashboard.overdue_by_agency(today)
    chart = {
        "statuses": [{"name": label, "value": n} for _s, label, n in status_rows],
        "overdue": [{"name": r["lead_agency__name"], "value": n} for r, n in overdue_rows],
        "classes": [
            {
                "block": b.result_set.block.name,
                "data": [{"name": c, "value": n} for c, n in b.classes],
            }
            for b in blocks
        ],
    }
    return render(
        request,
        "plans/dashboard.html",
        {
            "today": today,
            "gaps": dashboard.target_gaps(),
            "year": year,
            "blocks": blocks,
            "plan_year": plan_year,
            "status_rows": status_rows,
            "overdue_rows": overdue_rows,
            "chart": chart,
            "late_dossiers": dashboard.late_dossiers_by_field(),
        },
    )


@login_required
@require_GET
def losses(request: HttpRequest, pk: int) -> HttpResponse:
    """Every criterion of a result set by points lost (the dashboard shows the first five)."""
    _require_dashboard(request.user)
    sets = visible_result_sets(request.user)
    result_set = get_object_or_404(sets, pk=pk)
    depth = 0 if request.GET.get("level") == "field" else 1
    before = dashboard.previous_set(result_set, sets)
    rows = where_points_were_lost(
        dashboard.scored(result_set),
        dashboard.scored(before) if before else (),
        depth=depth,
        limit=None,
        matching=dashboard.framework_matching(before, result_set),
    )
    return render(
        request,
        "plans/losses.html",
        {"result_set": result_set, "rows": rows, "depth": depth, "previous": before},
    )
