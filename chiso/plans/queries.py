"""Who sees and changes which plans and tasks (the scope rules of docs/plans.md).

- Province-wide roles (reform office, provincial leaders, appraisers) read every plan and task.
- Agency users (focal officer, agency leader) read the province's plans, their own agency's
  plans, and the tasks their agency (or a unit below it) leads or co-operates on: a co-operating
  agency has to know what it is asked to contribute.
- Only the lead agency's users, and the reform office, report progress on a task; anything
  else answers 404, as for any object outside the user's scope.
- Other roles (survey operator) see the province's plans but no task.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, Q, QuerySet

from chiso.accounts import scope
from chiso.plans.completion import TaskRecord, completion
from chiso.plans.deadlines import CALENDAR_DAYS, DUE_SOON_DAYS, Calendar, last_day_within
from chiso.plans.models import Plan, Task


def visible_plans(user: Any) -> QuerySet[Plan]:
    plans = Plan.objects.select_related("agency")
    if scope.sees_whole_province(user):
        return plans
    return plans.filter(Q(agency=None) | Q(agency_id__in=scope.own_agency_ids(user)))


def visible_tasks(user: Any) -> QuerySet[Task]:
    tasks = Task.objects.select_related("plan", "lead_agency", "leader")
    if scope.sees_whole_province(user):
        return tasks
    own = scope.own_agency_ids(user)
    ids = Task.objects.filter(
        Q(lead_agency_id__in=own) | Q(co_agencies__in=own) | Q(plan__agency_id__in=own)
    ).values("pk")
    return tasks.filter(pk__in=ids)


def can_report_progress(user: Any, task: Task) -> bool:
    return scope.is_reform_office(user) or task.lead_agency_id in scope.own_agency_ids(user)


def can_manage_plan(user: Any, plan: Plan) -> bool:
    """Create tasks and change owners: the reform office, or the agency for its own plan."""
    if scope.is_reform_office(user):
        return True
    return plan.agency_id is not None and plan.agency_id in scope.own_agency_ids(user)


def open_tasks(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.filter(completed_on=None)


def overdue(tasks: QuerySet[Task], today: datetime.date) -> QuerySet[Task]:
    """Open tasks whose deadline has passed (a date comparison: see deadlines.py)."""
    return open_tasks(tasks).filter(deadline__lt=today).order_by("deadline", "number")


def due_soon(
    tasks: QuerySet[Task],
    today: datetime.date,
    within: int = DUE_SOON_DAYS,
    calendar: Calendar = CALENDAR_DAYS,
) -> QuerySet[Task]:
    """Open tasks due between today and ``within`` days from now (both included) counted with
    ``calendar``: the same tasks as :func:`chiso.plans.deadlines.is_due_soon` selects."""
    return (
        open_tasks(tasks)
        .filter(deadline__gte=today, deadline__lte=last_day_within(today, within, calendar))
        .order_by("deadline", "number")
    )


def with_status(tasks: QuerySet[Task], status: str, today: datetime.date) -> QuerySet[Task]:
    """Tasks whose derived status (deadlines.task_status) is ``status`` on ``today``."""
    done = Q(completed_on__isnull=False)
    open_ = Q(completed_on=None)
    conditions = {
        "done": done & Q(completed_on__lte=F("deadline")),
        "done_late": done & Q(completed_on__gt=F("deadline")),
        "overdue": open_ & Q(deadline__lt=today),
        "in_progress": open_ & Q(deadline__gte=today, progress__gt=0),
        "not_started": open_ & Q(deadline__gte=today, progress=0),
    }
    return tasks.filter(conditions[status]) if status in conditions else tasks


OUTCOMES = ("counted", "done", "on_time", "late", "not_done")


def with_outcome(
    tasks: QuerySet[Task], outcome: str, as_of: datetime.date, ppc_only: bool = False
) -> QuerySet[Task]:
    """The tasks behind a completion number (completion.py decides, so the list and the
    rate can never disagree)."""
    if ppc_only:
        tasks = tasks.filter(assigned_by_ppc=True)
    records = [
        TaskRecord(pk, deadline, completed_on, ppc)
        for pk, deadline, completed_on, ppc in tasks.values_list(
            "pk", "deadline", "completed_on", "assigned_by_ppc"
        )
    ]
    ids = getattr(completion(records, as_of), outcome) if outcome in OUTCOMES else []
    return tasks.filter(pk__in=ids)
