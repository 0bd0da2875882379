"""Indices and flags checked against examples worked by hand."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from chiso.surveys import indices
from chiso.surveys.indices import Flag, NoOpinion, ResponseData
from chiso.surveys.spec import parse_questionnaire

FORM = parse_questionnaire(
    {
        "code": "thu",
        "version": 1,
        "title": "Phiếu thử",
        "fact": "sipas",
        "sections": [
            {
                "code": "a",
                "title": "A",
                "fact": "sipas.tiep_can",
                "questions": [
                    {"code": "a1", "type": "scale", "text": "?"},
                    {"code": "a2", "type": "scale", "text": "?"},
                ],
            },
            {
                "code": "b",
                "title": "B",
                "fact": "sipas.thu_tuc",
                "questions": [{"code": "b1", "type": "scale", "text": "?"}],
            },
            {
                "code": "c",
                "title": "C",
                "questions": [
                    {
                        "code": "p",
                        "type": "priority",
                        "text": "?",
                        "max_choices": 2,
                        "options": ["x", "y", "z"],
                    }
                ],
            },
        ],
    }
)


def r(i: int, agency: str = "stp", **answers: Any) -> ResponseData:
    return ResponseData(i, agency, "citizen", "online", answers, cell_order=i)


def test_satisfaction_counts_satisfied_and_very_satisfied_over_valid_answers() -> None:
    # 5,4,4,3,0 → 3 satisfied; "no opinion" left out: 3/4 = 75 %; counted: 3/5 = 60 %
    values = [5, 4, 4, 3, 0]
    assert indices.satisfaction(values).percent == D("75.00")
    assert indices.satisfaction(values, NoOpinion.COUNT).percent == D("60.00")


def test_the_wilson_interval_of_8_out_of_10() -> None:
    # Hand-worked with z = 1.96: centre 0.7167, half-width 0.2266 → 49.02 % to 94.33 %.
    assert indices.wilson(8, 10) == (D("49.02"), D("94.33"))
    assert indices.wilson(0, 5)[0] == D("0.00")


def test_element_and_overall_indices_are_means_of_means() -> None:
    responses = [
        r(1, a1=5, a2=2, b1=4, p=[1, 2]),
        r(2, a1=4, a2=4, b1=1, p=[2]),
        r(3, a1=1, a2=4, b1=0, p=[2, 3]),
        r(4, a1=4, a2=0, b1=2),
    ]
    result = indices.compute(FORM, responses)
    # a1: 3/4 = 75 %; a2: 2/3 = 66.67 %; element A = (75 + 66.67) / 2 = 70.835 → 70.84 (half-up)
    # b1: 1/3 = 33.33 %; element B = 33.33; overall = (70.84 + 33.33) / 2 = 52.085 → 52.09
    a, b = result.elements
    assert [s.percent for _q, s in a.questions] == [D("75.00"), D("66.67")]
    assert a.index == D("70.84") and b.index == D("33.33")
    assert result.overall == D("52.09")
    assert result.facts == {
        "sipas.tiep_can": D("70.84"),
        "sipas.thu_tuc": D("33.33"),
        "sipas": D("52.09"),
    }
    ranking = indices.expectations(FORM.sections[2].questions[0], responses)
    # 3 answered: y chosen 3 times (100 %), x once, z once (ties in option order)
    assert [(o.text, s.count, s.percent) for o, s in ranking] == [
        ("y", 3, D("100.00")),
        ("x", 1, D("33.33")),
        ("z", 1, D("33.33")),
    ]


def test_a_small_cell_is_hidden() -> None:
    assert indices.share(2, 3).hidden(min_count=5)
    assert not indices.share(4, 5).hidden(min_count=5)


def test_the_sample_size_follows_n_equals_n_over_1_plus_n_e_squared() -> None:
    # N = 1000, e = 5 %: 1000 / (1 + 2.5) = 285.7 → 286; N = 100: 100 / 1.25 = 80
    assert indices.sample_size(1000, D("0.05")) == 286
    assert indices.sample_size(100, D("0.05")) == 80
    assert indices.sample_size(0, D("0.05")) == 0


def test_flags_for_duplicates_straight_lining_quota_and_timing() -> None:
    six = parse_questionnaire(
        {
            "code": "sau",
            "version": 1,
            "title": "Sáu câu",
            "sections": [
                {
                    "code": "s",
                    "title": "S",
                    "questions": [
                        {"code": f"q{i}", "type": "scale", "text": "?"} for i in range(6)
                    ],
                }
            ],
        }
    )
    same = {f"q{i}": 5 for i in range(6)}
    varied = {f"q{i}": 3 + i % 3 for i in range(6)}
    responses = [
        ResponseData(1, "stp", "citizen", "online", varied, seconds=300, cell_order=1),
        ResponseData(2, "stp", "citizen", "online", dict(varied), seconds=300, cell_order=2),
        ResponseData(3, "stp", "citizen", "online", same, seconds=5, cell_order=3),
        ResponseData(4, "sxd", "citizen", "paper", {"q0": 4}, cell_order=1),
    ]
    flags = indices.flags(six, responses, {("stp", "citizen", "online"): 2})
    assert flags == {
        2: [Flag.DUPLICATE],
        3: [Flag.STRAIGHT_LINING, Flag.OUT_OF_QUOTA, Flag.TOO_FAST],
        4: [Flag.OUT_OF_QUOTA],
    }
