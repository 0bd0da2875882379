"""Importing a plan's tasks from the XLSX/CSV offices keep, and exporting them back.

Columns (Vietnamese headers, English accepted): STT, Nội dung nhiệm vụ, Cơ quan chủ trì, Cơ quan
phối hợp, Lãnh đạo phụ trách, Cán bộ thực hiện, Thời hạn, Sản phẩm, UBND tỉnh giao, Tình trạng,
Tiến độ (%), Ngày hoàn thành. Agencies are given by code or name, leaders by code or full name.
Every row is checked first; any problem and nothing is written. Importing the same file again
changes nothing; a row that gives a task another owner needs a reason (audited).
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.lib.numbers import parse_decimal
from chiso.org.columns import Column, ImportCounts, Problem, RowReader, Sheet
from chiso.org.models import Agency, Person
from chiso.org.tabular import TableError, read_table, write_table
from chiso.plans.actions import agency_refusal, leader_allowed, save_task
from chiso.plans.models import Plan, Task

COLUMNS = (
    Column("number", "STT", "No.", required=True),
    Column("title", "Nội dung nhiệm vụ", "Task", required=True),
    Column("lead", "Cơ quan chủ trì", "Lead agency", required=True),
    Column("co", "Cơ quan phối hợp", "Co-operating agencies"),
    Column("leader", "Lãnh đạo phụ trách", "Responsible leader"),
    Column("officer", "Cán bộ thực hiện", "Officer in charge"),
    Column("deadline", "Thời hạn", "Deadline", required=True),
    Column("output", "Sản phẩm", "Expected output"),
    Column("ppc", "UBND tỉnh giao", "Assigned by the PPC"),
    Column("status", "Tình trạng", "Status"),
    Column("progress", "Tiến độ (%)", "Progress (%)"),
    Column("completed_on", "Ngày hoàn thành", "Completed on"),
)

# The column of the import file that carries a task field named by actions.agency_refusal.
IMPORT_COLUMN = {"lead_agency": "lead", "assigned_by_ppc": "ppc"}
YES = {"x", "có", "co", "yes", "1", "true"}
NO = {"", "không", "khong", "no", "0", "false"}
# What offices write in the status column; "quá hạn" is derived from the dates, so it is read
# as "not done" and the deadline decides.
DONE_WORDS = {
    "hoàn thành",
    "đã hoàn thành",
    "hoàn thành đúng hạn",
    "hoàn thành trễ hạn",
    "hoàn thành quá hạn",
    "done",
    "done late",
}
OPEN_WORDS = {
    "chưa thực hiện": False,
    "chưa triển khai": False,
    "not started": False,
    "đang thực hiện": True,
    "đang triển khai": True,
    "in progress": True,
    "quá hạn": None,
    "chưa hoàn thành": None,
    "overdue": None,
}
STATUS_LABELS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Hoàn thành đúng hạn",
    "done_late": "Hoàn thành trễ hạn",
    "overdue": "Quá hạn",
}


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class TaskImportReport(ImportCounts):
    """What an import of plan tasks found and did."""


@dataclass
class _Row:
    line: int
    values: dict[str, Any]


class _Lookup:
    """Agencies by code, name or short name; people by code or full name."""

    def __init__(self) -> None:
        self.agencies: dict[str, Agency] = {}
        for agency in Agency.objects.all():
            for text in (agency.code, agency.name, agency.short_name):
                if text:
                    self.agencies.setdefault(_key(text), agency)
        self.people: dict[str, list[Person]] = {}
        for person in Person.objects.all():
            self.people.setdefault(_key(person.code), []).append(person)
            self.people.setdefault(_key(person.full_name), []).append(person)

    def agency(self, row: RowReader, key: str, text: str) -> Agency | None:
        agency = self.agencies.get(_key(text))
        if agency is None:
            row.problem(key, _("no agency with code or name '%(value)s'") % {"value": text})
        return agency

    def leader(self, row: RowReader, text: str, lead: Agency | None, year: int) -> Person | None:
        people = self.people.get(_key(text), [])
        if lead is not None:
            people = [p for p in people if leader_allowed(p, lead, year)]
        if len(people) == 1:
            return people[0]
        if not people:
            row.problem(
                "leader",
                _("'%(value)s' is not the head or a deputy head of the lead agency in %(year)s")
                % {"value": text, "year": year},
            )
        else:
            row.problem(
                "leader",
                _("several leaders are called '%(value)s': use the code") % {"value": text},
            )
        return None


def _status(row: RowReader, text: str) -> tuple[bool, bool | None]:
    """(done, started) read from the status cell; started None means "not said"."""
    key = _key(text)
    if key in DONE_WORDS:
        return True, True
    if key in OPEN_WORDS:
        return False, OPEN_WORDS[key]
    if key:
        row.problem(
            "status",
            _("'%(value)s' is not a status: write Chưa thực hiện, Đang thực hiện or Hoàn thành")
            % {"value": text},
        )
    return False, None


def _has_problem(row: RowReader, key: str) -> bool:
    label = row.sheet.label(key)
    return any(p.line == row.line and p.column == label for p in row.sheet.problems)


def _read_row(row: RowReader, plan: Plan, lookup: _Lookup, today: datetime.date) -> dict[str, Any]:
    number = row.text("number", 20, required=True)
    title = row.text("title", 5000, required=True)
    lead_text = row.text("lead", 255, required=True)
    lead = lookup.agency(row, "lead", lead_text) if lead_text else None
    co_texts = [t.strip() for t in str(row.raw("co")).replace(",", ";").split(";") if t.strip()]
    co = [a for t in co_texts if (a := lookup.agency(row, "co", t)) is not None]
    leader_text = row.text("leader", 150)
    leader = lookup.leader(row, leader_text, lead, plan.year) if leader_text else None
    deadline = row.date("deadline")
    if deadline is None and not row.raw("deadline"):
        row.problem("deadline", _("cannot be empty"))
    ppc_text = _key(str(row.raw("ppc")))
    if ppc_text not in YES | NO:
        row.problem(
            "ppc", _("write 'x' (or Có) for a task assigned by the PPC, else leave it empty")
        )
    done, started = _status(row, str(row.raw("status")))
    completed_on = row.date("completed_on")
    progress_text = str(row.raw("progress"))
    progress = parse_decimal(progress_text) if progress_text else None
    if progress is not None and not (0 <= progress <= 100 and progress == int(progress)):
        row.problem("progress", _("a whole number between 0 and 100"))
        progress = None
    elif progress_text and progress is None:
        row.problem("progress", _("'%(value)s' is not a number") % {"value": progress_text})
    if done and completed_on is None and not _has_problem(row, "completed_on"):
        row.problem("completed_on", _("a done task needs its completion date"))
    if completed_on is not None and completed_on > today:
        row.problem("completed_on", _("the completion date cannot be in the future"))
    if completed_on is not None and row.raw("status") and not done:
        row.problem("status", _("the task has a completion date but is not marked done"))
    if done or completed_on is not None:
        percent: int | None = 100
    elif progress is not None:
        percent = int(progress)
    elif started is False:
        percent = 0
    else:
        percent = None  # keep what agencies reported in chiso
    return {
        "number": number,
        "title": title,
        "lead_agency": lead,
        "co_agencies": co,
        "leader": leader,
        "officer": row.text("officer", 150),
        "deadline": deadline,
        "output": row.text("output", 300),
        "assigned_by_ppc": ppc_text in YES,
        "percent": percent,
        "started": started,
        "completed_on": completed_on if (done or completed_on) else None,
    }


def _owner_changes(values: dict[str, Any], task: Task) -> bool:
    leader = values["leader"]
    return (
        task.lead_agency_id != values["lead_agency"].pk
        or task.leader_id != (leader.pk if leader else None)
        or task.officer != values["officer"]
    )


@transaction.atomic
def import_tasks(
    data: bytes,
    plan: Plan,
    *,
    actor: Any,
    filename: str = "",
    lang: str = "vi",
    reason: str = "",
    dry_run: bool = False,
    today: datetime.date | None = None,
) -> TaskImportReport:
    """Check every row, then (unless ``dry_run`` or any problem) create or update the plan's
    tasks by their STT. A row that changes a task's owner needs ``reason``."""
    today = today or timezone.localdate()
    try:
        table = read_table(data, filename)
    except TableError as error:
        return TaskImportReport(problems=[Problem.make(None, "", str(error))])
    sheet = Sheet(table, COLUMNS, lang)
    if sheet.problems:
        return TaskImportReport(problems=sheet.problems)
    lookup = _Lookup()
    existing = {t.number: t for t in plan.tasks.all()}
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for row in sheet.rows():
        values = _read_row(row, plan, lookup, today)
        number = values["number"]
        if number in seen:
            row.problem(
                "number",
                _("STT %(number)s is given twice (also on row %(line)s)")
                % {"number": number, "line": seen[number]},
            )
        seen[number] = row.line
        task = existing.get(number)
        if (
            task is not None
            and values["lead_agency"] is not None
            and not reason.strip()
            and _owner_changes(values, task)
        ):
            row.problem("", _("the task changes owner: give the reason for the change"))
        if values["lead_agency"] is not None:
            # The form's rule for agency users (actions.agency_refusal), told row by row.
            refusal = agency_refusal(actor, task, values["lead_agency"], values["assigned_by_ppc"])
            if refusal is not None:
                row.problem(IMPORT_COLUMN[refusal[0]], refusal[1])
        rows.append(_Row(row.line, values))
    report = TaskImportReport(problems=sheet.problems)
    if report.problems:
        return report
    for item in rows:
        v = item.values
        task = existing.get(v["number"])
        percent = v["percent"]
        if percent is None:
            # "Đang thực hiện" without a percent: keep the agency's figure, at least "started".
            kept = task.progress if task is not None and task.completed_on is None else 0
            percent = max(kept, 1) if v["started"] else kept
        try:
            _task, changed = save_task(
                plan,
                actor=actor,
                number=v["number"],
                title=v["title"],
                lead_agency=v["lead_agency"],
                deadline=v["deadline"],
                co_agencies=v["co_agencies"],
                leader=v["leader"],
                officer=v["officer"],
                output=v["output"],
                assigned_by_ppc=v["assigned_by_ppc"],
                progress=percent,
                completed_on=v["completed_on"],
                reason=reason.strip(),
            )
        except ValidationError as error:
            report.problems.append(Problem.make(item.line, "", "; ".join(error.messages)))
            continue
        if task is None:
            report.created += 1
        elif changed:
            report.updated += 1
        else:
            report.unchanged += 1
    if report.problems or dry_run:
        transaction.set_rollback(True)
        if dry_run and not report.problems:
            return report
        report.created = report.updated = report.unchanged = 0
    return report


def export_tasks(
    plan: Plan, fmt: str = "xlsx", lang: str = "vi", today: datetime.date | None = None
) -> bytes:
    """The plan's tasks in the import's columns, so an office can edit and re-import them."""
    today = today or timezone.localdate()
    headers = [c.label(lang) for c in COLUMNS]
    rows: list[list[Any]] = []
    tasks = plan.tasks.select_related("lead_agency", "leader").prefetch_related("co_agencies")
    for t in tasks.order_by("deadline", "number"):
        rows.append(
            [
                t.number,
                t.title,
                t.lead_agency.code,
                "; ".join(sorted(a.code for a in t.co_agencies.all())),
                t.leader.code if t.leader else "",
                t.officer,
                t.deadline,
                t.output,
                "x" if t.assigned_by_ppc else "",
                STATUS_LABELS[t.status_on(today)],
                t.progress,
                t.completed_on or "",
            ]
        )
    return write_table(headers, rows, fmt)
