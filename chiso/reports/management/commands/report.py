"""``chiso report``: write an official output of stored results to a file.

    chiso report xlsx --year 2023 --block so-ban-nganh -o ket-qua.xlsx
    chiso report pdf --year 2023 -o bao-cao-2023.pdf                       # province report
    chiso report pdf --year 2023 --block so-ban-nganh --agency stp -o stp.pdf  # one scorecard

Reads every result set, published or not (the console is the operator's). Exit status 1 when
the year, block or agency has no results.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.reports.pdf import province_pdf_for, scorecard_pdf
from chiso.reports.xlsx import result_table_xlsx
from chiso.results.models import AgencyScore, ResultSet

SETS = ResultSet.objects.select_related("block", "framework")


class Command(BaseCommand):
    help = "Write the XLSX result table of a block, a PDF scorecard or the province PDF report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["xlsx", "pdf"])
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--block", help="block code (required for xlsx and a scorecard)")
        parser.add_argument("--agency", help="agency code: the PDF is that agency's scorecard")
        parser.add_argument("-o", "--output", type=Path, required=True, help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        year, block, agency = options["year"], options["block"], options["agency"]
        if options["kind"] == "xlsx":
            content = result_table_xlsx(self._result_set(year, block))
        elif agency:
            content = self._scorecard(self._result_set(year, block), agency)
        else:
            if block:
                raise CommandError("--block chỉ dùng cùng --agency / --block needs --agency")
            found = province_pdf_for(year, SETS.all())
            if found is None:
                raise CommandError(f"Không có kết quả năm {year} / no results for {year}")
            content = found
        options["output"].write_bytes(content)
        self.stdout.write(f"{options['output']} ({len(content):,} bytes)")

    def _result_set(self, year: int, block: str | None) -> ResultSet:
        if not block:
            raise CommandError("Cần --block (mã khối) / --block is required")
        result_set = SETS.filter(year=year, block__code=block).first()
        if result_set is None:
            raise CommandError(f"Không có kết quả khối {block} năm {year} / no such results")
        return result_set

    def _scorecard(self, result_set: ResultSet, agency: str) -> bytes:
        score = AgencyScore.objects.filter(result_set=result_set, agency__code=agency).first()
        if score is None:
            raise CommandError(f"Không có kết quả của {agency} / no result for {agency}")
        return scorecard_pdf(score, SETS.all())
