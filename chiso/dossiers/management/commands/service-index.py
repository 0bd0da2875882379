"""``chiso service-index --period 2023|2023-Q4|2023-11 [--agency CODE] [--json]``: the
Decision 766 score card of an agency or of the province, from the dossier rollups.

The text is for people: Vietnamese numbers (76,53 điểm; 99,03 %; 1.234) and the metrics'
Vietnamese names, as on the web score card. ``--json`` is for programs: the card's keys with
the metrics' numerators and denominators as JSON numbers (docs/cli.md)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.formats import number_format

from chiso.dossiers.periods import display
from chiso.dossiers.scorecard import PeriodError, ScoreCard, parse_period, score_card
from chiso.frameworks.facts import describe_fact
from chiso.org.models import Agency


def vi(value: Decimal | int, places: int | None = None) -> str:
    """``value`` written the Vietnamese way (1.234,56), with ``places`` decimals, or as many as
    it has when None."""
    with translation.override("vi"):
        return number_format(value, places, use_l10n=True, force_grouping=True)


def json_number(value: Decimal | int) -> int | float:
    """A count or a figure as a JSON number: whole numbers stay integers (a manual figure or
    a survey index may have decimals)."""
    return int(value) if value == int(value) else float(value)


def card_json(card: ScoreCard) -> dict[str, Any]:
    """The card's dictionary with every metric's numerator and denominator a number (the card
    gives the numerator as text: a Decimal); keys unchanged."""
    data = card.as_dict()
    for metric in data["metrics"].values():
        metric["numerator"] = json_number(Decimal(metric["numerator"]))
        metric["denominator"] = json_number(metric["denominator"])
    return data


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
            self.stdout.write(json.dumps(card_json(card), ensure_ascii=False, indent=2))
            return
        self._print(card)

    def _print(self, card: ScoreCard) -> None:
        # What the card says, as it says it: no score (None) is printed as such, never as 0.
        if card.score is None:
            result = "chưa có dữ liệu, không chấm điểm"
        else:
            result = f"{vi(card.score, 2)} điểm ({card.classification or '—'})"
        with translation.override("vi"):
            period = display(card.period.label)  # "Quý 4/2024", as the web pages write it
        self.stdout.write(f"{card.name} — kỳ {period}: {result}")
        labels = {name: describe_fact(name, "vi") for name in card.metrics}
        width = max((len(label) for label in labels.values()), default=0)
        for name, m in card.metrics.items():
            value = "—" if m.value is None else f"{vi(m.value, 2)} %"
            self.stdout.write(
                f"  {labels[name]:{width}} {value:>9}  ({vi(m.numerator)}/{vi(m.denominator)})"
            )
        for g in card.groups:
            if "." not in g["code"]:
                missing = " (thiếu dữ liệu)" if g["missing_input"] else ""
                points = f"{vi(Decimal(g['points']), 2)}/{vi(Decimal(g['max']), 2)}"
                self.stdout.write(f"  {g['code']}. {g['title']}: {points} điểm{missing}")
