"""The XLSX result table, re-read with openpyxl, says exactly what the stored results say."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

from chiso.reports.xlsx import result_table_xlsx
from chiso.results.models import AgencyScore, ResultSet


def two(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def workbook(year: int = 2023, block: str = "so-ban-nganh") -> Any:
    result_set = ResultSet.objects.get(year=year, block__code=block)
    return load_workbook(BytesIO(result_table_xlsx(result_set)))


def test_every_agencys_numbers_equal_the_stored_scores(demo: None) -> None:
    for block in ("so-ban-nganh", "huyen"):
        ws = workbook(block=block)["Kết quả"]
        fields = [c.value for c in ws[6] if c.value]
        stored = AgencyScore.objects.filter(result_set__year=2023, result_set__block__code=block)
        rows = [r for r in ws.iter_rows(min_row=7, values_only=True) if r[0] is not None]
        assert len(rows) == stored.count() and len(fields) == 8
        for row in rows:
            score = stored.get(agency__name=row[1])
            points = [two(n["points"]) for n in score.nodes if n["depth"] == 0]
            assert [two(v) for v in row[2 : 2 + len(fields)]] == points
            total, bonus, penalty, final, classification, rank = row[2 + len(fields) :]
            assert two(total) == two(score.base_points)
            assert (two(bonus), two(penalty)) == (score.bonus, score.penalty)
            assert (two(final), classification, rank) == (
                score.final,
                score.classification,
                score.rank,
            )


def test_titles_and_merged_two_row_headers(demo: None) -> None:
    ws = workbook()["Kết quả"]
    assert ws["A1"].value == "UBND TỈNH PHÚ YÊN"
    assert ws["A2"].value == (
        "KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 — KHỐI SỞ, BAN, NGÀNH"
    )
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A6", "B5:B6", "C5:J5", "K5:K6", "L5:L6", "M5:M6", "N5:N6", "O5:O6", "P5:P6"} <= (
        merged
    )
    heads = [ws.cell(row=5, column=c).value for c in (1, 2, 3, 11, 12, 13, 14, 15, 16)]
    assert heads == [
        "STT",
        "Cơ quan/đơn vị",
        "Điểm các lĩnh vực",
        "Tổng điểm (tối đa 100 điểm)",
        "Điểm thưởng",
        "Điểm trừ",
        "Chỉ số CCHC (%)",
        "Xếp loại",
        "Xếp hạng",
    ]
    assert ws["C6"].value == "Lĩnh vực 1 (tối đa 12 điểm)"
    assert ws["C7"].font.name == "Times New Roman" and ws["A5"].font.name == "Times New Roman"
    assert ws["N7"].number_format == "0.00" and isinstance(ws["N7"].value, float)


def test_print_setup_and_frozen_panes(demo: None) -> None:
    ws = workbook()["Kết quả"]
    assert ws.freeze_panes == "C7"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$5:$6"


def test_criteria_sheet_and_notes(demo: None) -> None:
    wb = workbook()
    assert wb.sheetnames == ["Kết quả", "Điểm tiêu chí", "Người đứng đầu, cấp phó", "Ghi chú"]
    criteria = wb["Điểm tiêu chí"]
    agencies = [c.value for c in criteria[1][3:]]
    stp = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    column = agencies.index(stp.agency.name) + 4
    for row in criteria.iter_rows(min_row=2):
        node = stp.node(row[0].value)
        assert node is not None
        assert two(criteria.cell(row=row[0].row, column=column).value) == two(node["points"])
    notes = "\n".join(str(c.value) for row in wb["Ghi chú"].iter_rows() for c in row)
    assert "Bộ chỉ số CCHC của các sở, ban, ngành năm 2023" in notes
    assert "Đã công bố" in notes and "28/12/2023" in notes
    assert "chiso" in notes and "giải thích" in notes
