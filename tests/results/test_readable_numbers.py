"""Score explanations show their numbers as people write them, never corrupted.

A walkthrough of the demo found "min(1; 10000 / 100)" on /results/2023/so-ban-nganh/stp/: the
value "100,00" had been replaced inside the stored "100,0000"."""

from __future__ import annotations

import random
import re
from decimal import Decimal
from typing import Any

import pytest

from chiso.engine import AgencyInput
from chiso.results.actions import compute_result_set
from chiso.results.templatetags.chiso_results import tidy_numbers
from tests.assessments.conftest import block, framework  # noqa: F401 - fixtures
from tests.assessments.office_world import client_for


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (
            "Tỷ lệ: min(1; 100,0000 / 100) × 2 = 2,00 điểm",
            "Tỷ lệ: min(1; 100 / 100) × 2 = 2,00 điểm",
        ),
        (
            "Tỷ lệ: min(1; 79,5000 / 100) × 2 = 1,59 điểm",
            "Tỷ lệ: min(1; 79,5 / 100) × 2 = 1,59 điểm",
        ),
        ("Theo mức: 91,1250 ≥ 90 → 2,00 điểm", "Theo mức: 91,125 ≥ 90 → 2,00 điểm"),
        ("Chấm điểm: theo 1.2", "Chấm điểm: theo 1.2"),
    ],
)
def test_the_demo_explanations_read_right(stored: str, shown: str) -> None:
    assert tidy_numbers(stored, "vi") == shown


def test_english_uses_the_dot() -> None:
    assert tidy_numbers("min(1, 100.0000 / 100) × 2 = 2.00 points", "en") == (
        "min(1, 100 / 100) × 2 = 2.00 points"
    )


def _digits_without_trailing_zeros(text: str) -> list[str]:
    """Each number of ``text`` as (integer part, decimals without trailing zeros)."""
    out = []
    for token in re.findall(r"\d+(?:,\d+)?", text):
        whole, _, decimals = token.partition(",")
        out.append(f"{whole}|{decimals.rstrip('0')}")
    return out


def test_no_digit_is_ever_changed_only_trailing_zeros_dropped() -> None:
    rng = random.Random(20231)
    for _ in range(500):
        numbers = [
            f"{rng.randint(0, 10_000)},{rng.randint(0, 9999):0{rng.choice([1, 2, 4])}d}"
            if rng.random() < 0.7
            else str(rng.randint(0, 1000))
            for _ in range(rng.randint(1, 5))
        ]
        text = "Tỷ lệ: " + " / ".join(numbers) + " = 2,00 điểm"
        shown = tidy_numbers(text, "vi")
        # Same numbers in the same order: no digit added, lost or moved.
        assert _digits_without_trailing_zeros(shown) == _digits_without_trailing_zeros(text)
        assert shown.endswith(" = 2,00 điểm")  # points keep their two decimals
        # No number is left with more than two decimals ending in a zero.
        for token in re.findall(r"\d+,\d+", shown):
            decimals = token.split(",")[1]
            assert len(decimals) <= 2 or not decimals.endswith("0"), (text, shown)


@pytest.fixture
def scored_in_full(world: Any, framework: Any, block: Any) -> Any:  # noqa: F811
    values = {"1.1": Decimal(1), "1.2": Decimal("2.5"), "2.1": Decimal(2), "3.1": Decimal(2)}
    stp = AgencyInput("stp", values=values, facts={"dossier.on_time_rate": Decimal("100.0000")})
    snv = AgencyInput("snv", values=values, facts={"dossier.on_time_rate": Decimal("79.5000")})
    return compute_result_set(
        block,
        framework,
        [stp, snv, AgencyInput("sxd", values=values)],
        actor=world.tuan,
        source="import",
    )


def test_the_scorecard_shows_100_and_79_5(world: Any, scored_in_full: Any) -> None:
    client = client_for(world.tuan)
    stp = client.get("/results/2024/so-ban-nganh/stp/").content.decode()
    snv = client.get("/results/2024/so-ban-nganh/snv/").content.decode()
    assert "min(1; 100 / 100)" in stp and "10000" not in stp and "100,0000" not in stp
    assert "min(1; 79,5 / 100)" in snv and "79,5000" not in snv


def test_a_framework_with_more_places_keeps_them() -> None:
    # Points rounded to 4 places by the framework are written with them, zeros included.
    assert tidy_numbers("min(1; 79,5000 / 100) × 2 = 1,5900 điểm", "vi", 4) == (
        "min(1; 79,5000 / 100) × 2 = 1,5900 điểm"
    )
