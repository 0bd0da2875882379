"""Each rule type on hand-checked numbers, including band edges, floors, missing input and
rounding modes."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from chiso.engine import (
    Band,
    ManualRule,
    MetricRule,
    RatioRule,
    Rounding,
    SurveyRule,
    TieredRule,
    YesNoRule,
)

from .builders import score_leaf

# Plan-completion bands of sample item 1.2: ≥100 → 2, ≥90 → 1.5, ≥80 → 1, otherwise 0.
PLAN = TieredRule(
    (Band(D(2), gte=D(100)), Band(D("1.5"), gte=D(90)), Band(D(1), gte=D(80)), Band(D(0)))
)
# Days-late bands of sample item 1.1: ≤0 → 1, ≤15 → 0.5, otherwise 0.
DAYS_LATE = TieredRule((Band(D(1), lte=D(0)), Band(D("0.5"), lte=D(15)), Band(D(0))))


def test_manual_takes_entered_points():
    result = score_leaf(ManualRule(), "2", "1.5")
    assert result.points == D("1.50")
    assert result.percent == D("75.00")  # 1.5 / 2
    assert result.explanation.text() == "Chấm điểm: 1,50 điểm"
    assert result.explanation.text("en") == "Entered: 1.50 points"


def test_manual_points_are_rounded_at_the_leaf():
    assert score_leaf(ManualRule(), "2", "1.255").points == D("1.26")  # half_up by default


@pytest.mark.parametrize(("value", "points"), [("1", "2.00"), ("0", "0.50")])
def test_yes_no(value, points):
    result = score_leaf(YesNoRule(no_points=D("0.5")), "2", value)
    assert result.points == D(points)


def test_yes_no_explanation():
    assert score_leaf(YesNoRule(), "2", "0").explanation.text() == "Có/Không: không → 0,00 điểm"
    assert score_leaf(YesNoRule(), "2", "1").explanation.text("en") == "Yes/no: yes → 2.00 points"


@pytest.mark.parametrize(
    ("value", "points"),
    [
        ("100", "2"),  # on the top edge
        ("120", "2"),
        ("99.99", "1.5"),  # just below → next band
        ("90", "1.5"),
        ("89.99", "1"),
        ("80", "1"),
        ("79.99", "0"),  # catch-all
        ("-5", "0"),
    ],
)
def test_tiered_gte_band_edges(value, points):
    assert score_leaf(PLAN, "2", value).points == D(points)


@pytest.mark.parametrize(
    ("value", "points"), [("-3", "1"), ("0", "1"), ("0.5", "0.5"), ("15", "0.5"), ("16", "0")]
)
def test_tiered_lte_band_edges(value, points):
    assert score_leaf(DAYS_LATE, "1", value).points == D(points)


def test_tiered_band_with_both_bounds_needs_both():
    rule = TieredRule((Band(D(3), gte=D(10), lte=D(20)), Band(D(1))))
    assert score_leaf(rule, "3", "15").points == 3
    assert score_leaf(rule, "3", "21").points == 1
    assert score_leaf(rule, "3", "15").explanation.text() == "Theo mức: 10 ≤ 15 ≤ 20 → 3,00 điểm"


def test_tiered_without_catch_all_gives_zero_when_no_band_holds():
    rule = TieredRule((Band(D(2), gte=D(50)),))
    result = score_leaf(rule, "2", "40")
    assert result.points == 0
    assert result.explanation.text("en") == "Tiered: 40: no band holds → 0 points"


def test_tiered_explanations():
    assert score_leaf(PLAN, "2", "92").explanation.text() == "Theo mức: 92 ≥ 90 → 1,50 điểm"
    assert score_leaf(PLAN, "2", "50").explanation.text("en") == (
        "Tiered: 50: otherwise → 0.00 points"
    )
    assert score_leaf(DAYS_LATE, "1", "7").explanation.text() == "Theo mức: 7 ≤ 15 → 0,50 điểm"


def test_tiered_reads_the_named_fact_instead_of_the_value():
    rule = TieredRule(PLAN.bands, source="plan.completion_rate")
    result = score_leaf(rule, "2", facts={"plan.completion_rate": "95"})
    assert result.points == D("1.5")
    assert result.explanation.inputs == {"plan.completion_rate": D(95)}
    assert result.explanation.text() == ("Theo mức: plan.completion_rate = 95; 95 ≥ 90 → 1,50 điểm")


def test_ratio_worked_example():
    # 3 × min(1, 96.5 / 100) = 2.895 → 2.90 (half_up, 2 places)
    result = score_leaf(RatioRule(), "3", "96.5")
    assert result.points == D("2.90")
    assert result.explanation.text() == "Tỷ lệ: min(1; 96,5 / 100) × 3 = 2,90 điểm"
    assert result.explanation.text("en") == "Ratio: min(1, 96.5 / 100) × 3 = 2.90 points"
    assert result.explanation.rule == "ratio"
    assert result.explanation.result == D("2.90")


def test_ratio_caps_at_max_above_threshold():
    # Sample item 3.7: full points at ≥ 70 %. 2 × min(1, 84 / 70) = 2
    assert score_leaf(RatioRule(threshold=D(70)), "2", "84").points == 2
    # 2 × 35 / 70 = 1
    assert score_leaf(RatioRule(threshold=D(70)), "2", "35").points == 1


def test_ratio_floor():
    # Sample item 1.4: below 70 % scores 0; at 70 % the ratio applies: 4 × 0.7 = 2.80.
    rule = RatioRule(floor_below=D(70), floor_points=D(0))
    below = score_leaf(rule, "4", "69.99")
    assert below.points == 0
    assert below.explanation.text() == "Tỷ lệ: 69,99 < 70 → 0,00 điểm"
    assert score_leaf(rule, "4", "70").points == D("2.80")


def test_ratio_of_a_negative_value_is_clamped_to_zero():
    # 3 × (−5 / 100) = −0.15 → clamped to 0
    result = score_leaf(RatioRule(), "3", "-5")
    assert result.points == D("0.00")
    assert result.explanation.text("en") == (
        "Ratio: min(1, -5 / 100) × 3 = -0.15 points; limited to [0, 3] → 0.00 points"
    )


def test_band_points_above_max_are_clamped():
    rule = TieredRule((Band(D(5), gte=D(0)),))
    result = score_leaf(rule, "2", "1")
    assert result.points == 2
    assert result.explanation.text() == (
        "Theo mức: 1 ≥ 0 → 5,00 điểm; giới hạn trong [0; 2] → 2,00 điểm"
    )


def test_survey():
    # 3 × 80 / 100 = 2.40
    result = score_leaf(SurveyRule("lanh_dao"), "3", facts={"survey.lanh_dao": "80"})
    assert result.points == D("2.40")
    assert result.explanation.text() == (
        "Khảo sát: survey.lanh_dao = 80; min(1; 80 / 100) × 3 = 2,40 điểm"
    )


def test_survey_with_threshold():
    # 6 × min(1, 85.5 / 90) = 6 × 0.95 = 5.70
    rule = SurveyRule("sipas", threshold=D(90))
    assert score_leaf(rule, "6", facts={"survey.sipas": "85.5"}).points == D("5.70")


def test_metric_with_bands():
    # Sample item 3.3: 97.2 % on time → band ≥ 95 → 2 points
    bands = (Band(D(3), gte=D(98)), Band(D(2), gte=D(95)), Band(D(1), gte=D(90)), Band(D(0)))
    rule = MetricRule("dossier.on_time_rate", bands=bands)
    result = score_leaf(rule, "3", facts={"dossier.on_time_rate": "97.2"})
    assert result.points == 2
    assert result.explanation.text("en") == (
        "Metric: dossier.on_time_rate = 97.2; 97.2 ≥ 95 → 2.00 points"
    )


def test_metric_by_ratio():
    # Sample item 3.8: 1 × min(1, 45 / 60) = 0.75
    rule = MetricRule("dossier.online_payment_rate", threshold=D(60))
    assert score_leaf(rule, "1", facts={"dossier.online_payment_rate": "45"}).points == D("0.75")


def test_missing_value_scores_zero_and_is_flagged():
    result = score_leaf(ManualRule(), "2")
    assert (result.points, result.missing_input) == (D("0.00"), True)
    assert result.explanation.text() == "Chấm điểm: chưa nhập giá trị → 0,00 điểm"
    assert result.explanation.text("en") == "Entered: no value entered → 0.00 points"


def test_missing_fact_scores_zero_and_names_the_fact():
    result = score_leaf(SurveyRule("sipas"), "6", facts={"survey.other": "90"})
    assert (result.points, result.missing_input) == (D("0.00"), True)
    assert result.explanation.text() == "Khảo sát: thiếu dữ liệu survey.sipas → 0,00 điểm"
    assert result.explanation.text("en") == "Survey: missing data survey.sipas → 0.00 points"


def test_present_input_is_not_flagged():
    assert score_leaf(RatioRule(), "3", "50").missing_input is False


@pytest.mark.parametrize(
    ("mode", "points"),
    [
        ("half_up", "0.13"),  # 1 × 12.5 / 100 = 0.125: the half goes up
        ("half_even", "0.12"),  # … to the even neighbour
        ("down", "0.12"),
    ],
)
def test_rounding_modes_on_an_exact_half(mode, points):
    result = score_leaf(RatioRule(), "1", "12.5", rounding=Rounding(mode=mode))
    assert result.points == D(points)


def test_half_even_rounds_up_when_the_kept_digit_is_odd():
    # 3 × 96.5 / 100 = 2.895: the kept digit 9 is odd, so half_even rounds up too
    assert score_leaf(RatioRule(), "3", "96.5", rounding=Rounding(mode="half_even")).points == (
        D("2.90")
    )


def test_rounding_places():
    # 2 × 2/3 = 1.333… → 1 place: 1.3; 0 places: 1
    rule = RatioRule(threshold=D(3))
    assert score_leaf(rule, "2", "2", rounding=Rounding(points=1)).points == D("1.3")
    assert score_leaf(rule, "2", "2", rounding=Rounding(points=0)).points == D(1)


def test_max_finer_than_rounding_is_not_exceeded():
    # max 0.125 with 2 places: rounding 0.125 half_up would give 0.13 > max
    assert score_leaf(RatioRule(), "0.125", "100").points == D("0.125")
