"""``chiso plans``: reform plans from the command line.

chiso plans create --code C --year Y --title T [--agency CODE] [--document NO] [--document-date D]
chiso plans import FILE --plan CODE [--reason R] [--dry-run] [--json] [--lang en]
chiso plans export --plan CODE [--format xlsx|csv] [--output FILE]
chiso plans remind [--days N]
chiso plans facts --year Y [--as-of YYYY-MM-DD] [--dry-run]
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from chiso.org.models import Agency
from chiso.plans.actions import create_plan
from chiso.plans.deadlines import DUE_SOON_DAYS
from chiso.plans.facts import write_facts
from chiso.plans.importing import export_tasks, import_tasks
from chiso.plans.models import Plan
from chiso.plans.reminders import send_reminders


def _iso(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


class Command(BaseCommand):
    help = "Reform plans: create, import/export tasks, send reminders, write completion facts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        create = sub.add_parser("create", help="create a plan")
        create.add_argument("--code", required=True)
        create.add_argument("--year", type=int, required=True)
        create.add_argument("--title", required=True)
        create.add_argument("--agency", help="agency code, for an agency's own plan")
        create.add_argument("--document", default="")
        create.add_argument("--document-date", type=_iso)
        imp = sub.add_parser("import", help="import a plan's tasks from XLSX or CSV")
        imp.add_argument("file", type=Path)
        imp.add_argument("--plan", required=True)
        imp.add_argument("--reason", default="")
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--json", action="store_true")
        imp.add_argument("--lang", choices=["vi", "en"], default="vi")
        exp = sub.add_parser("export", help="export a plan's tasks")
        exp.add_argument("--plan", required=True)
        exp.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
        exp.add_argument("--output", type=Path)
        exp.add_argument("--lang", choices=["vi", "en"], default="vi")
        remind = sub.add_parser("remind", help="remind of overdue and due-soon tasks")
        remind.add_argument(
            "--days",
            type=int,
            default=DUE_SOON_DAYS,
            help="due-soon window, in working days unless PLANS_DEADLINE_DAYS is 'calendar'",
        )
        facts = sub.add_parser("facts", help="write the year's completion and inspection facts")
        facts.add_argument("--year", type=int, required=True)
        facts.add_argument("--as-of", type=_iso)
        facts.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"])(options)

    def _plan(self, code: str) -> Plan:
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            raise CommandError(f"Không có kế hoạch mã '{code}'")
        return plan

    def _create(self, options: dict[str, Any]) -> None:
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan mã '{options['agency']}'")
        try:
            plan = create_plan(
                actor=None,
                year=options["year"],
                code=options["code"],
                title=options["title"],
                agency=agency,
                document_number=options["document"],
                document_date=options["document_date"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"Đã tạo kế hoạch {plan.code}.")

    def _import(self, options: dict[str, Any]) -> None:
        lang = options["lang"]
        path: Path = options["file"]
        plan = self._plan(options["plan"])
        with translation.override(lang):
            if not path.exists():
                raise CommandError(
                    f"Không tìm thấy tệp {path}" if lang == "vi" else f"File not found: {path}"
                )
            report = import_tasks(
                path.read_bytes(),
                plan,
                actor=None,
                filename=path.name,
                lang=lang,
                reason=options["reason"],
                dry_run=options["dry_run"],
            )
            if options["json"]:
                self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
            if not report.ok:
                if not options["json"]:
                    for problem in report.problems:
                        self.stderr.write(str(problem))
                raise CommandError(
                    f"{len(report.problems)} lỗi, không ghi gì."
                    if lang == "vi"
                    else f"{len(report.problems)} problem(s); nothing written."
                )
            if not options["json"]:
                self.stdout.write(
                    f"Nhiệm vụ: {report.created} tạo mới, {report.updated} cập nhật, "
                    f"{report.unchanged} không đổi."
                    + (" Chạy thử: chưa lưu gì." if options["dry_run"] else "")
                    if lang == "vi"
                    else f"Tasks: {report.created} created, {report.updated} updated, "
                    f"{report.unchanged} unchanged."
                    + (" Dry run: nothing saved." if options["dry_run"] else "")
                )

    def _export(self, options: dict[str, Any]) -> None:
        plan = self._plan(options["plan"])
        data = export_tasks(plan, options["format"], options["lang"])
        output: Path = options["output"] or Path(f"{plan.code}.{options['format']}")
        output.write_bytes(data)
        self.stdout.write(f"{plan.tasks.count()} nhiệm vụ → {output}")

    def _remind(self, options: dict[str, Any]) -> None:
        sent = send_reminders(timezone.localdate(), options["days"])
        self.stdout.write(f"Đã gửi {sent} thông báo nhắc việc.")

    def _facts(self, options: dict[str, Any]) -> None:
        year = options["year"]
        as_of = options["as_of"] or min(timezone.localdate(), datetime.date(year, 12, 31))
        report = write_facts(year, actor=None, as_of=as_of, dry_run=options["dry_run"])
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(report.problems)} lỗi, không ghi gì.")
        self.stdout.write(
            f"Dữ liệu năm {year} (đến {as_of:%d/%m/%Y}): {report.created} tạo mới, "
            f"{report.updated} cập nhật, {report.unchanged} không đổi."
        )
