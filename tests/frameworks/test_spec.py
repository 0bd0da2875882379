"""Parsing and validating the canonical framework dict (no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chiso.engine.model import ManualRule, MetricRule, RatioRule, SurveyRule, TieredRule, YesNoRule
from chiso.engine.problems import ProblemsError
from chiso.engine.spec import dump_framework, fact_names, iter_nodes, parse_framework
from chiso.frameworks.facts import KNOWN_FACTS
from tests.frameworks.helpers import sample, tiny


def problems(data: dict, **kwargs) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        parse_framework(data, **kwargs)
    return caught.value.texts("vi")


def test_a_valid_framework_parses_into_engine_dataclasses() -> None:
    fw = parse_framework(tiny())
    assert fw.code == "thu-nghiem" and fw.total_points == Decimal(10)
    assert isinstance(fw.nodes[0].children[0].rule, YesNoRule)
    rule = fw.nodes[0].children[1].rule
    assert isinstance(rule, MetricRule) and rule.bands[1].points == Decimal("1.5")
    assert fw.tie_break == ("final", "base") and fw.rounding.points == 2


def test_dump_then_parse_gives_the_same_framework() -> None:
    fw = parse_framework(sample())
    assert parse_framework(dump_framework(fw)) == fw
    assert dump_framework(parse_framework(dump_framework(fw))) == dump_framework(fw)


def test_dump_omits_rule_defaults_and_keeps_decimals() -> None:
    out = dump_framework(parse_framework(tiny()))
    assert out["nodes"][0]["children"][0]["rule"] == {"type": "yes_no"}
    assert out["nodes"][1]["children"][0]["rule"] == {"type": "survey", "survey": "sipas"}
    assert isinstance(out["total_points"], Decimal)
    assert list(out)[:4] == ["code", "year", "version", "title"]


def test_every_problem_of_a_broken_file_is_listed_at_once() -> None:
    data = tiny()
    field1 = data["nodes"][0]
    field1["children"][0]["max_points"] = "một"  # not a number
    field1["children"][1]["rule"]["bands"] = [
        {"gte": Decimal(90), "points": Decimal(1)},
        {"gte": Decimal(95), "points": Decimal(5)},
    ]
    data["nodes"][1]["children"].append(
        {"code": "2.1", "title": "Trùng mã", "max_points": Decimal(2), "rule": {"type": "magic"}}
    )
    data["nodes"][1]["children"].append({"code": "2.3", "title": "Thiếu quy tắc", "max_points": 1})
    data["tie_break"] = ["final", "node:9.9", "speed"]
    data["classification"] = [
        {"label": "Tốt", "gte": 70},
        {"label": "Khá", "gte": 80},
        {"label": "Yếu"},
    ]
    data["rounding"] = {"points": 9}
    data["leaders"] = {"deputy_assigned_weight": Decimal("1.5")}
    data["adjustments"] = {
        "bonus_cap": -1,
        "items": [
            {"code": "T1", "kind": "gift", "title": "x", "points_each": 1, "max": 1},
            {"code": "T1", "kind": "bonus", "title": "y", "points_each": 1, "max": 1},
        ],
    }
    texts = problems(data)
    expected = [
        '1.1 › max_points: Điểm tối đa phải là một số (đang ghi "một")',
        "1.2 › rule.bands[2].points: điểm 5 nằm ngoài khoảng [0; 3]",
        '1.2 › rule.bands: bậc cuối cùng phải là bậc "còn lại" (không có gte/lte), nếu không sẽ '
        "có giá trị không thuộc bậc nào",
        "1.2 › rule.bands[2].gte: các ngưỡng ≥ phải giảm dần: 95 không nhỏ hơn 90 của bậc trước",
        "2.1: mã tiêu chí 2.1 bị trùng (đã dùng ở nodes[2].children[1])",
        '2.1 › rule.type: loại quy tắc "magic" không hợp lệ; dùng một trong: manual, yes_no, '
        "tiered, ratio, survey, metric",
        "2.3 › rule: tiêu chí không có tiêu chí con thì phải có quy tắc chấm điểm (rule)",
        "2 › children: điểm tối đa của các tiêu chí con cộng lại là 9, vượt 3 so với điểm tối đa "
        "6 của tiêu chí này",
        'tie_break[2]: không có tiêu chí mã "9.9" cho khóa xếp hạng node:9.9',
        'tie_break[3]: khóa xếp hạng "speed" không hợp lệ; dùng final, base, bonus, penalty, '
        "survey, name hoặc node:<mã>",
        "classification[2].gte: ngưỡng xếp loại phải giảm dần: 80 không nhỏ hơn 70 của loại trước",
        "rounding.points: số chữ số thập phân phải là số nguyên từ 0 đến 4 (đang ghi 9)",
        "leaders.deputy_assigned_weight: trọng số phải nằm trong khoảng [0; 1] (đang là 1,5)",
        "adjustments.bonus_cap: mức trần không được âm (đang là -1)",
        'adjustments.items[1].kind: loại "gift" không hợp lệ; dùng bonus (điểm thưởng) hoặc '
        "penalty (điểm trừ)",
        'adjustments.items[2].code: mã điểm thưởng/trừ "T1" bị trùng',
    ]
    for text in expected:
        assert text in texts, text
    assert len(texts) >= len(expected)


def test_problems_are_also_in_english() -> None:
    data = tiny()
    data["nodes"][0]["max_points"] = Decimal(5)
    with pytest.raises(ProblemsError) as caught:
        parse_framework(data)
    assert caught.value.texts("en") == [
        "1 › children: the max points of the children add up to 4, 1 short of this node's max "
        "points 5",
        "total_points: the max points of the fields add up to 11, 1 more than the framework's "
        "total points 10",
    ]
    assert caught.value.texts("vi")[1] == (
        "total_points: điểm tối đa của các lĩnh vực cộng lại là 11, vượt 1 so với tổng điểm "
        "10 của bộ chỉ số"
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {
                "type": "tiered",
                "bands": [{"lte": 5, "points": 1}, {"gte": 9, "points": 0}, {"points": 0}],
            },
            "không được trộn bậc ≥ (gte) và bậc ≤ (lte) trong cùng một quy tắc",
        ),
        (
            {
                "type": "tiered",
                "bands": [{"lte": 5, "points": 1}, {"lte": 5, "points": 0}, {"points": 0}],
            },
            "các ngưỡng ≤ phải tăng dần: 5 không lớn hơn 5 của bậc trước",
        ),
        (
            {"type": "tiered", "bands": [{"points": 1}, {"lte": 5, "points": 0}]},
            'bậc "còn lại" (không có gte/lte) phải đứng cuối cùng',
        ),
        ({"type": "manual", "levels": [1, 2]}, "mức điểm 2 nằm ngoài khoảng [0; 1]"),
        ({"type": "ratio", "threshold": 0}, "ngưỡng phải lớn hơn 0 (đang là 0)"),
        ({"type": "survey"}, "chưa có tên khảo sát"),
        ({"type": "metric"}, "chưa có tên chỉ số dữ liệu"),
        (
            {
                "type": "metric",
                "metric": "dossier.on_time_rate",
                "threshold": 90,
                "bands": [{"points": 1}],
            },
            "chỉ dùng bands (bậc) hoặc threshold (ngưỡng), không dùng cả hai",
        ),
        ({"type": "yes_no", "no_points": 2}, "điểm 2 nằm ngoài khoảng [0; 1]"),
    ],
)
def test_rule_problems(rule: dict, message: str) -> None:
    data = tiny()
    data["nodes"][0]["children"][0]["rule"] = rule
    assert any(t.endswith(message) for t in problems(data)), problems(data)


def test_an_inner_node_must_not_have_a_rule_and_points_must_be_positive() -> None:
    data = tiny()
    data["nodes"][0]["rule"] = {"type": "manual"}
    data["nodes"][1]["children"][0]["max_points"] = 0
    texts = problems(data)
    assert (
        "1 › rule: tiêu chí có tiêu chí con không được có quy tắc chấm điểm; điểm được cộng từ các tiêu chí con"
        in texts
    )
    assert "2.1 › max_points: Điểm tối đa phải lớn hơn 0 (đang là 0)" in texts


def test_unknown_facts_are_reported_only_with_a_catalogue() -> None:
    data = tiny()
    data["nodes"][0]["children"][1]["rule"]["metric"] = "dossier.ontime_rate"
    parse_framework(data)  # no catalogue: any well-formed name is accepted
    assert problems(data, known_facts=KNOWN_FACTS) == [
        '1.2 › rule.metric: dữ liệu "dossier.ontime_rate" không có trong danh mục dữ liệu đã biết'
    ]


def test_unknown_keys_and_wrong_types_are_named() -> None:
    data = tiny(colour="blue")
    data["nodes"][0]["children"][0]["evidence"] = {"required": "maybe"}
    texts = problems(data)
    assert texts[0] == 'colour: trường "colour" không được hỗ trợ'
    assert "1.1 › evidence.required: Yêu cầu minh chứng phải là true hoặc false" in texts


def test_the_sample_uses_every_rule_type_and_known_facts_only() -> None:
    fw = parse_framework(sample(), known_facts=KNOWN_FACTS)
    kinds = {type(n.rule) for n in iter_nodes(fw.nodes) if n.rule is not None}
    assert kinds == {TieredRule, ManualRule, RatioRule, SurveyRule, MetricRule}
    assert {"dossier.on_time_rate", "service_index.766", "survey.sipas"} <= fact_names(fw)


def test_a_band_threshold_that_is_not_a_number_is_reported_not_a_crash() -> None:
    data = sample()
    data["nodes"][0]["children"][1]["rule"]["bands"][1]["gte"] = "NaN"
    assert problems(data) == ['1.2 › rule.bands[2].gte: Ngưỡng ≥ phải là một số (đang ghi "NaN")']


def test_rounding_cannot_ask_for_more_places_than_results_keep() -> None:
    data = sample()
    data["rounding"] = {"points": 5, "percent": 3}
    assert problems(data) == [
        "rounding.points: số chữ số thập phân phải là số nguyên từ 0 đến 4 (đang ghi 5)",
        "rounding.percent: số chữ số thập phân phải là số nguyên từ 0 đến 2 (đang ghi 3)",
    ]
