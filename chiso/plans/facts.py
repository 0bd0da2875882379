"""Plan completion and inspection counts as facts that framework items read by name.

Per agency (lead agency of the tasks) and year (the plan's year):

- ``plan.done_rate``     share of counted tasks done (completion.py says which tasks count);
- ``plan.on_time_rate``  share of counted tasks done on or before their deadline;
- ``task.on_time_rate``  the same over tasks assigned by the Provincial People's Committee;
- ``inspection.findings`` / ``inspection.discipline_findings``: findings of the year's
  inspections (written for inspected agencies only: no inspection is no data, not zero).

The facts are written through the facts app's own import (catalogue check, 0–100 check, one
audit row per changed value), as a file from the task-tracking system would be. Per-leader
rates are computed the same way for the pages (the fact store is per agency).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from chiso.facts.importing import FactImportReport, import_facts
from chiso.org.models import Agency
from chiso.org.tabular import write_table
from chiso.plans.completion import Completion, TaskRecord, completion
from chiso.plans.models import Inspection, Task

SOURCE = "chiso: kế hoạch CCHC năm %(year)s"
SOURCE_INSPECTION = "chiso: kiểm tra công vụ năm %(year)s"


def _records(tasks: Iterable[Task]) -> list[TaskRecord]:
    return [TaskRecord(t.pk, t.deadline, t.completed_on, t.assigned_by_ppc) for t in tasks]


@dataclass
class AgencyCompletion:
    agency: Agency
    all_tasks: Completion
    ppc_tasks: Completion


def agency_completions(year: int, as_of: datetime.date) -> list[AgencyCompletion]:
    """Each lead agency's completion over the tasks of the year's plans, by agency name."""
    by_agency: dict[int, list[Task]] = defaultdict(list)
    tasks = Task.objects.filter(plan__year=year).select_related("lead_agency")
    for task in tasks:
        by_agency[task.lead_agency_id].append(task)
    out = []
    for group in by_agency.values():
        records = _records(group)
        out.append(
            AgencyCompletion(
                agency=group[0].lead_agency,
                all_tasks=completion(records, as_of),
                ppc_tasks=completion([r for r in records if r.assigned_by_ppc], as_of),
            )
        )
    return sorted(out, key=lambda c: c.agency.name)


def leader_completions(year: int, as_of: datetime.date) -> list[tuple[Any, Completion]]:
    """(person, completion) for each responsible leader of the year's tasks, by name."""
    by_person: dict[int, list[Task]] = defaultdict(list)
    for task in Task.objects.filter(plan__year=year).exclude(leader=None).select_related("leader"):
        by_person[task.leader_id].append(task)  # type: ignore[index]
    out = [(group[0].leader, completion(_records(group), as_of)) for group in by_person.values()]
    return sorted(out, key=lambda pc: pc[0].full_name)


def fact_rows(year: int, as_of: datetime.date) -> list[list[Any]]:
    """The facts of ``year`` as rows of the facts import file (agency, name, year, value…)."""
    rows: list[list[Any]] = []
    source = SOURCE % {"year": year}
    for item in agency_completions(year, as_of):
        code = item.agency.code
        for name, value in (
            ("plan.done_rate", item.all_tasks.done_rate),
            ("plan.on_time_rate", item.all_tasks.on_time_rate),
            ("task.on_time_rate", item.ppc_tasks.on_time_rate),
        ):
            if value is not None:
                rows.append([code, name, year, str(value), source, as_of])
    inspected = (
        Inspection.objects.filter(date__year=year)
        .values("agency__code")
        .annotate(n=Count("pk"), discipline=Count("pk", filter=Q(discipline=True)))
        .order_by("agency__code")
    )
    source = SOURCE_INSPECTION % {"year": year}
    for row in inspected:
        rows.append([row["agency__code"], "inspection.findings", year, row["n"], source, as_of])
        rows.append(
            [
                row["agency__code"],
                "inspection.discipline_findings",
                year,
                row["discipline"],
                source,
                as_of,
            ]
        )
    return rows


def write_facts(
    year: int, *, actor: Any, as_of: datetime.date, dry_run: bool = False
) -> FactImportReport:
    """Compute the year's facts and store them through the facts import (reform office only)."""
    headers = ["Mã cơ quan", "Tên dữ liệu", "Năm", "Giá trị", "Nguồn", "Ngày số liệu"]
    data = write_table(headers, fact_rows(year, as_of), "csv")
    return import_facts(
        data, actor=actor, filename=f"ke-hoach-{year}.csv", lang="vi", dry_run=dry_run
    )
