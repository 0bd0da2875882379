"""The self-assessment form asks for what the item's rule needs: points for items scored by
hand, the measured value (a rate, a number of days) for tiered and ratio items, with the points
the engine gives shown beside it once saved."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chiso.assessments.actions import open_round
from chiso.assessments.models import Assessment
from chiso.frameworks.actions import import_framework, publish_framework
from tests.assessments.conftest import block, deadlines, tiny_framework  # noqa: F401 - fixture
from tests.conftest import PASSWORD

D = Decimal
HTMX = {"HX-Request": "true"}


@pytest.fixture
def assessment(world: Any, block: Any) -> Assessment:  # noqa: F811
    spec = copy.deepcopy(tiny_framework())
    field_2 = spec["nodes"][1]
    # 2.1 becomes "days late" by tiers (like 1.1 of the 2023 framework), plus a ratio item.
    field_2["max_points"] = D(4)
    field_2["children"] = [
        {
            "code": "2.1",
            "title": "Ban hành kế hoạch đúng hạn",
            "max_points": D(2),
            "rule": {
                "type": "tiered",
                "unit": "ngày",
                "bands": [
                    {"lte": D(0), "points": D(2)},
                    {"lte": D(15), "points": D(1)},
                    {"points": D(0)},
                ],
            },
        },
        {
            "code": "2.2",
            "title": "Tỷ lệ hoàn thành kế hoạch đào tạo",
            "max_points": D(2),
            "rule": {"type": "ratio"},
        },
    ]
    spec["total_points"] = D(12)
    framework = publish_framework(import_framework(spec, actor=world.tuan), actor=world.tuan)
    rnd = open_round(block, framework, deadlines(), actor=world.tuan)
    return Assessment.objects.get(round=rnd, agency=world.stp)


def label_of(html: str, code: str, assessment: Assessment) -> str:
    entry = assessment.entries.get(code=code)
    match = re.search(rf'<label class="form-label" for="v-{entry.pk}">([^<]*)</label>', html)
    assert match, f"no value box for {code}"
    return match.group(1)


def lan(world: Any) -> Client:
    client = Client()
    client.login(username=world.lan.username, password=PASSWORD)
    return client


def test_tiered_and_ratio_items_ask_for_the_value_manual_items_for_points(
    world: Any, assessment: Assessment
) -> None:
    html = lan(world).get(reverse("assessments:assessment", args=[assessment.pk])).content.decode()
    assert label_of(html, "1.2", assessment) == "Điểm (từ 0 đến 3)"
    assert label_of(html, "2.1", assessment) == "Số ngày"
    assert label_of(html, "2.2", assessment) == "Giá trị (%)"
    assert not label_of(html, "2.1", assessment).startswith("Điểm")


def test_after_saving_the_value_the_points_it_gives_are_shown(
    world: Any, assessment: Assessment
) -> None:
    entry = assessment.entries.get(code="2.2")
    url = reverse("assessments:item", args=[assessment.pk, "2.2"])
    data = {"expected_version": entry.version, "value": "79,5", "justification": "Đã đào tạo"}
    html = lan(world).post(url, data, headers=HTMX).content.decode()
    box = html.split(f'id="vp-{entry.pk}"')[1].split("</span>")[0]
    # 2 × min(1; 79,5 / 100) = 1,59 points.
    assert "→ 1,59 điểm theo quy tắc" in box
    assert 'value="79,5"' in html
