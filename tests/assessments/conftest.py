"""A tiny framework and an opened 2024 round of the block of Sở Nội vụ, Sở Tư pháp, Sở Xây dựng.

The framework (10 points, three fields) is small enough to score by hand in the tests:

- 1 (4): 1.1 yes/no (1); 1.2 manual (3), evidence required
- 2 (2): 2.1 manual (2), N/A only for district People's Committees (type ``huyen``)
- 3 (4): 3.1 manual (2) at levels 2, 1, 0; 3.2 the fact ``dossier.on_time_rate`` / 100 × 2
- bonus T1 (1 each, max 1), penalty D1 (0.5 each, max 1), caps 1 and 1
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from chiso.assessments.actions import open_round
from chiso.assessments.models import Deadline, Round
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.frameworks.models import Framework
from chiso.org.models import Block

D = Decimal
TODAY = datetime.date.today()


def tiny_framework() -> dict[str, Any]:
    def leaf(code: str, title: str, max_points: int, rule: dict[str, Any], **more: Any) -> Any:
        return {"code": code, "title": title, "max_points": D(max_points), "rule": rule, **more}

    return {
        "code": "vong-thu",
        "year": 2024,
        "version": 1,
        "title": "Bộ chỉ số thử nghiệm đợt đánh giá 2024",
        "blocks": ["so-ban-nganh"],
        "total_points": D(10),
        "classification": [
            {"label": "Tốt", "gte": D(80)},
            {"label": "Khá", "gte": D(65)},
            {"label": "Chưa tốt"},
        ],
        "adjustments": {
            "bonus_cap": D(1),
            "penalty_cap": D(1),
            "items": [
                {
                    "code": "T1",
                    "kind": "bonus",
                    "title": "Sáng kiến",
                    "points_each": D(1),
                    "max": D(1),
                    "evidence_required": True,
                },
                {
                    "code": "D1",
                    "kind": "penalty",
                    "title": "Bị phê bình",
                    "points_each": D("0.5"),
                    "max": D(1),
                },
            ],
        },
        "nodes": [
            {
                "code": "1",
                "title": "Công tác chỉ đạo, điều hành",
                "max_points": D(4),
                "children": [
                    leaf("1.1", "Kế hoạch CCHC năm", 1, {"type": "yes_no"}),
                    leaf("1.2", "Báo cáo CCHC", 3, {"type": "manual"}, evidence={"required": True}),
                ],
            },
            {
                "code": "2",
                "title": "Xây dựng thể chế",
                "max_points": D(2),
                "children": [
                    leaf(
                        "2.1",
                        "Văn bản QPPL",
                        2,
                        {"type": "manual"},
                        not_applicable={"allowed": True, "agency_types": ["huyen"]},
                    ),
                ],
            },
            {
                "code": "3",
                "title": "Cải cách thủ tục hành chính",
                "max_points": D(4),
                "children": [
                    leaf(
                        "3.1", "Rà soát TTHC", 2, {"type": "manual", "levels": [D(2), D(1), D(0)]}
                    ),
                    leaf(
                        "3.2",
                        "Hồ sơ đúng hạn",
                        2,
                        {"type": "metric", "metric": "dossier.on_time_rate"},
                    ),
                ],
            },
        ],
    }


def deadlines(**changes: datetime.date) -> dict[str, datetime.date]:
    """Every deadline a week or more from today, unless changed."""
    out = {d.value: TODAY + datetime.timedelta(days=7 * (i + 1)) for i, d in enumerate(Deadline)}
    out.update(changes)
    return out


@pytest.fixture
def framework(world: Any) -> Framework:
    fw = import_framework(tiny_framework(), actor=world.tuan)
    return publish_framework(fw, actor=world.tuan)


@pytest.fixture
def block(world: Any) -> Block:
    block = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở, ban, ngành")
    block.agencies.set([world.snv, world.stp, world.sxd])
    return block


@pytest.fixture
def rnd(world: Any, framework: Framework, block: Block) -> Round:
    return open_round(block, framework, deadlines(), actor=world.tuan)
