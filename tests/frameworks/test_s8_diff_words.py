"""The framework diff in words (review s8 §8).

so-ban-nganh 2022 → 2023 inserted a new 3.4: the diff used to list four renames of 3.4–3.7
("Sửa 3.4: tên … → …") and three "new" criteria, and wrote settings as keys and JSON
("[“final”, “base”]", "{deputy_assigned_weight: 0,6}", "{allowed: có}"); the framework list
showed block codes (``so-ban-nganh``) instead of names.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chiso.frameworks import actions
from chiso.frameworks.diff import diff_frameworks
from chiso.frameworks.models import Framework
from chiso.frameworks.yamlio import load_yaml
from chiso.org.models import Block
from tests.conftest import PASSWORD
from tests.frameworks.helpers import DATA, tiny

RAW = re.compile(r"[{}\[\]]|deputy_assigned_weight|allowed:|“final”|half_up")


def data_file(year: int) -> dict[str, Any]:
    return load_yaml((DATA / f"so-ban-nganh-{year}.yaml").read_text(encoding="utf-8"))


def texts(lang: str = "vi") -> list[str]:
    return [c.text(lang) for c in diff_frameworks(data_file(2022), data_file(2023))]


def test_an_inserted_criterion_renumbers_the_next_ones_instead_of_renaming_them() -> None:
    lines = texts()
    assert (
        "Thêm 3.4 “Tỷ lệ hồ sơ trễ hạn có văn bản xin lỗi và hẹn lại thời gian trả kết quả” (1 điểm)"
        in lines
    )
    # 2022's 3.7 (satisfaction) is 2023's 3.10, with one point less.
    assert "Sửa 3.7 → 3.10 (đánh số lại): điểm tối đa 7 → 6" in lines
    assert any(line.startswith("Sửa 3.4 → 3.5 (đánh số lại): quy tắc") for line in lines)
    assert not any(line.startswith("Sửa 3.4: tên") for line in lines)
    assert not any("Thêm 3.10" in line for line in lines)
    # Field 8: the new 8.2 (service index) pushes the old 8.2 to 8.3.
    assert "Sửa 8.2 → 8.3 (đánh số lại): điểm tối đa 8 → 6" in lines


def test_settings_are_written_in_words() -> None:
    lines = texts()
    assert (
        "Tiêu chí phụ khi bằng điểm: chỉ số, điểm trước cộng trừ → "
        "chỉ số, điểm trước cộng trừ, điểm khảo sát"
    ) in lines
    assert "Trọng số lĩnh vực phụ trách của cấp phó: 60% → 70%" in lines
    english = texts("en")
    assert "Deputy's weight on assigned fields: 60% → 70%" in english
    assert not [line for line in lines + english if RAW.search(line)]


def test_a_renumbering_alone_reads_as_one_and_node_settings_in_words() -> None:
    old = tiny()
    new = tiny(
        version=2,
        total_points=Decimal(11),
        rounding={"points": 2, "percent": 2, "mode": "half_even"},
    )
    new["nodes"][0]["max_points"] = Decimal(5)
    new["nodes"][0]["children"].insert(
        0,
        {
            "code": "1.1",
            "title": "Tuyên truyền CCHC",
            "max_points": Decimal(1),
            "rule": {"type": "yes_no"},
        },
    )
    renumbered = new["nodes"][0]["children"]
    renumbered[1]["code"], renumbered[2]["code"] = "1.2", "1.3"
    renumbered[1]["not_applicable"] = {"allowed": True}
    changes = diff_frameworks(old, new)
    lines = [c.text("vi") for c in changes]
    assert lines[1] == "Tổng điểm: 10 → 11"
    assert lines[2] == (
        "Làm tròn: điểm 2 chữ số thập phân, tỷ lệ 2 chữ số thập phân, làm tròn lên từ 5 → "
        "điểm 2 chữ số thập phân, tỷ lệ 2 chữ số thập phân, làm tròn về số chẵn"
    )
    assert lines[3:] == [
        "Sửa 1: điểm tối đa 4 → 5",
        "Thêm 1.1 “Tuyên truyền CCHC” (1 điểm)",
        "Sửa 1.1 → 1.2 (đánh số lại): không đánh giá: không cho phép → cho phép",
        "1.2 → 1.3 (đánh số lại) “Hồ sơ đúng hạn”",
    ]
    only_renumbered = next(c for c in changes if c.kind == "renumbered")
    assert (only_renumbered.before_key, only_renumbered.key) == ("1.2", "1.3")
    assert only_renumbered.text("en") == "1.2 → 1.3 (renumbered) “Hồ sơ đúng hạn”"


@pytest.fixture
def versions(world: Any) -> tuple[Framework, Framework]:
    for year in (2022, 2023):
        Block.objects.create(code="so-ban-nganh", year=year, name="Khối sở, ban, ngành")
        Block.objects.create(code="huyen", year=year, name="Khối UBND cấp huyện")
    older = actions.import_framework(data_file(2022), actor=None)
    newer_data = data_file(2023)
    newer_data["blocks"] = ["so-ban-nganh", "huyen"]
    return older, actions.import_framework(newer_data, actor=None)


def client_for(name: str) -> Client:
    client = Client()
    assert client.login(username=name, password=PASSWORD)
    return client


def visible_text(page: bytes) -> str:
    text = re.sub(r"<[^>]+>", " ", page.decode())
    return " ".join(html.unescape(text).split())


def test_the_diff_page_shows_renumbering_settings_and_blocks_in_words(
    versions: tuple[Framework, Framework],
) -> None:
    older, newer = versions
    response = client_for("hanh").get(reverse("frameworks:diff"), {"a": older.pk, "b": newer.pk})
    text = visible_text(response.content)
    assert "Sửa 3.7 → 3.10 (đánh số lại): điểm tối đa 7 → 6" in text
    assert "Khối áp dụng: Khối sở, ban, ngành → Khối sở, ban, ngành, Khối UBND cấp huyện" in text
    assert "Trọng số lĩnh vực phụ trách của cấp phó: 60% → 70%" in text
    assert "deputy_assigned_weight" not in text and "“survey”" not in text


def test_the_list_filters_and_shows_blocks_by_name(versions: tuple[Framework, Framework]) -> None:
    page = client_for("tuan").get(reverse("frameworks:list")).content.decode()
    assert '<option value="huyen">Khối UBND cấp huyện</option>' in page
    assert '<option value="so-ban-nganh">Khối sở, ban, ngành</option>' in page
    assert "<td>Khối sở, ban, ngành, Khối UBND cấp huyện</td>" in page
    assert "<td>so-ban-nganh</td>" not in page


def test_the_framework_page_writes_its_settings_in_words(
    versions: tuple[Framework, Framework],
) -> None:
    _older, newer = versions
    text = visible_text(
        client_for("tuan").get(reverse("frameworks:detail", args=[newer.pk])).content
    )
    assert "chỉ số, điểm trước cộng trừ, điểm khảo sát" in text
    assert "70%" in text
    assert "điểm 2 chữ số thập phân, tỷ lệ 2 chữ số thập phân, làm tròn lên từ 5" in text
    assert "Khối sở, ban, ngành, Khối UBND cấp huyện" in text
    assert "final, base" not in text and "half_up" not in text


def test_a_criterion_moved_out_of_a_removed_field_reads_as_a_move_by_name() -> None:
    """Field 1 is removed, field 2 becomes 1 and takes criterion 1.2: the new field reuses the
    removed one's code, so the move is named by code and title, not as "1 → 1"."""
    old, new = tiny(), tiny(version=2)
    first, second = new["nodes"]
    moved = first["children"][1]
    second["code"] = "1"
    for n, child in enumerate(second["children"], start=1):
        child["code"] = f"1.{n}"
    moved["code"] = f"1.{len(second['children']) + 1}"
    second["children"].append(moved)
    new["nodes"] = [second]
    new["total_points"] = second["max_points"] = sum(c["max_points"] for c in second["children"])
    lines = [c.text("vi") for c in diff_frameworks(old, new)]
    assert "Sửa 1.2: thuộc 1 Chỉ đạo, điều hành → 1 Hài lòng" in lines
    assert "2.1 → 1.1 (đánh số lại) “SIPAS”" in lines
