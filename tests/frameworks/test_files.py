"""YAML and Excel files: exact round trips, readable errors, and the frameworks chiso ships."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chiso.engine.problems import ProblemsError
from chiso.engine.spec import dump_framework, iter_nodes, parse_framework
from chiso.frameworks.facts import KNOWN_FACTS
from chiso.frameworks.xlsxio import load_xlsx, read_xlsx, write_xlsx
from chiso.frameworks.yamlio import dump_yaml, load_yaml
from tests.frameworks.helpers import DATA, SAMPLE, sample, tiny

SHIPPED = sorted(DATA.glob("*.yaml"))


def test_yaml_numbers_are_decimals_read_from_their_text() -> None:
    data = load_yaml("a: 0.1\nb: 3\nc: 1.50\nd: '2.5'\n")
    assert data == {"a": Decimal("0.1"), "b": 3, "c": Decimal("1.50"), "d": "2.5"}
    assert isinstance(data["a"], Decimal)


def test_yaml_writes_decimals_as_plain_numbers_and_vietnamese_unescaped() -> None:
    text = dump_yaml({"title": "Cải cách hành chính", "x": Decimal("0.50"), "y": Decimal("1E+2")})
    assert text == "{title: Cải cách hành chính, x: 0.5, y: 100}\n"  # scalars only: one line


def test_yaml_syntax_errors_and_duplicate_keys_name_the_line() -> None:
    with pytest.raises(ProblemsError) as caught:
        load_yaml("code: a\ncode: b\n")
    assert caught.value.texts("vi") == ['Tệp YAML, dòng 2: khóa "code" bị lặp trong cùng một bảng']
    with pytest.raises(ProblemsError) as caught:
        load_yaml("nodes: [1, 2\n")
    assert caught.value.texts("en")[0].startswith("YAML file, line 2, column 1: syntax error")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_yaml_is_canonical_so_yaml_dict_yaml_is_byte_stable(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert dump_yaml(load_yaml(text)) == text
    assert dump_yaml(dump_framework(parse_framework(load_yaml(text)))) == text


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_yaml_to_xlsx_to_yaml_is_byte_identical(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    canonical = dump_framework(parse_framework(load_yaml(text)))
    back = read_xlsx(write_xlsx(canonical))
    assert back == canonical
    assert dump_yaml(back) == text


def test_dict_to_xlsx_to_dict_keeps_every_rule_form() -> None:
    data = tiny()
    children = data["nodes"][0]["children"]
    children[0]["rule"] = {"type": "yes_no", "no_points": Decimal("0.5")}
    children[0]["evidence"] = {"required": False, "hint": "Kế hoạch"}
    children[0]["not_applicable"] = {"allowed": True, "agency_types": ["so", "huyen"]}
    children[0]["guidance"] = "Dòng 1\nDòng 2"
    children[1]["rule"] = {
        "type": "ratio",
        "source": "task.on_time_rate",
        "unit": "điểm",
        "threshold": Decimal(70),
        "floor_below": Decimal(50),
        "floor_points": Decimal("0.5"),
    }
    data["nodes"][1]["children"][0]["rule"] = {
        "type": "survey",
        "survey": "lanh_dao.van_ban",
        "threshold": Decimal(90),
    }
    data["nodes"][1]["children"][0]["not_applicable"] = {"allowed": True}
    data["leaders"] = {
        "deputy_assigned_weight": Decimal("0.6"),
        "scale": [{"label": "Hoàn thành xuất sắc", "gte": Decimal("92.5")}, {"label": "Khác"}],
    }
    data["adjustments"] = {
        "bonus_cap": Decimal(2),
        "penalty_cap": Decimal(0),
        "items": [
            {
                "code": "T1",
                "kind": "bonus",
                "title": "=Sáng kiến",
                "points_each": Decimal("0.25"),
                "max": Decimal(1),
            }
        ],
    }
    canonical = dump_framework(parse_framework(data))
    assert read_xlsx(write_xlsx(canonical)) == canonical


def test_the_workbook_is_laid_out_for_officials() -> None:
    wb = load_workbook(io.BytesIO(write_xlsx(sample())))
    assert wb.sheetnames == ["Thông tin", "Tiêu chí", "Điểm thưởng, trừ"]
    ws = wb["Tiêu chí"]
    assert [c.value for c in ws[2]][:7] == [
        "Cấp",
        "Mã",
        "Mã cha",
        "Nội dung",
        "Điểm tối đa",
        "Loại quy tắc",
        "Tham số",
    ]
    assert ws["B2"].font.bold and ws["B2"].font.name == "Times New Roman"
    assert "A1:M1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.column_dimensions["D"].width == 60
    rows = {ws.cell(row=r, column=2).value: r for r in range(3, ws.max_row + 1)}
    assert ws.cell(row=rows["3.3"], column=7).value == "≥98:3; ≥95:2; ≥90:1; còn lại:0"
    assert ws.cell(row=rows["1.3"], column=7).value == "2; 1,5; 1; 0,5; 0"
    assert ws.cell(row=rows["3.3"], column=6).value == "Chỉ số tự động"
    assert ws.cell(row=rows["3.3"], column=3).value == "3"


def _edit(changes: dict[str, object]) -> bytes:
    wb = load_workbook(io.BytesIO(write_xlsx(sample())))
    for ref, value in changes.items():
        sheet, cell = ref.split("!")
        wb[sheet][cell] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_bad_cells_are_all_reported_with_sheet_row_and_column() -> None:
    # Row 3 is field 1, row 4 criterion 1.1, row 5 criterion 1.2 …
    data = _edit(
        {
            "Tiêu chí!E4": "một",
            "Tiêu chí!F5": "Đoán",
            "Tiêu chí!G4": "≥abc:1; còn lại:0",
            "Tiêu chí!J7": "chắc",
            "Tiêu chí!C8": "9",
            "Thông tin!B15": "Tốt ≥ 80",
            "Điểm thưởng, trừ!B3": "Quà",
        }
    )
    with pytest.raises(ProblemsError) as caught:
        read_xlsx(data)
    texts = caught.value.texts("vi")
    assert "Sheet 'Tiêu chí', dòng 4, cột E: cần một số, đang ghi \"một\"" in texts
    assert any(
        t.startswith("Sheet 'Tiêu chí', dòng 5, cột F: loại quy tắc \"Đoán\" không hợp lệ")
        for t in texts
    )
    assert (
        "Sheet 'Tiêu chí', dòng 4, cột G: không hiểu bậc \"≥abc:1\"; viết như: ≥98:3; ≥95:2; còn lại:0"
        in texts
    )
    assert 'Sheet \'Tiêu chí\', dòng 7, cột J: ghi "Có" hoặc để trống, đang ghi "chắc"' in texts
    assert "Sheet 'Tiêu chí', dòng 8, cột C: mã cha \"9\" chưa có ở các dòng phía trên" in texts
    assert (
        "Sheet 'Thông tin', dòng 15, cột B: không hiểu \"Tốt ≥ 80\"; viết như: Tốt: ≥80; Yếu: còn lại"
        in texts
    )
    assert (
        'Sheet \'Điểm thưởng, trừ\', dòng 3, cột B: loại "Quà" không hợp lệ; ghi "Thưởng" hoặc "Trừ"'
        in texts
    )
    assert (
        "Sheet 'Tiêu chí', row 4, column E: a number is needed, got \"một\""
        in caught.value.texts("en")
    )


def test_framework_problems_in_a_workbook_name_the_row() -> None:
    data = _edit({"Tiêu chí!E4": 2, "Tiêu chí!G5": "≥90:1; ≥95:2; còn lại:0"})
    with pytest.raises(ProblemsError) as caught:
        load_xlsx(data, known_facts=KNOWN_FACTS)
    texts = caught.value.texts("vi")
    assert (
        "Sheet 'Tiêu chí', dòng 5, cột G (1.2 › rule.bands[2].gte): các ngưỡng ≥ phải giảm dần: 95 không nhỏ hơn 90 của bậc trước"
        in texts
    )
    assert (
        "Sheet 'Tiêu chí', dòng 3, cột E (1 › children): điểm tối đa của các tiêu chí con cộng lại là 13, vượt 1 so với điểm tối đa 12 của tiêu chí này"
        in texts
    )


def test_something_that_is_not_a_workbook_is_refused() -> None:
    with pytest.raises(ProblemsError) as caught:
        read_xlsx(b"not a zip")
    assert caught.value.texts("vi")[0].startswith("Tệp không phải là bảng tính Excel (.xlsx)")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_frameworks_are_valid_and_add_up_to_100(path: Path) -> None:
    fw = parse_framework(load_yaml(path.read_text(encoding="utf-8")), known_facts=KNOWN_FACTS)
    assert fw.total_points == 100
    assert sum(n.max_points for n in fw.nodes) == 100
    assert path.name == f"{fw.code}-{fw.year}.yaml"
    assert [c.label for c in fw.classification] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]


def test_the_sample_framework_has_8_fields_and_40_criteria() -> None:
    fw = parse_framework(load_yaml(SAMPLE.read_text(encoding="utf-8")))
    assert len(fw.nodes) == 8
    assert len([n for n in iter_nodes(fw.nodes) if n.is_leaf]) == 40
    assert [n.max_points for n in fw.nodes] == [12, 8, 22, 7, 12, 8, 14, 17]
    survey = sum(n.max_points for n in iter_nodes(fw.nodes) if n.rule and n.rule.type == "survey")
    assert survey == 30


def test_the_766_index_has_its_six_groups() -> None:
    fw = parse_framework(
        load_yaml((DATA / "service-index-766-2024.yaml").read_text(encoding="utf-8"))
    )
    assert fw.kind == "service_index"
    assert [(n.title, n.max_points) for n in fw.nodes] == [
        ("Công khai, minh bạch", 18),
        ("Tiến độ giải quyết", 20),
        ("Dịch vụ công trực tuyến", 12),
        ("Thanh toán trực tuyến", 10),
        ("Mức độ hài lòng", 18),
        ("Số hóa hồ sơ", 22),
    ]
    leaves = [n for n in iter_nodes(fw.nodes) if n.is_leaf]
    assert all(
        n.rule and n.rule.type == "metric" and "service-index-766.md" in n.guidance for n in leaves
    )
