"""``chiso dossiers``: the procedure catalogue, dossier ingest and recomputation.

chiso dossiers import FILE… [--agency CODE] [--batch-size N] [--jobs N] [--json]
chiso dossiers recompute [--rebuild-rollups | --open]
chiso dossiers procedures FILE      (XLSX, CSV or JSON; see docs/dossiers.md)
chiso dossiers templates FILE
chiso dossiers petitions FILE       (CSV, XLSX, JSON or JSON Lines)
chiso dossiers inputs FILE          (the manual inputs of the 766 index, XLSX or CSV)
chiso dossiers publish-facts YEAR
chiso dossiers calendar-day DD/MM/YYYY --working|--off|--ordinary [--note TEXT]
"""

from __future__ import annotations

import datetime
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chiso.dossiers.actions import CalendarDayRefused, set_calendar_day
from chiso.dossiers.catalogue import import_procedures, import_templates
from chiso.dossiers.ingest import BATCH_SIZE, import_file
from chiso.dossiers.petitions import import_petitions
from chiso.dossiers.recompute import FullRecomputeNeeded, recompute
from chiso.dossiers.scorecard import publish_facts
from chiso.dossiers.serviceinputs import import_inputs
from chiso.org.models import Agency


def vi_number(value: float) -> str:
    """A whole number grouped the Vietnamese way (84.088), as the command's words are."""
    return f"{value:,.0f}".replace(",", ".")


class ProgressBar:
    """A one-line progress bar on stderr (nothing when stderr is not a terminal and
    ``always`` is false, so that logs stay clean)."""

    def __init__(self, label: str, stream: Any = sys.stderr):
        self.label = label
        self.stream = stream
        self.started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(30 * share)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        percent = f"{share:6.1%}".replace(".", ",")  # " 42,5%": a decimal comma in Vietnamese
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {percent} "
            f"{vi_number(done)}/{vi_number(total)} dòng, {vi_number(rate)} dòng/s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


class Command(BaseCommand):
    help = "Public-service dossiers: import the catalogue and dossiers, recompute, publish facts."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        imp = sub.add_parser("import", help="import dossiers (JSON Lines, CSV or XLSX)")
        imp.add_argument("files", type=Path, nargs="+")
        imp.add_argument("--agency", help="accept only this agency's dossiers")
        imp.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        imp.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="processes that read, check and derive batches while this one writes (0: none;"
            " default: one when the file has several batches and the machine several cores)",
        )
        imp.add_argument("--json", action="store_true")
        rec = sub.add_parser(
            "recompute", help="derive every dossier again and bring the rollups up to date"
        )
        rec.add_argument(
            "--rebuild-rollups",
            action="store_true",
            help="rebuild every rollup row from the dossiers instead of moving them by the changes",
        )
        rec.add_argument(
            "--open",
            action="store_true",
            help="derive only the dossiers still being processed, as of now (daily, from cron)",
        )
        for name, text in (
            ("procedures", "import procedures"),
            ("templates", "import templates"),
            ("petitions", "import petitions (phản ánh, kiến nghị)"),
            ("inputs", "import the manual inputs of the 766 index"),
        ):
            p = sub.add_parser(name, help=text)
            p.add_argument("file", type=Path)
            p.add_argument("--json", action="store_true")
        pub = sub.add_parser("publish-facts", help="publish the year's metrics as facts")
        pub.add_argument("year", type=int)
        day = sub.add_parser("calendar-day", help="declare a swapped working day or a day off")
        day.add_argument("date", help="dd/mm/yyyy")
        kind = day.add_mutually_exclusive_group(required=True)
        kind.add_argument("--working", action="store_const", const=True, dest="is_working")
        kind.add_argument("--off", action="store_const", const=False, dest="is_working")
        kind.add_argument("--ordinary", action="store_const", const=None, dest="is_working")
        day.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["subcommand"].replace("-", "_"))(options)

    def _import(self, options: dict[str, Any]) -> None:
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan mã {options['agency']}")
        reports = []
        for path in options["files"]:
            if not path.exists():
                raise CommandError(f"Không tìm thấy tệp {path}")
            try:
                report = import_file(
                    path,
                    agency=agency,
                    batch_size=options["batch_size"],
                    progress=ProgressBar(path.name, self.stderr._out),
                    workers=options["jobs"],
                )
            except ValueError as e:
                raise CommandError(f"{path}: {e}") from e
            reports.append(report)
            if not options["json"]:
                if report.already_done:
                    self.stdout.write(f"{path}: đã nhập trước đây, bỏ qua.")
                    continue
                rate = report.accepted / report.seconds if report.seconds else 0
                self.stdout.write(
                    f"{path}: {vi_number(report.accepted)} hồ sơ nhận, "
                    f"{vi_number(report.quarantined)} dòng lỗi (cách ly), "
                    f"{vi_number(report.skipped)} dòng đã nhập ở lần chạy trước; "
                    f"{report.seconds} s ({vi_number(rate)} hồ sơ/s)."
                )
        if options["json"]:
            self.stdout.write(json.dumps([r.as_dict() for r in reports], ensure_ascii=False))

    def _recompute(self, options: dict[str, Any]) -> None:
        try:
            report = recompute(
                progress=ProgressBar("recompute", self.stderr._out),
                rebuild_rollups=options["rebuild_rollups"],
                open_only=options["open"],
            )
        except FullRecomputeNeeded as e:
            raise CommandError(str(e)) from e
        which = "hồ sơ đang giải quyết" if options["open"] else "hồ sơ"
        self.stdout.write(
            f"Đã tính lại {vi_number(report.dossiers)} {which} ({vi_number(report.changed)} "
            "thay đổi) "
            "và các bảng tổng hợp."
        )

    def _catalogue(self, options: dict[str, Any], importer: Any) -> None:
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(f"Không tìm thấy tệp {path}")
        report = importer(path.read_bytes(), actor=None, filename=path.name)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        if not report.ok:
            if not options["json"]:
                for problem in report.problems:
                    self.stderr.write(str(problem))
            raise CommandError(f"{len(report.problems)} lỗi, không ghi gì.")
        if not options["json"]:
            self.stdout.write(
                f"{report.created} tạo mới, {report.updated} cập nhật, "
                f"{report.unchanged} không đổi."
            )

    def _procedures(self, options: dict[str, Any]) -> None:
        self._catalogue(options, import_procedures)

    def _templates(self, options: dict[str, Any]) -> None:
        self._catalogue(options, import_templates)

    def _petitions(self, options: dict[str, Any]) -> None:
        self._catalogue(options, import_petitions)

    def _inputs(self, options: dict[str, Any]) -> None:
        self._catalogue(options, import_inputs)

    def _calendar_day(self, options: dict[str, Any]) -> None:
        try:
            day = datetime.datetime.strptime(options["date"], "%d/%m/%Y").date()
        except ValueError as e:
            raise CommandError(f"Ngày không hợp lệ: {options['date']} (dd/mm/yyyy)") from e
        try:
            # In Vietnamese, as the command's other messages.
            with translation.override("vi"):
                row = set_calendar_day(
                    day, is_working=options["is_working"], note=options["note"], actor=None
                )
        except CalendarDayRefused as e:
            raise CommandError(str(e)) from e
        if options["is_working"] is None and row is None:
            self.stdout.write(
                f"Tỉnh không có khai báo riêng cho ngày {day:%d/%m/%Y}: không có gì thay đổi."
            )
            return
        self.stdout.write(
            f"Đã ghi lịch ngày {day:%d/%m/%Y}. Chạy 'chiso dossiers recompute' để tính lại hồ sơ."
        )

    def _publish_facts(self, options: dict[str, Any]) -> None:
        report = publish_facts(options["year"], actor=None)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError("Không công bố được dữ liệu.")
        self.stdout.write(
            f"Dữ liệu: {report.created} tạo mới, {report.updated} cập nhật, "
            f"{report.unchanged} không đổi."
        )
