"""``chiso score``: score agencies' inputs against a framework, without touching the database.

    chiso score --framework so-ban-nganh-2023.yaml --inputs inputs.xlsx [--json] [--explain AGENCY]

``--framework`` is a YAML/XLSX file, a framework id, or ``CODE:YEAR:VERSION`` of a stored one.
Exit status 1 when the framework or the inputs have problems; every problem is printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.engine import Framework, ProblemsError, score_block
from chiso.engine.results import format_decimal
from chiso.frameworks.loading import load_engine_framework
from chiso.results.inputs_file import read_inputs
from chiso.results.serialize import result_to_dict


class Command(BaseCommand):
    help = "Score agencies' inputs (CSV, XLSX or JSON) against a framework and print the ranking."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="file, id or CODE:YEAR:VERSION")
        parser.add_argument("--inputs", required=True, type=Path, help="CSV, XLSX or JSON file")
        parser.add_argument("--json", action="store_true", help="print the full results as JSON")
        parser.add_argument("--explain", metavar="AGENCY", help="explain every number of AGENCY")
        parser.add_argument("--lang", choices=["vi", "en"], default="vi")

    def handle(self, *args: Any, **options: Any) -> None:
        lang = options["lang"]
        try:
            framework = load_engine_framework(options["framework"])
            if not options["inputs"].exists():
                raise CommandError(
                    f"Không tìm thấy tệp {options['inputs']}"
                    if lang == "vi"
                    else f"File not found: {options['inputs']}"
                )
            inputs = read_inputs(options["inputs"], framework)
            block = score_block(framework, inputs)
        except ProblemsError as error:
            if options["json"]:
                self.stdout.write(json.dumps({"errors": error.texts(lang)}, ensure_ascii=False))
            else:
                for text in error.texts(lang):
                    self.stderr.write(text)
            raise CommandError(
                f"{len(error.problems)} lỗi, không tính điểm."
                if lang == "vi"
                else f"{len(error.problems)} problem(s); nothing scored."
            ) from error
        if options["json"]:
            payload = {
                "framework": {
                    "code": framework.code,
                    "year": framework.year,
                    "version": framework.version,
                },
                "mean_final": str(block.mean_final),
                "class_counts": dict(block.class_counts),
                "agencies": [result_to_dict(framework, r) for r in block.agencies],
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self._print_table(framework, block.agencies, lang)
        if options["explain"]:
            self._print_explanation(framework, block.agencies, options["explain"], lang)

    def _print_table(self, framework: Framework, results: Any, lang: str) -> None:
        heads = (
            ("Hạng", "Mã", "Cơ quan, đơn vị", "Điểm", "Thưởng", "Trừ", "Chỉ số (%)", "Xếp loại")
            if lang == "vi"
            else ("Rank", "Code", "Agency", "Points", "Bonus", "Penalty", "Index (%)", "Class")
        )
        rows = [
            (
                str(r.rank),
                r.agency,
                r.name,
                format_decimal(r.base_points, lang),
                format_decimal(r.bonus, lang),
                format_decimal(r.penalty, lang),
                format_decimal(r.final, lang),
                r.classification or "",
            )
            for r in results
        ]
        widths = [max(len(str(c)) for c in col) for col in zip(heads, *rows, strict=False)]
        for row in (heads, *rows):
            self.stdout.write("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))

    def _print_explanation(
        self, framework: Framework, results: Any, agency: str, lang: str
    ) -> None:
        result = next((r for r in results if r.agency == agency), None)
        if result is None:
            raise CommandError(
                f"Không có cơ quan {agency} trong tệp dữ liệu"
                if lang == "vi"
                else f"No agency {agency} in the inputs"
            )
        self.stdout.write("")
        for node in result.nodes.values():
            self.stdout.write(f"{node.code:<8} {node.explanation.text(lang)}")
        self.stdout.write(result.explanation.text(lang))
        for leader in result.leaders:
            self.stdout.write(f"{leader.name}: {leader.explanation.text(lang)}")
