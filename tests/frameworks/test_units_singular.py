"""English pages say "≤ 1 person" and "2 people": the unit follows the number."""

from __future__ import annotations

from chiso.frameworks.describe import describe_bands, unit_label


def test_english_bands_put_the_unit_in_the_singular_for_one() -> None:
    bands = [{"lte": 0, "points": 2}, {"lte": 1, "points": 1}, {"lte": 2, "points": 0}]

    text = describe_bands(bands, "người", "en")

    assert text == "≤ 0 people → 2 points; ≤ 1 person → 1 point; ≤ 2 people → 0 points"


def test_one_day_and_one_and_a_half_days() -> None:
    assert describe_bands([{"lte": 1, "points": 1}], "ngày", "en") == "≤ 1 day → 1 point"
    assert describe_bands([{"lte": "1.5", "points": 1}], "ngày", "en") == "≤ 1.5 days → 1 point"


def test_vietnamese_keeps_the_unit_as_written() -> None:
    assert describe_bands([{"lte": 1, "points": 1}], "người", "vi") == "≤ 1 người → 1 điểm"
    assert unit_label("người", "vi", 1) == "người"
    assert unit_label("người", "en") == "people"
