"""``chiso service-index --period 2023|2023-Q4|2023-11 [--agency CODE] [--json]``: the
Decision 766 score card of an agency or of the province, from the dossier rollups."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.dossiers.scorecard import PeriodError, parse_period, score_card
from chiso.org.models import Agency


class Command(BaseCommand):
    help = "The Decision 766 score card for a year, quarter or month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="2023, 2023-Q4 or 2023-11")
        parser.add_argument("--agency", help="agency code (default: the whole province)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
        except PeriodError as e:
            raise CommandError(f"Kỳ không hợp lệ: {e} (ví dụ 2023, 2023-Q4, 2023-11)") from e
        agency = None
        if options["agency"]:
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"Không có cơ quan mã {options['agency']}")
        card = score_card(period, agency)
        if options["json"]:
            self.stdout.write(json.dumps(card.as_dict(), ensure_ascii=False, indent=2))
            return
        score = card.score if card.score is not None else "—"
        self.stdout.write(
            f"{card.name} — kỳ {period.label}: {score} điểm ({card.classification or '—'})"
        )
        for m in card.metrics.values():
            value = "—" if m.value is None else f"{m.value}%"
            self.stdout.write(f"  {m.name:32} {value:>9}  ({m.numerator}/{m.denominator})")
        for g in card.groups:
            if "." not in g["code"]:
                missing = " (thiếu dữ liệu)" if g["missing_input"] else ""
                self.stdout.write(f"  {g['code']}. {g['title']}: {g['points']}/{g['max']}{missing}")
