"""``chiso dossiers``: the procedure catalogue, dossier ingest and recomputation.

chiso dossiers import FILE… [--agency CODE] [--batch-size N] [--jobs N] [--errors PATH] [--json]
chiso dossiers recompute [--rebuild-rollups | --open]
chiso dossiers procedures FILE      (XLSX, CSV or JSON; see docs/dossiers.md)
chiso dossiers templates FILE
chiso dossiers petitions FILE       (CSV, XLSX, JSON or JSON Lines)
chiso dossiers inputs FILE          (the manual inputs of the 766 index, XLSX or CSV)
chiso dossiers publish-facts YEAR
chiso dossiers calendar-day DD/MM/YYYY --working|--off|--ordinary [--note TEXT]

``import`` exits 0 when every row was accepted, 1 when it could not run (a file missing or
unreadable, an unknown agency) and 2 (:data:`ROWS_QUARANTINED`) when it ran but quarantined
rows, so that a cron job notices (docs/cli.md).
"""

from __future__ import annotations

import csv
import datetime
import difflib
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet
from django.utils import translation

from chiso.dossiers.actions import CalendarDayRefused, set_calendar_day
from chiso.dossiers.catalogue import import_procedures, import_templates
from chiso.dossiers.ingest import BATCH_SIZE, ImportReport, import_file
from chiso.dossiers.models import QuarantinedRow
from chiso.dossiers.parsing import REQUIRED_FIELDS, empty, field_problem
from chiso.dossiers.petitions import import_petitions
from chiso.dossiers.recompute import FullRecomputeNeeded, recompute
from chiso.dossiers.scorecard import publish_facts
from chiso.dossiers.serviceinputs import import_inputs
from chiso.org.models import Agency
from chiso.org.tabular import guard_formula

ROWS_QUARANTINED = 2  # exit status of an import that quarantined rows (1: it could not run)
SHOWN_ROWS = 20  # quarantined rows printed per file; --errors writes them all
ERRORS_HEADER = ("tệp", "dòng", "lý do", "dữ liệu gốc")


def vi_number(value: float) -> str:
    """A whole number grouped the Vietnamese way (84.088), as the command's words are."""
    return f"{value:,.0f}".replace(",", ".")


def vi_decimal(value: float, places: int) -> str:
    """A number with ``places`` decimals the Vietnamese way (1.234,5)."""
    return f"{value:,.{places}f}".translate(str.maketrans(",.", ".,"))


def header_hint(first: QuarantinedRow) -> str | None:
    """Why a file of which no row was accepted may have failed as a whole: when its first
    quarantined row lacks only required fields, the header probably misspells them
    (CSV and XLSX columns are matched by their exact names, capitals included). None
    otherwise."""
    lacking = {field_problem(name, empty()): name for name in REQUIRED_FIELDS}
    problems = first.reason.split("; ")
    if not all(p in lacking for p in problems):
        return None
    missing = [lacking[p] for p in problems]
    try:
        columns = [c for c in json.loads(first.raw) if c not in REQUIRED_FIELDS]
    except (ValueError, TypeError):  # a line that was no record has no columns
        columns = []
    near = []
    for name in missing:
        close = difflib.get_close_matches(name, columns, n=1, cutoff=0.7)
        if close:
            near.append(f"'{close[0]}' → {name}")
    return (
        f"Gợi ý: không dòng nào được nhận và dòng {first.line} chỉ thiếu trường bắt buộc "
        f"({', '.join(missing)}): có lẽ tên cột ở dòng tiêu đề bị viết sai (phân biệt chữ hoa, "
        f"chữ thường). Các cột bắt buộc: {', '.join(REQUIRED_FIELDS)}."
        + (f" Trong tệp có: {'; '.join(near)}?" if near else "")
    )


class ProgressBar:
    """A one-line progress bar on stderr (nothing when stderr is not a terminal and
    ``always`` is false, so that logs stay clean)."""

    def __init__(self, label: str, stream: Any = sys.stderr):
        self.label = label
        self.stream = stream
        self.started = time.monotonic()
        self.finished = False

    def __call__(self, done: int, total: int) -> None:
        if self.finished:  # the import reports the end again after its last batch
            return
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
            self.finished = True
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
        imp.add_argument(
            "--errors",
            type=Path,
            metavar="PATH",
            help="write every quarantined row (file, line, reason, raw data) to this CSV file",
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
        for path in options["files"]:  # before importing any, rather than stop half-way
            if not path.exists():
                raise CommandError(f"Không tìm thấy tệp {path}")
        imported: list[tuple[Path, ImportReport, QuerySet[QuarantinedRow]]] = []
        # Files that could not be read: the others are still imported and reported.
        unreadable: list[tuple[Path, str]] = []
        for path in options["files"]:
            try:
                report = import_file(
                    path,
                    agency=agency,
                    batch_size=options["batch_size"],
                    progress=ProgressBar(path.name, self.stderr._out),
                    workers=options["jobs"],
                )
            except (ValueError, OSError) as e:  # not a table, a folder, no permission…
                unreadable.append((path, str(e)))
                self.stderr.write(f"{path}: không đọc được tệp: {e}")
                continue
            # The rows an earlier, interrupted run committed were reported by that run.
            rows = QuarantinedRow.objects.filter(
                run_id=report.run_id, line__gt=report.resumed_after
            ).order_by("line")
            if report.already_done:
                rows = rows.none()
            imported.append((path, report, rows))
            if not options["json"]:
                self._print_import(path, report, rows, options["errors"])
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [self._import_dict(report, rows) for _path, report, rows in imported]
                    + [{"filename": str(path), "error": error} for path, error in unreadable],
                    ensure_ascii=False,
                )
            )
        if options["errors"]:
            self._write_errors(options["errors"], imported, quiet=options["json"])
        if unreadable:
            raise CommandError(
                f"{vi_number(len(unreadable))} tệp không đọc được, không nhập: "
                + "; ".join(f"{path}: {error}" for path, error in unreadable)
            )
        quarantined = sum(report.quarantined for _path, report, _rows in imported)
        if quarantined:
            files = sum(1 for _path, report, _rows in imported if report.quarantined)
            if options["errors"]:
                where = f"xem tệp {options['errors']}"
            elif options["json"]:
                where = "xem quarantined_rows trong JSON"
            else:
                where = "xem ở trên; ghi tất cả ra tệp CSV bằng --errors TỆP.csv"
            accepted = sum(report.accepted for _path, report, _rows in imported)
            kept = "các dòng hợp lệ đã được nhập" if accepted else "không dòng nào được nhập"
            raise CommandError(
                f"{vi_number(quarantined)} dòng lỗi bị cách ly (không nhập) trong "
                f"{vi_number(files)} tệp; {kept}. Lý do: {where}.",
                returncode=ROWS_QUARANTINED,
            )

    def _print_import(
        self,
        path: Path,
        report: ImportReport,
        rows: QuerySet[QuarantinedRow],
        errors: Path | None,
    ) -> None:
        """The file's summary line, then its first quarantined rows with their reasons and
        where to find the others (``errors``: the --errors file, if any)."""
        if report.already_done:
            self.stdout.write(f"{path}: đã nhập trước đây, bỏ qua.")
            return
        rate = report.accepted / report.seconds if report.seconds else 0
        self.stdout.write(
            f"{path}: {vi_number(report.accepted)} hồ sơ nhận, "
            f"{vi_number(report.quarantined)} dòng lỗi (cách ly), "
            f"{vi_number(report.skipped)} dòng đã nhập ở lần chạy trước; "
            f"{vi_decimal(report.seconds, 3)} s ({vi_number(rate)} hồ sơ/s)."
        )
        shown = list(rows[:SHOWN_ROWS])
        for row in shown:
            self.stdout.write(f"  dòng {row.line}: {row.reason}")
        if report.quarantined > len(shown):
            where = (
                f"tất cả ở tệp {errors}" if errors else "ghi tất cả ra tệp CSV: --errors TỆP.csv"
            )
            self.stdout.write(
                f"  … và {vi_number(report.quarantined - len(shown))} dòng lỗi khác ({where})."
            )
        if shown and not report.accepted:
            hint = header_hint(shown[0])
            if hint:
                self.stdout.write(f"  {hint}")

    @staticmethod
    def _import_dict(report: ImportReport, rows: QuerySet[QuarantinedRow]) -> dict[str, Any]:
        """The report with every quarantined row of this run and the header hint (or null)."""
        quarantined = [
            {"line": line, "reason": reason} for line, reason in rows.values_list("line", "reason")
        ]
        first = rows.first() if quarantined and not report.accepted else None
        return {
            **report.as_dict(),
            "quarantined_rows": quarantined,
            "hint": header_hint(first) if first is not None else None,
        }

    def _write_errors(
        self,
        target: Path,
        imported: list[tuple[Path, ImportReport, QuerySet[QuarantinedRow]]],
        *,
        quiet: bool,
    ) -> None:
        """Every quarantined row of this invocation as CSV, UTF-8 with a byte order mark so that
        Excel reads the Vietnamese right; cells are guarded against formula injection."""
        count = 0
        try:
            with target.open("w", encoding="utf-8-sig", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(ERRORS_HEADER)
                for path, _report, rows in imported:
                    for line, reason, raw in rows.values_list("line", "reason", "raw").iterator():
                        writer.writerow(
                            [
                                guard_formula(str(path)),
                                line,
                                guard_formula(reason),
                                guard_formula(raw),
                            ]
                        )
                        count += 1
        except OSError as e:
            raise CommandError(f"Không ghi được tệp {target}: {e.strerror}") from e
        if not quiet:
            self.stdout.write(f"Đã ghi {vi_number(count)} dòng lỗi vào {target}.")

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
