"""Scorecard explanations an official can read (review s8 §9, §10, §11).

A small framework of 2024: field 1 (2 points: 1.1 days late, tiered, 1,5; 1.2 entered, 0,5)
and field 2 (8 points: 2.1 the SIPAS part "dịch vụ số", 8). Field 1's criteria add up to
2.0, which the explanations used to write "/ 2,0 × 100" next to "/ 8 × 100"; the SIPAS part
was written "Chỉ số hài lòng … (SIPAS).dich_vu_so"; the days-late band read "0 ≤ 0" without
saying what 0 is; and the public scorecard gave the deputies' scores without their rule.
"""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from chiso.engine import AgencyInput, LeaderInput
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.org.models import Block
from chiso.results.actions import compute_result_set, finalise_result_set, publish_result_set
from tests.conftest import PASSWORD

D = Decimal
SCORECARD = "/results/2024/so-ban-nganh/stp/"


def framework_2024() -> dict[str, Any]:
    return {
        "code": "giai-thich",
        "year": 2024,
        "version": 1,
        "title": "Bộ chỉ số thử giải thích 2024",
        "blocks": ["so-ban-nganh"],
        "total_points": D(10),
        "classification": [{"label": "Tốt", "gte": D(80)}, {"label": "Chưa tốt"}],
        "leaders": {"deputy_assigned_weight": D("0.6")},
        "nodes": [
            {
                "code": "1",
                "title": "Chỉ đạo, điều hành",
                "max_points": D(2),
                "children": [
                    {
                        "code": "1.1",
                        "title": "Ban hành kế hoạch CCHC đúng thời hạn",
                        "max_points": D("1.5"),
                        "rule": {
                            "type": "tiered",
                            "unit": "ngày",
                            "bands": [
                                {"lte": D(0), "points": D("1.5")},
                                {"lte": D(15), "points": D("0.5")},
                                {"points": D(0)},
                            ],
                        },
                    },
                    {
                        "code": "1.2",
                        "title": "Báo cáo CCHC",
                        "max_points": D("0.5"),
                        "rule": {"type": "manual"},
                    },
                ],
            },
            {
                "code": "2",
                "title": "Hài lòng",
                "max_points": D(8),
                "children": [
                    {
                        "code": "2.1",
                        "title": "Thuận tiện của dịch vụ số",
                        "max_points": D(8),
                        "rule": {"type": "survey", "survey": "sipas.dich_vu_so"},
                    }
                ],
            },
        ],
    }


@pytest.fixture
def scored(world: Any) -> Any:
    framework = import_framework(framework_2024(), actor=world.tuan)
    publish_framework(framework, actor=world.tuan)
    block = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở, ban, ngành")
    block.agencies.add(world.stp)
    stp = AgencyInput(
        "stp",
        values={"1.1": D(0), "1.2": D("0.5")},
        facts={"survey.sipas": D("85.5"), "survey.sipas.dich_vu_so": D("87.16")},
        leaders=(
            LeaderInput("giam-doc", "Nguyễn Văn Giám", "head"),
            LeaderInput("pho-1", "Trần Thị Phó", "deputy", ("1",)),
        ),
    )
    return compute_result_set(block, framework, [stp], actor=world.tuan, source="import")


def page(world: Any, url: str, persona: str | None = "tuan", lang: str = "vi") -> str:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    if persona:
        assert client.login(username=persona, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_sipas_part_is_named_by_its_label_on_the_scorecard(world: Any, scored: Any) -> None:
    html = page(world, SCORECARD)
    # The label of the "Số liệu được sử dụng" table, not "… (SIPAS).dich_vu_so".
    assert "Khảo sát: SIPAS: mức độ thuận tiện của dịch vụ số = 87,16" in html
    assert ").dich_vu_so" not in html


def test_the_days_late_band_says_what_was_compared(world: Any, scored: Any) -> None:
    assert "Theo mức: số ngày 0 ≤ 0 → 1,50 điểm" in page(world, SCORECARD)
    english = page(world, SCORECARD, lang="en")
    assert "Tiered: number of days 0 ≤ 0 → 1.50 points" in english


def test_sums_are_written_like_the_framework_writes_its_maxima(world: Any, scored: Any) -> None:
    html = page(world, SCORECARD)
    # Field 1's criteria add up to 1,5 + 0,5 = 2,0: written "2" like field 2's "8".
    assert "1,50 + 0,50 = 2,00 điểm; 2,00 / 2 × 100 = 100,00%" in html
    assert "/ 8 × 100" in html
    # The deputy's explanation too, with the 2024 weight 0,6.
    assert "phụ trách 1: 2,00 / 2 × 100 = 100,00%; 0,6 × 100,00 + 0,4 × " in html
    assert "/ 2,0 × 100" not in html


def test_the_pdf_scorecard_uses_the_same_words(world: Any, scored: Any, tmp_path: Path) -> None:
    client = Client()
    assert client.login(username="tuan", password=PASSWORD)
    response = client.get("/reports/2024/so-ban-nganh/stp.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "stp.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    flat = " ".join(text.split())  # lines wrap in table cells
    assert "SIPAS: mức độ thuận tiện của dịch vụ số = 87,16" in flat
    assert ".dich_vu_so" not in flat
    assert "số ngày 0 ≤ 0 → 1,50 điểm" in flat
    assert "2,00 / 2 × 100" in flat and "/ 2,0 ×" not in flat


@pytest.fixture
def published(world: Any, scored: Any) -> Any:
    finalise_result_set(scored, actor=world.tuan)
    publish_result_set(scored, actor=world.tuan)
    return scored


PUBLIC = "/cong-khai/2024/so-ban-nganh/stp/"


def test_the_public_scorecard_states_the_deputies_rule(world: Any, published: Any) -> None:
    html = page(world, PUBLIC, persona=None)
    assert "Trần Thị Phó" in html
    assert (
        "Điểm người đứng đầu là chỉ số của cơ quan; điểm cấp phó = 0,6 × chỉ số các lĩnh vực "
        "phụ trách + 0,4 × chỉ số của cơ quan."
    ) in html


def test_the_public_scorecard_states_the_deputies_rule_in_english(
    world: Any, published: Any
) -> None:
    html = page(world, PUBLIC, persona=None, lang="en")
    assert (
        "The head&#x27;s score is the agency&#x27;s index; a deputy&#x27;s score = 0.6 × the "
        "index of the assigned fields + 0.4 × the agency&#x27;s index."
    ) in html
