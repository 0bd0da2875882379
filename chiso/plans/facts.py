"""Plan completion and inspection counts as facts that framework items read by name.

Per agency (lead agency of the tasks) and year (the plan's year):

- ``plan.done_rate``     share of counted tasks done (completion.py says which tasks count);
- ``plan.on_time_rate``  share of counted tasks done on or before their deadline;
- ``plan.late_rate``     share of counted tasks done after their deadline;
- ``plan.not_done_rate`` share of counted tasks not done;
- ``task.on_time_rate``  the on-time share over tasks assigned by the Provincial People's
  Committee (no such task: no fact);
- ``inspection.findings`` / ``inspection.discipline_findings``: findings of the year's
  inspections (written for inspected agencies only: no inspection is no data, not zero).

The same rates are written per responsible leader within the lead agency (the fact's
``person``): tasks are tied "to the responsibility of each agency head" (source-article.txt).
Only the agency's own facts (no person) reach the engine.

The facts are written through the facts app's own import (catalogue check, 0–100 check, one
audit row per changed value), as a file from the task-tracking system would be. Every rate has
its list of tasks: :func:`tasks_behind` gives the task list address computed by the same rule.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from chiso.facts.importing import FactImportReport, import_facts
from chiso.org.models import Agency, Person
from chiso.org.tabular import write_table
from chiso.plans.completion import Completion, TaskRecord, completion
from chiso.plans.models import Inspection, Task

SOURCE = "chiso: kế hoạch CCHC năm %(year)s"
SOURCE_INSPECTION = "chiso: kiểm tra công vụ năm %(year)s"


def _records(tasks: Iterable[Task]) -> list[TaskRecord]:
    return [TaskRecord(t.pk, t.deadline, t.completed_on, t.assigned_by_ppc) for t in tasks]


@dataclass
class AgencyCompletion:
    """Completion of the tasks an agency leads, or (``person`` set) of those of its tasks one
    of its leaders answers for."""

    agency: Agency
    all_tasks: Completion
    ppc_tasks: Completion
    person: Person | None = None


def _completions(
    tasks: Iterable[Task], as_of: datetime.date, by_leader: bool
) -> list[AgencyCompletion]:
    groups: dict[tuple[int, int | None], list[Task]] = defaultdict(list)
    for task in tasks:
        groups[(task.lead_agency_id, task.leader_id if by_leader else None)].append(task)
    out = []
    for group in groups.values():
        records = _records(group)
        out.append(
            AgencyCompletion(
                agency=group[0].lead_agency,
                person=group[0].leader if by_leader else None,
                all_tasks=completion(records, as_of),
                ppc_tasks=completion([r for r in records if r.assigned_by_ppc], as_of),
            )
        )
    return out


def agency_completions(year: int, as_of: datetime.date) -> list[AgencyCompletion]:
    """Each lead agency's completion over the tasks of the year's plans, by agency name."""
    tasks = Task.objects.filter(plan__year=year).select_related("lead_agency")
    return sorted(_completions(tasks, as_of, by_leader=False), key=lambda c: c.agency.name)


def leader_completions(year: int, as_of: datetime.date) -> list[AgencyCompletion]:
    """Each responsible leader's completion within each lead agency, by leader then agency."""
    tasks = (
        Task.objects.filter(plan__year=year)
        .exclude(leader=None)
        .select_related("lead_agency", "leader")
    )
    out = _completions(tasks, as_of, by_leader=True)
    return sorted(out, key=lambda c: (c.person.full_name if c.person else "", c.agency.name))


# Fact name → (the outcome list behind it, PPC tasks only), for the task list's filters.
RATES = {
    "plan.done_rate": ("done", False),
    "plan.on_time_rate": ("on_time", False),
    "plan.late_rate": ("late", False),
    "plan.not_done_rate": ("not_done", False),
    "task.on_time_rate": ("on_time", True),
}


def _rate(item: AgencyCompletion, name: str) -> Decimal | None:
    outcome, ppc = RATES[name]
    counts = item.ppc_tasks if ppc else item.all_tasks
    return getattr(counts, "done_rate" if outcome == "done" else f"{outcome}_rate")


def tasks_behind(
    name: str, agency_code: str, year: int, as_of: datetime.date | None, person_code: str = ""
) -> str | None:
    """The address of the task list behind a completion fact (None for other facts)."""
    if name not in RATES:
        return None
    outcome, ppc = RATES[name]
    query = {"year": year, "agency": agency_code, "outcome": outcome}
    if person_code:
        query["leader"] = person_code
    if ppc:
        query["ppc"] = "1"
    if as_of is not None:
        query["as_of"] = as_of.isoformat()
    return f"{reverse('plans:tasks')}?{urlencode(query)}"


def fact_rows(year: int, as_of: datetime.date) -> list[list[Any]]:
    """The facts of ``year`` as rows of the facts import file (agency, name, year, value,
    source, as of, leader)."""
    rows: list[list[Any]] = []
    source = SOURCE % {"year": year}
    for item in agency_completions(year, as_of) + leader_completions(year, as_of):
        person = item.person.code if item.person else ""
        for name in RATES:
            value = _rate(item, name)
            if value is not None:
                rows.append([item.agency.code, name, year, str(value), source, as_of, person])
    inspected = (
        Inspection.objects.filter(date__year=year)
        .values("agency__code")
        .annotate(n=Count("pk"), discipline=Count("pk", filter=Q(discipline=True)))
        .order_by("agency__code")
    )
    source = SOURCE_INSPECTION % {"year": year}
    for row in inspected:
        code = row["agency__code"]
        rows.append([code, "inspection.findings", year, row["n"], source, as_of, ""])
        rows.append(
            [code, "inspection.discipline_findings", year, row["discipline"], source, as_of, ""]
        )
    return rows


def write_facts(
    year: int, *, actor: Any, as_of: datetime.date, dry_run: bool = False
) -> FactImportReport:
    """Compute the year's facts and store them through the facts import (reform office only)."""
    headers = [
        "Mã cơ quan",
        "Tên dữ liệu",
        "Năm",
        "Giá trị",
        "Nguồn",
        "Ngày số liệu",
        "Mã lãnh đạo",
    ]
    data = write_table(headers, fact_rows(year, as_of), "csv")
    return import_facts(
        data, actor=actor, filename=f"ke-hoach-{year}.csv", lang="vi", dry_run=dry_run
    )
