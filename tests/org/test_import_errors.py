"""A file with many problems: every one is reported, in Vietnamese, and nothing is written."""

from __future__ import annotations

import datetime

from chiso.audit.models import AuditEvent
from chiso.org import actions
from chiso.org.models import Agency, AgencyType, Person, Position
from tests.org.helpers import csv_file, run_import, texts, xlsx_file

AGENCY_HEADER = [
    "Mã", "Mã định danh", "Tên", "Tên viết tắt", "Loại", "Mã cơ quan cha",
    "Hiệu lực từ", "Hiệu lực đến", "Khối năm", "Khối", "Sáp nhập vào", "Ngày hiệu lực",
]  # fmt: skip


def counts() -> tuple[int, ...]:
    return (
        Agency.objects.count(),
        AgencyType.objects.count(),
        Person.objects.count(),
        Position.objects.count(),
        AuditEvent.objects.count(),
    )


def test_it_reports_every_problem_of_an_agencies_file_and_writes_nothing(world) -> None:
    rows = [
        AGENCY_HEADER,
        ["snv", "000.00.05.H48", "Sở Nội vụ", "SNV", "so", "", "", "", "", "", "", ""],
        ["stp-ttdv", "", "Trung tâm dịch vụ", "", "don-vi-truc-thuoc", "sxd-x", "", "", "", "", "", ""],
        ["", "", "", "", "so", "", "", "", "", "", "", ""],
        ["stp-ttdv", "", "Trùng mã", "", "so", "", "", "", "", "", "", ""],
        ["sct", "000.00.05.H48", "Sở Công Thương", "", "so", "", "", "", "", "", "", ""],
        ["sgtvt", "", "Sở Giao thông vận tải", "", "bo-nganh", "", "", "", "", "", "", ""],
        ["skhdt", "", "Sở Kế hoạch và Đầu tư", "", "so", "", "31/12/2024", "01/01/2024", "", "", "", ""],
        ["a", "", "Đơn vị A", "", "so", "b", "", "", "", "", "", ""],
        ["b", "", "Đơn vị B", "", "so", "a", "", "", "", "", "", ""],
        ["sngv", "", "Sở Ngoại vụ", "", "so", "", "32/13/2024", "", "", "", "", ""],
        ["sxd", "", "Sở Xây dựng", "", "so", "", "", "", "2025", "khoi-x", "", ""],
        ["stc", "", "Sở Tài chính", "", "so", "", "", "", "", "", "sxd-9", ""],
        ["Sở Y tế", "", "Sở Y tế", "", "so", "", "", "", "", "so", "", ""],
    ]  # fmt: skip
    before = counts()

    report = run_import(csv_file(rows, delimiter=";"))

    assert texts(report) == [
        "Dòng 3, cột «Mã cơ quan cha»: không tìm thấy cơ quan 'sxd-x'",
        "Dòng 4, cột «Mã»: không được để trống",
        "Dòng 4, cột «Tên»: không được để trống",
        "Dòng 5, cột «Mã»: mã 'stp-ttdv' trùng với dòng 3",
        "Dòng 6, cột «Mã định danh»: mã định danh '000.00.05.H48' trùng với dòng 2",
        "Dòng 7, cột «Loại»: không tìm thấy loại cơ quan 'bo-nganh' (ghi tên loại ở cột «Tên loại» để tạo mới)",
        "Dòng 8, cột «Hiệu lực đến»: không được trước «Hiệu lực từ» (31/12/2024)",
        "Dòng 9, cột «Mã cơ quan cha»: quan hệ cơ quan cha tạo vòng lặp: a → b → a",
        "Dòng 10, cột «Mã cơ quan cha»: quan hệ cơ quan cha tạo vòng lặp: b → a → b",
        "Dòng 11, cột «Hiệu lực từ»: '32/13/2024' không phải ngày dạng dd/mm/yyyy",
        "Dòng 12, cột «Khối»: không có khối 'khoi-x' năm 2025",
        "Dòng 13, cột «Ngày hiệu lực»: bắt buộc khi đã điền cột «Sáp nhập vào»",
        "Dòng 13, cột «Sáp nhập vào»: không tìm thấy cơ quan 'sxd-9'",
        "Dòng 14, cột «Mã»: 'Sở Y tế' không phải mã hợp lệ: chỉ dùng chữ không dấu, số, '-' và '_'",
        "Dòng 14, cột «Khối»: cần năm của khối (cột «Khối năm» hoặc tuỳ chọn năm)",
    ]
    assert report.summary() == "15 lỗi: chưa nhập gì."
    assert counts() == before


PEOPLE_HEADER = [
    "Mã người", "Họ và tên", "Email", "Mã cơ quan", "Chức vụ", "Từ ngày", "Đến ngày",
    "Năm phân công", "Lĩnh vực/tiêu chí phụ trách",
]  # fmt: skip


def test_it_reports_every_problem_of_a_people_file_and_writes_nothing(world) -> None:
    an = actions.create_person(code="nguyen-van-an", full_name="Nguyễn Văn An", actor=None)
    actions.create_position(
        an, world.stp, role=Position.Role.HEAD, start=datetime.date(2020, 1, 1), actor=None
    )
    rows = [
        PEOPLE_HEADER,
        ["tran-b", "Trần B", "b@stp.example.vn", "stp", "Trưởng", "01/01/2024", "", "", ""],
        ["le-c", "Lê C", "le-c@", "sxd-x", "Giám đốc", "01/01/2024", "", "", ""],
        ["pham-d", "Phạm D", "", "sxd", "Trưởng", "01/01/2024", "31/12/2025", "", ""],
        ["vo-e", "Võ E", "", "sxd", "trưởng", "01/06/2025", "", "", ""],
        ["dang-f", "Đặng F", "", "stp", "Phó", "01/01/2024", "", "", "LV1"],
        ["pham-d", "Phạm Đ", "", "sxd", "Trưởng", "01/01/2024", "31/12/2025", "2025", "LV1"],
        ["bui-g", "Bùi G", "", "", "Phó", "", "", "", ""],
        ["ho-h", "Hồ H", "", "stp", "Phó", "01/01/2025", "01/01/2024", "", ""],
        ["dang-f", "Đặng F", "", "stp", "phó", "01/01/2024", "", "2025", "LV1;LV 2"],
        ["dang-f", "Đặng F", "", "stp", "Cấp phó", "01/01/2024", "", "2025", "LV1"],
    ]
    before = counts()

    report = run_import(xlsx_file(rows), filename="lanh-dao.xlsx")

    assert texts(report) == [
        "Dòng 2, cột «Từ ngày»: cơ quan 'stp' đã có người đứng đầu trong thời gian này: Nguyễn Văn An (01/01/2020 – nay, đã có trong danh mục)",
        "Dòng 3, cột «Email»: 'le-c@' không phải địa chỉ email hợp lệ",
        "Dòng 3, cột «Chức vụ»: 'Giám đốc' không phải chức vụ: ghi «Trưởng» hoặc «Phó»",
        "Dòng 3, cột «Mã cơ quan»: không tìm thấy cơ quan 'sxd-x'",
        "Dòng 5, cột «Từ ngày»: cơ quan 'sxd' đã có người đứng đầu trong thời gian này: Phạm D (01/01/2024 – 31/12/2025, dòng 4)",
        "Dòng 6, cột «Lĩnh vực/tiêu chí phụ trách»: cần năm phân công (cột «Năm phân công» hoặc tuỳ chọn năm)",
        "Dòng 7, cột «Lĩnh vực/tiêu chí phụ trách»: chỉ cấp phó được phân công phụ trách lĩnh vực, tiêu chí",
        "Dòng 7, cột «Họ và tên»: khác với dòng 4 của cùng người 'pham-d'",
        "Dòng 8, cột «Mã cơ quan»: bắt buộc khi dòng có chức vụ, ngày, chức danh hoặc lĩnh vực phụ trách",
        "Dòng 9, cột «Đến ngày»: không được trước «Từ ngày» (01/01/2025)",
        "Dòng 10, cột «Lĩnh vực/tiêu chí phụ trách»: 'LV 2' không phải mã hợp lệ",
        "Dòng 11: trùng với dòng 6",
    ]
    assert counts() == before


def test_it_checks_the_header_row_first(world) -> None:
    rows = [["Mã", "Tên", "Ghi chú", "Cơ quan cha", "tên"], ["stp", "Sở Tư pháp", "", "", ""]]

    report = run_import(csv_file(rows), kind="agencies")

    assert texts(report) == [
        "Dòng 1, cột «Cơ quan cha»: cột không được hỗ trợ",
        "Dòng 1, cột «Tên»: cột bị lặp lại",
        "Dòng 1, cột «Loại»: thiếu cột bắt buộc",
        "Dòng 1: các cột của tệp này: Mã, Mã định danh, Tên, Tên viết tắt, Loại, Tên loại, "
        "Mã cơ quan cha, Hiệu lực từ, Hiệu lực đến, Khối năm, Khối, Sáp nhập vào, Đổi tên thành, "
        "Tách từ, Ngày hiệu lực",
    ]


def test_it_reports_in_english_with_english_headers_when_asked(world) -> None:
    rows = [["Code", "Name", "Type", "Parent code"], ["stp-x", "X", "so", "sxd-x"]]

    report = run_import(csv_file(rows), lang="en")

    assert texts(report) == ["Row 2, column «Parent code»: agency 'sxd-x' not found"]


def test_it_reports_a_file_that_is_not_a_table(world) -> None:
    report = run_import(b"PK\x03\x04 broken", filename="co-quan.xlsx")

    assert report.summary() == "1 lỗi: chưa nhập gì."
    assert report.problems[0].text.startswith("Tệp không phải bảng tính XLSX hợp lệ")


def test_it_refuses_to_hand_an_electronic_id_to_another_agency_in_one_go(world) -> None:
    actions.update_agency(world.stp, {"electronic_id": "000.00.15.H48"}, actor=None)
    rows = [
        ["Mã", "Mã định danh", "Tên", "Loại"],
        ["sxd", "000.00.15.H48", "Sở Xây dựng", "so"],
        ["stp", "000.00.16.H48", "Sở Tư pháp", "so"],
    ]

    report = run_import(csv_file(rows))

    assert texts(report) == [
        "Dòng 2, cột «Mã định danh»: mã định danh '000.00.15.H48' vẫn đang thuộc cơ quan 'stp': "
        "hãy nhập mã định danh mới của cơ quan đó trước"
    ]
    assert run_import(csv_file([rows[0], rows[2]])).ok
    assert run_import(csv_file(rows[:2])).ok
