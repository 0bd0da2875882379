"""Comparing two versions, and rules in words."""

from __future__ import annotations

from decimal import Decimal

from chiso.frameworks.describe import describe_rule
from chiso.frameworks.diff import diff_frameworks
from tests.frameworks.helpers import tiny


def test_identical_frameworks_have_no_changes_even_when_defaults_are_spelt_out() -> None:
    explicit = tiny()
    explicit["nodes"][1]["children"][0]["rule"]["threshold"] = 100
    assert diff_frameworks(tiny(), explicit) == []


def test_changes_come_in_tree_order_with_removed_nodes_where_they_were() -> None:
    old = tiny()
    new = tiny(version=2, classification=[{"label": "Tốt", "gte": 85}, {"label": "Chưa tốt"}])
    field1 = new["nodes"][0]
    del field1["children"][0]  # 1.1 removed
    field1["children"][0]["max_points"] = Decimal(4)  # 1.2 takes its point
    field1["children"][0]["rule"]["bands"][0]["points"] = Decimal(4)
    new["nodes"][1]["children"][0]["evidence"] = {"required": True}
    new["nodes"][1]["children"].append(
        {"code": "2.2", "title": "Mới", "max_points": 0.5, "rule": {"type": "manual"}}
    )
    new["nodes"][1]["children"][0]["max_points"] = Decimal("5.5")
    changes = diff_frameworks(old, new)
    assert [(c.kind, c.scope, c.key) for c in changes] == [
        ("changed", "setting", "version"),
        ("changed", "setting", "classification"),
        ("removed", "node", "1.1"),
        ("changed", "node", "1.2"),
        ("changed", "node", "2.1"),
        ("added", "node", "2.2"),
    ]
    assert changes[1].text("vi") == "Xếp loại: Tốt ≥ 80; Chưa tốt → Tốt ≥ 85; Chưa tốt"
    assert changes[2].text("vi") == "Bỏ 1.1 “Kế hoạch CCHC” (1 điểm)"
    assert changes[3].fields == ("max_points", "rule")
    assert changes[4].text("en") == (
        "Changed 2.1: max points 6 → 5.5; evidence: not required → required"
    )
    assert changes[5].text("en") == "Added 2.2 “Mới” (0.5 points)"


def test_rules_in_plain_vietnamese_and_english() -> None:
    rule = {"type": "ratio", "source": "task.on_time_rate", "floor_below": 70}
    assert describe_rule(rule, Decimal(4)) == (
        "Tỷ lệ: điểm = 4 × giá trị / 100% (tối đa 4 điểm); dưới 70% → 0 điểm — nguồn: "
        "Tỷ lệ nhiệm vụ UBND tỉnh giao được hoàn thành đúng hạn"
    )
    assert describe_rule({"type": "manual", "levels": [1.5, 0.5, 0]}, 1.5, "en") == (
        "Entered directly: one of 1.5; 0.5; 0 points"
    )
    assert describe_rule({"type": "yes_no"}, 1) == "Có/Không: có → 1 điểm; không → 0 điểm"
