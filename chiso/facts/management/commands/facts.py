"""``chiso facts``: import and list facts (values rules read by name).

chiso facts import FILE [--dry-run] [--json] [--lang en]
chiso facts list [--year Y] [--agency CODE] [--json]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chiso.facts.importing import import_facts
from chiso.facts.models import Fact


class Command(BaseCommand):
    help = "Import or list facts (dossier rates, survey indices… per agency and year)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="import facts from an XLSX or CSV file")
        imp.add_argument("file", type=Path)
        imp.add_argument("--dry-run", action="store_true")
        imp.add_argument("--json", action="store_true")
        imp.add_argument("--lang", choices=["vi", "en"], default="vi")
        listing = sub.add_parser("list", help="list stored facts")
        listing.add_argument("--year", type=int)
        listing.add_argument("--agency")
        listing.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self._list(options)
            return
        lang = options["lang"]
        path: Path = options["file"]
        with translation.override(lang):
            if not path.exists():
                raise CommandError(
                    f"Không tìm thấy tệp {path}" if lang == "vi" else f"File not found: {path}"
                )
            report = import_facts(
                path.read_bytes(),
                actor=None,
                filename=path.name,
                lang=lang,
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
                summary = (
                    f"Dữ liệu: {report.created} tạo mới, {report.updated} cập nhật, "
                    f"{report.unchanged} không đổi."
                    if lang == "vi"
                    else f"Facts: {report.created} created, {report.updated} updated, "
                    f"{report.unchanged} unchanged."
                )
                if options["dry_run"]:
                    summary += (
                        " Chạy thử: chưa lưu gì." if lang == "vi" else " Dry run: nothing saved."
                    )
                self.stdout.write(summary)

    def _list(self, options: dict[str, Any]) -> None:
        facts = Fact.objects.select_related("agency", "person")
        if options["year"]:
            facts = facts.filter(year=options["year"])
        if options["agency"]:
            facts = facts.filter(agency__code=options["agency"])
        rows = [
            {
                "agency": f.agency.code,
                "leader": f.person.code if f.person else None,
                "name": f.name,
                "year": f.year,
                "value": str(f.value.normalize()),
                "source": f.source,
                "as_of": f.as_of.isoformat() if f.as_of else None,
            }
            for f in facts
        ]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            leader = f" {r['leader']}" if r["leader"] else ""
            self.stdout.write(
                f"{r['year']}  {r['agency']:<12} {r['name']:<36} {r['value']}{leader}"
            )
