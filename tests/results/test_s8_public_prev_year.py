"""The public ranking shows last year's index only for a block that has one, under a plain
header ("Chỉ số năm 2022 (%)"), never a column of dashes."""

from __future__ import annotations

import re

from django.test import Client

from chiso.results.models import ResultSet


def ranking(year: int, block: str) -> tuple[str, list[str]]:
    """The header and the rows of one block's public ranking table, as text."""
    html = Client().get(f"/cong-khai/{year}/").content.decode()
    section = html.split(f'id="block-{block}"', 1)[1].split("</section>", 1)[0]
    table = section.split("<caption>Bảng xếp hạng", 1)[1]

    def text(fragment: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())

    head = text(table.split("<thead>", 1)[1].split("</thead>", 1)[0])
    rows = [text(r) for r in table.split("<tbody>", 1)[1].split("<tr>")[1:]]
    return head, rows


def test_the_first_published_year_has_no_previous_year_column(demo: None) -> None:
    for block in ("so-ban-nganh", "huyen"):
        head, rows = ranking(2022, block)

        assert head == "Hạng Cơ quan, đơn vị Chỉ số (%) Xếp loại"
        assert "2021" not in head
        assert rows and not any(r.endswith("—") for r in rows)
    assert "1 Ban Quản lý Khu kinh tế 85,70 Tốt" in ranking(2022, "so-ban-nganh")[1][0]


def test_a_later_year_names_the_previous_year_column_plainly(demo: None) -> None:
    head, rows = ranking(2023, "huyen")

    assert head == "Hạng Cơ quan, đơn vị Chỉ số (%) Xếp loại Chỉ số năm 2022 (%)"
    assert "(Chỉ số (%))" not in head
    assert rows[0] == "1 UBND thành phố Tuy Hòa 88,62 Tốt 78,45"


def test_only_the_block_without_last_year_loses_the_column(demo: None) -> None:
    # Last year's district results are withdrawn from publication; the departments' stay.
    ResultSet.objects.filter(year=2022, block__code="huyen").update(
        status=ResultSet.Status.FINALISED
    )

    districts, district_rows = ranking(2023, "huyen")
    departments, _ = ranking(2023, "so-ban-nganh")

    assert "2022" not in districts and district_rows[0] == "1 UBND thành phố Tuy Hòa 88,62 Tốt"
    assert departments.endswith("Chỉ số năm 2022 (%)")
