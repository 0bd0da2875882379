"""Importing the same file twice: the second time changes nothing and writes no audit row."""

from __future__ import annotations

import datetime

from chiso.audit.models import AuditEvent
from chiso.org import actions
from chiso.org.models import Agency, Assignment, Position
from tests.org.helpers import csv_file, run_import, xlsx_file

AGENCIES = [
    ["Mã", "Tên", "Loại", "Tên loại", "Mã cơ quan cha", "Hiệu lực từ", "Khối"],
    ["stp", "Sở Tư pháp", "so", "", "", "", "so"],
    ["stp-pbgdpl", "Phòng Phổ biến, giáo dục pháp luật", "phong", "Phòng chuyên môn", "stp", "01/01/2024", ""],
    ["xa-an-my", "UBND xã An Mỹ", "xa", "UBND xã, phường", "", "01/07/2025", "xa-phuong"],
]  # fmt: skip

PEOPLE = [
    ["Mã người", "Họ và tên", "Email", "Mã cơ quan", "Chức vụ", "Chức danh", "Từ ngày", "Năm phân công", "Lĩnh vực/tiêu chí phụ trách"],
    ["ho-van-a", "Hồ Văn A", "a@stp.example.vn", "stp", "Trưởng", "Giám đốc", datetime.date(2021, 5, 1), "", ""],
    ["do-thi-b", "Đỗ Thị B", "", "stp", "Phó", "Phó Giám đốc", datetime.date(2022, 1, 1), 2025, "LV2;LV3"],
    ["do-thi-b", "Đỗ Thị B", "", "stp", "Phó", "Phó Giám đốc", datetime.date(2022, 1, 1), 2024, "LV2"],
]  # fmt: skip


def test_it_changes_nothing_the_second_time_an_agencies_file_is_imported(world) -> None:
    actions.create_block(code="so", year=2025, name="Khối sở", actor=None)
    actions.create_block(code="xa-phuong", year=2025, name="Khối xã, phường", actor=None)
    data = csv_file(AGENCIES)

    first = run_import(data, year=2025)
    events = AuditEvent.objects.count()
    second = run_import(data, year=2025)

    assert (first.created, first.updated, first.unchanged) == (2, 1, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert second.summary() == "Cơ quan, đơn vị: 0 tạo mới, 0 cập nhật, 3 không đổi."
    assert AuditEvent.objects.count() == events
    unit = Agency.objects.get(code="stp-pbgdpl")
    assert (unit.parent, unit.type.name) == (world.stp, "Phòng chuyên môn")
    assert list(world.stp.blocks.values_list("code", "year")) == [("so", 2025)]


def test_it_changes_nothing_the_second_time_a_people_file_is_imported(world) -> None:
    data = xlsx_file(PEOPLE)

    first = run_import(data, filename="lanh-dao.xlsx")
    events = AuditEvent.objects.count()
    second = run_import(data, filename="lanh-dao.xlsx")

    assert (first.kind, first.created, first.updated, first.unchanged) == ("people", 3, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.count() == events
    deputy = Position.objects.get(person__code="do-thi-b")
    assert sorted(Assignment.objects.filter(position=deputy).values_list("year", "node_codes")) == [
        (2024, ["LV2"]),
        (2025, ["LV2", "LV3"]),
    ]


def test_it_updates_only_what_the_file_changes(world) -> None:
    run_import(xlsx_file(PEOPLE), filename="lanh-dao.xlsx")
    changed = [row[:] for row in PEOPLE]
    changed[1][2] = "giamdoc@stp.example.vn"

    report = run_import(xlsx_file(changed), filename="lanh-dao.xlsx")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)


def test_it_leaves_fields_alone_when_the_file_lacks_their_column(world) -> None:
    actions.update_agency(world.stp, {"short_name": "STP"}, actor=None)

    report = run_import(csv_file([["Mã", "Tên", "Loại"], ["stp", "Sở Tư pháp", "so"]]))

    assert (report.updated, report.unchanged) == (0, 1)
    world.stp.refresh_from_db()
    assert world.stp.short_name == "STP"


def test_it_counts_but_saves_nothing_in_a_dry_run(world) -> None:
    report = run_import(csv_file(AGENCIES), year=2025, dry_run=True, kind="agencies")

    assert report.problems[0].text == "Dòng 2, cột «Khối»: không có khối 'so' năm 2025"
    actions.create_block(code="so", year=2025, name="Khối sở", actor=None)
    actions.create_block(code="xa-phuong", year=2025, name="Khối xã, phường", actor=None)
    events = AuditEvent.objects.count()

    report = run_import(csv_file(AGENCIES), year=2025, dry_run=True)

    assert report.summary() == (
        "Cơ quan, đơn vị: 2 tạo mới, 1 cập nhật, 0 không đổi. Chạy thử: chưa lưu gì."
    )
    assert not Agency.objects.filter(code="xa-an-my").exists()
    assert AuditEvent.objects.count() == events
