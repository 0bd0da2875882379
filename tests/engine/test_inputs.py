"""check_inputs finds every problem at once, says where (agency › node) in both languages, and
the scoring functions refuse inputs with problems."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from chiso.engine import (
    Adjustment,
    AgencyInput,
    Band,
    LeaderInput,
    ManualRule,
    ProblemsError,
    RatioRule,
    SurveyRule,
    TieredRule,
    YesNoRule,
    check_inputs,
    score_agency,
    score_block,
)

from .builders import framework, inner, leaf

FW = framework(
    inner(
        "1",
        leaf("1.1", "2", ManualRule()),
        leaf("1.2", "1.5", ManualRule(levels=(D(0), D("0.5"), D("1.5")))),
        leaf("1.3", "1", YesNoRule()),
        leaf("1.4", "2", RatioRule(source="plan.rate")),
        na=True,
    ),
    inner(
        "2",
        leaf("2.1", "3", SurveyRule("sipas"), na=True),
        leaf("2.2", "2", TieredRule((Band(D(2), gte=D(90)), Band(D(0))))),
        na=("so",),
    ),
    adjustments=(Adjustment("T1", "Sáng kiến", "bonus", D(1), D(2)),),
    bonus_cap=D(2),
)

BAD = AgencyInput(
    "SNV",
    "Sở Nội vụ",
    agency_type="xa",
    values={
        "1.1": D("2.5"),
        "1.2": D(1),
        "1.3": D(2),
        "1.4": D(50),
        "1": D(3),
        "9.9": D(1),
        "2.2": D("NaN"),
    },
    facts={"survey.sipas": D("Infinity")},
    not_applicable=frozenset({"1.1", "2", "7"}),
    adjustments={"T1": D(-1), "X9": D(1)},
    leaders=(LeaderInput("d", "Phó giám đốc Nam", "deputy", ("1", "5.5")),),
)
GOOD = AgencyInput("STP", "Sở Tư pháp", values={"1.1": D(2), "1.3": D(1)})
# A department may mark field 2 N/A, but then nothing is left once field 1 is N/A too.
EMPTY = AgencyInput("SXD", agency_type="so", not_applicable=frozenset({"1", "2"}))


def test_every_problem_at_once_naming_agency_and_node():
    problems = check_inputs(FW, [BAD, GOOD, GOOD, EMPTY])
    assert [(p.code, p.where) for p in problems] == [
        ("duplicate_agency", "STP"),
        ("points_out_of_range", "SNV › 1.1"),
        ("points_not_a_level", "SNV › 1.2"),
        ("yes_no_value", "SNV › 1.3"),
        ("value_for_fact", "SNV › 1.4"),
        ("value_for_inner_node", "SNV › 1"),
        ("unknown_node", "SNV › 9.9"),
        ("not_finite", "SNV › 2.2"),
        ("not_finite", "SNV › survey.sipas"),
        ("na_not_allowed", "SNV › 1.1"),
        ("na_not_for_type", "SNV › 2"),
        ("na_unknown_node", "SNV › 7"),
        ("negative_count", "SNV › T1"),
        ("unknown_adjustment", "SNV › X9"),
        ("leader_unknown_node", "SNV › 5.5"),
        ("all_not_applicable", "SXD"),
    ]


@pytest.mark.parametrize(
    ("code", "vi", "en"),
    [
        (
            "points_out_of_range",
            "SNV › 1.1: Điểm 2,5 nằm ngoài khoảng từ 0 đến 2",
            "SNV › 1.1: Points 2.5 are outside 0 to 2",
        ),
        (
            "points_not_a_level",
            "SNV › 1.2: Điểm 1 không thuộc các mức cho phép: 0; 0,5; 1,5",
            "SNV › 1.2: Points 1 are not one of the allowed levels: 0, 0.5, 1.5",
        ),
        (
            "yes_no_value",
            "SNV › 1.3: Giá trị có/không phải là 1 (có) hoặc 0 (không), nhận được 2",
            "SNV › 1.3: A yes/no value must be 1 (yes) or 0 (no), got 2",
        ),
        (
            "value_for_fact",
            "SNV › 1.4: Nội dung này tính từ dữ liệu plan.rate; giá trị nhập sẽ không được dùng",
            "SNV › 1.4: This node is scored from the fact plan.rate; an entered value would be "
            "ignored",
        ),
        (
            "na_not_for_type",
            "SNV › 2: Loại cơ quan 'xa' không được đánh dấu không đánh giá nội dung này (chỉ: so)",
            "SNV › 2: Agency type 'xa' may not mark this node not applicable (only: so)",
        ),
        (
            "negative_count",
            "SNV › T1: Số lần -1 không được âm",
            "SNV › T1: Count -1 must not be negative",
        ),
        (
            "leader_unknown_node",
            "SNV › 5.5: Phó giám đốc Nam được phân công nội dung không có trong bộ chỉ số",
            "SNV › 5.5: Phó giám đốc Nam is assigned a node the framework does not have",
        ),
    ],
)
def test_messages_in_both_languages(code, vi, en):
    (problem,) = [p for p in check_inputs(FW, [BAD]) if p.code == code]
    assert (problem.text("vi"), problem.text("en")) == (vi, en)


def test_valid_inputs_have_no_problems():
    department = AgencyInput("SYT", agency_type="so", not_applicable=frozenset({"2", "2.1"}))
    assert check_inputs(FW, [GOOD, department]) == []


def test_score_block_raises_with_all_problems():
    with pytest.raises(ProblemsError) as caught:
        score_block(FW, [BAD, GOOD, GOOD, EMPTY])
    assert len(caught.value.problems) == 16
    assert caught.value.texts("en")[0] == "STP: The agency appears 2 times in the block"
    assert caught.value.texts("vi")[0] == "STP: Cơ quan xuất hiện 2 lần trong khối"


def test_score_agency_checks_its_input_too():
    with pytest.raises(ProblemsError) as caught:
        score_agency(FW, EMPTY)
    assert [p.code for p in caught.value.problems] == ["all_not_applicable"]


def test_unknown_tie_break_keys():
    fw = dataclasses.replace(FW, tie_break=("final", "node:1.1", "node:9", "rank"))
    problems = check_inputs(fw, [GOOD])
    assert [(p.code, p.where, p.params["key"]) for p in problems] == [
        ("unknown_tie_break", "tie_break", "node:9"),
        ("unknown_tie_break", "tie_break", "rank"),
    ]
