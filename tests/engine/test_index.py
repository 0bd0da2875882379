"""A small three-field framework worked through by hand: N/A, bonus and penalty, clamping,
classification, ranking and leader scores, and how each number is explained."""

from __future__ import annotations

import dataclasses
from decimal import Decimal as D

import pytest

from chiso.engine import (
    Adjustment,
    AgencyInput,
    Band,
    ClassBand,
    LeaderInput,
    LeaderPolicy,
    ManualRule,
    MetricRule,
    RatioRule,
    SurveyRule,
    TieredRule,
    YesNoRule,
    classify,
    score_agency,
    score_block,
)

from .builders import framework, inner, leaf

SCALE = (
    ClassBand("Xuất sắc", D(90)),
    ClassBand("Tốt", D(80)),
    ClassBand("Khá", D(70)),
    ClassBand("Trung bình", D(50)),
    ClassBand("Yếu"),
)
ON_TIME = (Band(D(6), gte=D(98)), Band(D(4), gte=D(95)), Band(D(2), gte=D(90)), Band(D(0)))

# Field 1 (10), field 2 (10), field 3 (20, N/A allowed for departments "so" only): total 40.
FW = framework(
    inner("1", leaf("1.1", "4", ManualRule()), leaf("1.2", "6", RatioRule(), na=True)),
    inner(
        "2",
        leaf("2.1", "4", TieredRule((Band(D(4), gte=D(100)), Band(D(2), gte=D(80)), Band(D(0))))),
        leaf("2.2", "2", YesNoRule()),
        leaf("2.3", "4", SurveyRule("lanh_dao")),
    ),
    inner(
        "3",
        inner(
            "3.1",
            leaf("3.1.1", "6", MetricRule("dossier.on_time_rate", bands=ON_TIME)),
            leaf("3.1.2", "6", MetricRule("dossier.online_rate", threshold=D(50))),
        ),
        leaf("3.2", "8", SurveyRule("sipas")),
        na=("so",),
    ),
    adjustments=(
        Adjustment("T1", "Sáng kiến", "bonus", D(1), D(2)),
        Adjustment("T2", "Mô hình", "bonus", D(1), D(1)),
        Adjustment("D1", "Bị phê bình", "penalty", D(1), D(2)),
        Adjustment("D2", "Kỷ luật", "penalty", D(2), D(2)),
    ),
    bonus_cap=D(2),
    penalty_cap=D(3),
    classification=SCALE,
)

FULL_VALUES = {"1.1": D(4), "1.2": D(100), "2.1": D(100), "2.2": D(1)}
FULL_FACTS = {
    "survey.lanh_dao": D(100),
    "dossier.on_time_rate": D(100),
    "dossier.online_rate": D(100),
    "survey.sipas": D(100),
}


def agency(code: str, values=None, facts=None, **options) -> AgencyInput:
    """Full marks (40 / 40) except where ``values`` / ``facts`` say otherwise."""
    return AgencyInput(
        code,
        options.pop("name", f"Sở {code}"),
        values={**FULL_VALUES, **{k: D(v) for k, v in (values or {}).items()}},
        facts={**FULL_FACTS, **{k: D(v) for k, v in (facts or {}).items()}},
        **options,
    )


# Agency A, by hand:
#   1.1 manual 3.5                              = 3.50
#   1.2 6 × min(1, 96.5 / 100) = 5.79           = 5.79   field 1: 9.29 / 10
#   2.1 85 ≥ 80                                 = 2.00
#   2.2 yes                                     = 2.00
#   2.3 4 × 80 / 100                            = 3.20   field 2: 7.20 / 10
#   3.1.1 96 ≥ 95                               = 4.00
#   3.1.2 6 × min(1, 40 / 50)                   = 4.80   3.1: 8.80 / 12
#   3.2 8 × 90 / 100                            = 7.20   field 3: 16.00 / 20
#   base 32.49 / 40 × 100 = 81.225 → 81.23 (half_up); no bonus or penalty; final 81.23 → Tốt
A_VALUES = {"1.1": "3.5", "1.2": "96.5", "2.1": "85", "2.2": "1"}
A_FACTS = {
    "survey.lanh_dao": "80",
    "dossier.on_time_rate": "96",
    "dossier.online_rate": "40",
    "survey.sipas": "90",
}


def test_worked_example():
    result = score_agency(FW, agency("A", A_VALUES, A_FACTS))
    points = {code: node.points for code, node in result.nodes.items()}
    assert points == {
        "1": D("9.29"),
        "1.1": D("3.50"),
        "1.2": D("5.79"),
        "2": D("7.20"),
        "2.1": D("2.00"),
        "2.2": D("2.00"),
        "2.3": D("3.20"),
        "3": D("16.00"),
        "3.1": D("8.80"),
        "3.1.1": D("4.00"),
        "3.1.2": D("4.80"),
        "3.2": D("7.20"),
    }
    assert list(result.nodes) == list(points)  # tree order
    assert result.nodes["1"].percent == D("92.90")
    assert result.nodes["3.1"].percent == D("73.33")  # 8.80 / 12
    assert (result.base_points, result.base_max) == (D("32.49"), D(40))
    assert result.base_percent == D("81.23")
    assert (result.bonus, result.penalty, result.final) == (0, 0, D("81.23"))
    assert result.classification == "Tốt"
    assert result.rank is None


def test_not_applicable_leaves_the_denominator():
    # 1.2 N/A: base 32.49 − 5.79 = 26.70 over 40 − 6 = 34 → 78.5294… → 78.53 → Khá.
    # Field 1: 3.50 / (10 − 6) = 87.50 %; fields 2 and 3 unchanged.
    result = score_agency(FW, agency("B", A_VALUES, A_FACTS, not_applicable=frozenset({"1.2"})))
    na = result.nodes["1.2"]
    assert (na.not_applicable, na.points, na.applicable_max, na.percent) == (True, 0, 0, None)
    field = result.nodes["1"]
    assert (field.points, field.applicable_max, field.percent) == (D("3.50"), D(4), D("87.50"))
    assert result.nodes["2"].percent == D("72.00")
    assert (result.base_points, result.base_max) == (D("26.70"), D(34))
    assert result.base_percent == D("78.53")
    assert result.classification == "Khá"
    assert na.explanation.text() == "Không đánh giá: 6 điểm loại khỏi tổng điểm tối đa"
    assert na.explanation.text("en") == "Not applicable: 6 points removed from the maximum"


def test_not_applicable_field_takes_its_whole_subtree():
    # Field 3 N/A for a department: base 9.29 + 7.20 = 16.49 over 40 − 20 = 20 → 82.45.
    result = score_agency(
        FW, agency("C", A_VALUES, A_FACTS, agency_type="so", not_applicable=frozenset({"3"}))
    )
    subtree = ["3", "3.1", "3.1.1", "3.1.2", "3.2"]
    assert all(result.nodes[c].not_applicable for c in subtree)
    assert not any(result.nodes[c].not_applicable for c in ["1", "1.2", "2", "2.3"])
    assert (result.base_points, result.base_max, result.base_percent) == (
        D("16.49"),
        D(20),
        D("82.45"),
    )
    assert result.nodes["3.1.1"].explanation.text() == (
        "Không đánh giá: theo 3; 6 điểm loại khỏi tổng điểm tối đa"
    )


def test_bonus_and_penalty_are_capped_and_the_final_is_clamped():
    # Base 39.80 / 40 = 99.50. Bonus: T1 min(2, 3 × 1) = 2, T2 min(1, 1 × 1) = 1, Σ 3 → cap 2.
    # Penalty: D1 1. 99.50 + 2 − 1 = 100.50 → clamped to 100.00.
    result = score_agency(
        FW, agency("top", {"1.1": "3.8"}, adjustments={"T1": D(3), "T2": D(1), "D1": D(1)})
    )
    assert result.base_percent == D("99.50")
    assert [(a.code, a.count, a.points) for a in result.adjustments] == [
        ("T1", 3, 2),
        ("T2", 1, 1),
        ("D1", 1, 1),
        ("D2", 0, 0),
    ]
    assert (result.bonus, result.penalty, result.final) == (2, 1, D("100.00"))
    assert result.explanation.text() == (
        "Tổng hợp: 39,80 / 40 × 100 = 99,50%; thưởng 2,00 (tối đa 2); trừ 1,00 (tối đa 3); "
        "99,50 + 2,00 − 1,00 = 100,50; giới hạn trong [0; 100] → 100,00; xếp loại Xuất sắc"
    )


def test_penalty_cap():
    # D1 min(2, 2 × 1) = 2, D2 min(2, 1 × 2) = 2, Σ 4 → cap 3: 100 − 3 = 97.00
    result = score_agency(FW, agency("p", adjustments={"D1": D(2), "D2": D(1)}))
    assert (result.penalty, result.final) == (3, D("97.00"))


def test_final_is_clamped_at_the_bottom():
    # Nothing entered: base 0; penalty 3 → −3 → 0.00
    empty = AgencyInput("e", adjustments={"D1": D(2), "D2": D(1)})
    result = score_agency(FW, empty)
    assert (result.base_percent, result.final, result.classification) == (0, D("0.00"), "Yếu")
    assert result.nodes["3"].missing_input and result.nodes["3.2"].missing_input


def test_classification_edges():
    # 1.1 = 0: 36 / 40 = exactly 90.00 → the top class.
    assert score_agency(FW, agency("x", {"1.1": "0"})).classification == "Xuất sắc"
    assert classify(D("89.99"), SCALE) == "Tốt"
    assert classify(D("80"), SCALE) == "Tốt"
    assert classify(D("50"), SCALE) == "Trung bình"
    assert classify(D("49.99"), SCALE) == "Yếu"
    assert classify(D("0"), SCALE) == "Yếu"
    assert classify(D("40"), SCALE[:3]) is None  # a scale without a catch-all


# Block for ranking, by hand (1.1 = 0 takes 4 points; sipas s % gives 8 × s / 100):
#   X  36   / 40 = 90.00
#   Q  32.4 / 40 = 81.00            (sipas 55: 4.40)
#   P  32   / 40 = 80.00 + bonus 1 = 81.00
#   S, R  28 / 40 = 70.00          (sipas 0)
#   T  24   / 40 = 60.00           (sipas 0, lanh_dao 0)
BLOCK = [
    agency("T", {"1.1": "0"}, {"survey.sipas": "0", "survey.lanh_dao": "0"}),
    agency("S", {"1.1": "0"}, {"survey.sipas": "0"}, name="Sở Công Thương"),
    agency("P", {"1.1": "0"}, {"survey.sipas": "50"}, adjustments={"T1": D(1)}),
    agency("X", {"1.1": "0"}),
    agency("R", {"1.1": "0"}, {"survey.sipas": "0"}, name="Sở Y tế"),
    agency("Q", {"1.1": "0"}, {"survey.sipas": "55"}),
]


def ranks(fw, inputs):
    return [(r.agency, r.rank) for r in score_block(fw, inputs).agencies]


def test_competition_ranking_with_final_then_base():
    # Q and P tie on final; Q's base is higher. S and R tie on every key: shared rank, then 6.
    assert ranks(FW, BLOCK) == [("X", 1), ("Q", 2), ("P", 3), ("S", 4), ("R", 4), ("T", 6)]


def test_ties_on_every_key_share_a_rank():
    # Tied agencies keep their input order (P before Q, S before R).
    fw = dataclasses.replace(FW, tie_break=("final",))
    assert ranks(fw, BLOCK) == [("X", 1), ("P", 2), ("Q", 2), ("S", 4), ("R", 4), ("T", 6)]


def test_name_breaks_ties_ascending():
    fw = dataclasses.replace(FW, tie_break=("final", "name"))
    assert ranks(fw, BLOCK)[3:5] == [("S", 4), ("R", 5)]  # "Sở Công Thương" < "Sở Y tế"


def test_bonus_key_prefers_more_bonus():
    fw = dataclasses.replace(FW, tie_break=("final", "bonus"))
    assert ranks(fw, BLOCK)[1:3] == [("P", 2), ("Q", 3)]


def test_penalty_key_prefers_fewer_penalty_points():
    # Same final (bonus 1 − penalty 1 = 0 for b); the one without a penalty ranks first.
    fw = dataclasses.replace(FW, tie_break=("final", "penalty"))
    inputs = [agency("b", adjustments={"D1": D(1), "T1": D(1)}), agency("a")]
    assert ranks(fw, inputs) == [("a", 1), ("b", 2)]


def test_survey_and_node_keys():
    # U: 2.1 = 80 → 2 points (−2); V: lanh_dao 50 → 2 points (−2). Both 38 / 40 = 95.00.
    # Survey points: U 4 + 8 = 12, V 2 + 8 = 10.
    inputs = [agency("V", facts={"survey.lanh_dao": "50"}), agency("U", {"2.1": "80"})]
    by_survey = dataclasses.replace(FW, tie_break=("final", "base", "survey"))
    assert ranks(by_survey, inputs) == [("U", 1), ("V", 2)]
    by_node = dataclasses.replace(FW, tie_break=("final", "node:2.1"))
    assert ranks(by_node, inputs) == [("V", 1), ("U", 2)]


def test_block_summary():
    block = score_block(FW, BLOCK)
    assert (block.framework, block.year, block.version) == ("test", 2025, 1)
    # (90 + 81 + 81 + 70 + 70 + 60) / 6 = 75.333… → 75.33
    assert block.mean_final == D("75.33")
    assert block.class_counts == {"Xuất sắc": 1, "Tốt": 2, "Khá": 2, "Trung bình": 1, "Yếu": 0}
    assert list(block.class_counts) == [band.label for band in SCALE]


def test_empty_block():
    block = score_block(FW, [])
    assert (block.agencies, block.mean_final) == ((), None)


LEADERS = (
    LeaderInput("h", "Trương Văn H", "head"),
    LeaderInput("d1", "Phó 1", "deputy", ("1", "1.2")),  # 1.2 lies in 1: counted once
    LeaderInput("d2", "Phó 2", "deputy", ("3.1", "2.3")),
    LeaderInput("d3", "Phó 3", "deputy"),
)


def leader_scores(fw=FW, **options):
    result = score_agency(fw, agency("A", A_VALUES, A_FACTS, leaders=LEADERS, **options))
    return {leader.id: leader for leader in result.leaders}


def test_head_takes_the_agency_score():
    head = leader_scores()["h"]
    assert (head.score, head.classification, head.assigned_percent) == (D("81.23"), "Tốt", None)
    assert head.explanation.text() == "Người đứng đầu: điểm của cơ quan 81,23; xếp loại Tốt"


def test_deputy_with_assignment():
    # d1: field 1 = 9.29 / 10 = 92.90 %; 0.7 × 92.90 + 0.3 × 81.23 = 65.03 + 24.369 = 89.399
    #     → 89.40 → Tốt
    # d2: 2.3 + 3.1 = (3.20 + 8.80) / (4 + 12) = 75.00 %; 52.50 + 24.369 = 76.869 → 76.87 → Khá
    scores = leader_scores()
    d1, d2 = scores["d1"], scores["d2"]
    assert (d1.assigned_percent, d1.score, d1.classification) == (D("92.90"), D("89.40"), "Tốt")
    assert (d2.assigned_percent, d2.score, d2.classification) == (D("75.00"), D("76.87"), "Khá")
    assert d1.explanation.text() == (
        "Cấp phó: phụ trách 1: 9,29 / 10 × 100 = 92,90%; 0,7 × 92,90 + 0,3 × 81,23 = 89,40; "
        "xếp loại Tốt"
    )
    assert d2.explanation.text("en") == (
        "Deputy: assigned 2.3, 3.1: 12.00 / 16 × 100 = 75.00%; "
        "0.7 × 75.00 + 0.3 × 81.23 = 76.87; class Khá"
    )


def test_deputy_without_assignment_takes_the_agency_score():
    d3 = leader_scores()["d3"]
    assert (d3.assigned_percent, d3.score) == (None, D("81.23"))
    assert d3.explanation.text("en") == (
        "Deputy: no assigned node is applicable → agency score 81.23; class Tốt"
    )


def test_deputy_assigned_only_not_applicable_nodes_takes_the_agency_score():
    deputy = LeaderInput("d", "Phó", "deputy", ("1.2",))
    result = score_agency(
        FW, agency("B", A_VALUES, A_FACTS, not_applicable=frozenset({"1.2"}), leaders=(deputy,))
    )
    assert (result.leaders[0].assigned_percent, result.leaders[0].score) == (None, D("78.53"))


def test_leader_weight_and_scale_are_configurable():
    # Quảng Ngãi 2018 scale for heads (par-index.md §2.3); weight 0.5:
    # d1: 0.5 × 92.90 + 0.5 × 81.23 = 87.065 → 87.07 → HT xuất sắc (≥ 80)
    # d2: 0.5 × 75.00 + 0.5 × 81.23 = 78.115 → 78.12 → HT tốt (70–<80)
    scale = (
        ClassBand("Hoàn thành xuất sắc nhiệm vụ", D(80)),
        ClassBand("Hoàn thành tốt nhiệm vụ", D(70)),
        ClassBand("Hoàn thành nhiệm vụ", D(50)),
        ClassBand("Không hoàn thành nhiệm vụ"),
    )
    fw = dataclasses.replace(FW, leaders=LeaderPolicy(D("0.5"), scale))
    scores = leader_scores(fw)
    assert (scores["d1"].score, scores["d2"].score) == (D("87.07"), D("78.12"))
    assert scores["h"].classification == "Hoàn thành xuất sắc nhiệm vụ"
    assert scores["d2"].classification == "Hoàn thành tốt nhiệm vụ"


@pytest.mark.parametrize(
    ("lang", "field", "total"),
    [
        (
            "vi",
            "Tổng: 3,50 + 5,79 = 9,29 điểm; 9,29 / 10 × 100 = 92,90%",
            "Tổng hợp: 32,49 / 40 × 100 = 81,23%; thưởng 0,00 (tối đa 2); trừ 0,00 (tối đa 3); "
            "81,23 + 0,00 − 0,00 = 81,23; xếp loại Tốt",
        ),
        (
            "en",
            "Sum: 3.50 + 5.79 = 9.29 points; 9.29 / 10 × 100 = 92.90%",
            "Total: 32.49 / 40 × 100 = 81.23%; bonus 0.00 (cap 2); penalty 0.00 (cap 3); "
            "81.23 + 0.00 − 0.00 = 81.23; class Tốt",
        ),
    ],
)
def test_explanations_in_both_languages(lang, field, total):
    result = score_agency(FW, agency("A", A_VALUES, A_FACTS))
    assert result.nodes["1"].explanation.text(lang) == field
    assert result.explanation.text(lang) == total
    assert (
        result.nodes["1.2"].explanation.text(lang)
        == {
            "vi": "Tỷ lệ: min(1; 96,5 / 100) × 6 = 5,79 điểm",
            "en": "Ratio: min(1, 96.5 / 100) × 6 = 5.79 points",
        }[lang]
    )


def test_explanations_are_structured():
    explanation = score_agency(FW, agency("A", A_VALUES, A_FACTS)).nodes["3.1.2"].explanation
    assert explanation.rule == "metric"
    assert explanation.inputs == {"dossier.online_rate": D(40)}
    assert [step.kind for step in explanation.steps] == ["fact", "ratio"]
    assert explanation.steps[1].values["threshold"] == D(50)
    assert explanation.result == D("4.80")
