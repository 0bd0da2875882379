"""Small frameworks to test with, built as canonical dicts."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

from chiso.frameworks.yamlio import load_yaml

DATA = Path(__file__).resolve().parents[2] / "chiso" / "data" / "frameworks"
SAMPLE = DATA / "so-ban-nganh-2023.yaml"


def sample() -> dict[str, Any]:
    """The shipped 2023 framework for provincial departments, as read from YAML."""
    return load_yaml(SAMPLE.read_text(encoding="utf-8"))


def tiny(**changes: Any) -> dict[str, Any]:
    """A valid two-field framework of 10 points."""
    data: dict[str, Any] = {
        "code": "thu-nghiem",
        "year": 2024,
        "version": 1,
        "title": "Bộ chỉ số thử nghiệm năm 2024",
        "blocks": ["so-ban-nganh"],
        "total_points": Decimal(10),
        "classification": [{"label": "Tốt", "gte": Decimal(80)}, {"label": "Chưa tốt"}],
        "nodes": [
            {
                "code": "1",
                "title": "Chỉ đạo, điều hành",
                "max_points": Decimal(4),
                "children": [
                    {
                        "code": "1.1",
                        "title": "Kế hoạch CCHC",
                        "max_points": Decimal(1),
                        "rule": {"type": "yes_no"},
                    },
                    {
                        "code": "1.2",
                        "title": "Hồ sơ đúng hạn",
                        "max_points": Decimal(3),
                        "rule": {
                            "type": "metric",
                            "metric": "dossier.on_time_rate",
                            "bands": [
                                {"gte": Decimal(98), "points": Decimal(3)},
                                {"gte": Decimal(95), "points": Decimal("1.5")},
                                {"points": Decimal(0)},
                            ],
                        },
                    },
                ],
            },
            {
                "code": "2",
                "title": "Hài lòng",
                "max_points": Decimal(6),
                "children": [
                    {
                        "code": "2.1",
                        "title": "SIPAS",
                        "max_points": Decimal(6),
                        "rule": {"type": "survey", "survey": "sipas"},
                    }
                ],
            },
        ],
    }
    data.update(copy.deepcopy(changes))
    return data
