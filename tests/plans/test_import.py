"""Importing the offices' task sheets: row-precise Vietnamese errors, all or nothing, idempotent."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from chiso.audit.models import AuditEvent
from chiso.plans.importing import export_tasks, import_tasks
from chiso.plans.models import Task

D = datetime.date
HEADERS = [
    "STT",
    "Nội dung nhiệm vụ",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Lãnh đạo phụ trách",
    "Thời hạn",
    "Sản phẩm",
    "UBND tỉnh giao",
    "Tình trạng",
    "Ngày hoàn thành",
]
TODAY = D(2025, 1, 10)


def xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GOOD = [
    [
        "5",
        "Rà soát quy trình nội bộ",
        "Sở Tư pháp",
        "snv; Sở Xây dựng",
        "stp-pgd",
        D(2024, 11, 30),
        "Quy trình",
        "x",
        "Đang thực hiện",
        None,
    ],
    [
        "6",
        "Công khai TTHC",
        "stp",
        "",
        "Đỗ Văn Giám",
        "15/10/2024",
        "TTHC công khai",
        "",
        "Hoàn thành",
        "10/10/2024",
    ],
]


def test_a_good_sheet_creates_the_tasks_and_a_second_import_changes_nothing(
    world: Any, plans: Any
) -> None:
    report = import_tasks(
        xlsx(*GOOD), plans.plan, actor=world.tuan, filename="kh.xlsx", today=TODAY
    )
    assert report.ok, report.problems
    assert (report.created, report.updated) == (2, 0)
    five = Task.objects.get(plan=plans.plan, number="5")
    assert five.lead_agency == world.stp and five.leader == plans.stp_deputy
    assert {a.code for a in five.co_agencies.all()} == {"snv", "sxd"}
    assert five.assigned_by_ppc and five.progress == 1 and five.status_on(TODAY) == "overdue"
    six = Task.objects.get(plan=plans.plan, number="6")
    assert six.completed_on == D(2024, 10, 10) and six.status_on(TODAY) == "done"
    events = AuditEvent.objects.count()
    again = import_tasks(xlsx(*GOOD), plans.plan, actor=world.tuan, filename="kh.xlsx", today=TODAY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == events


def test_every_bad_cell_is_reported_by_row_and_column_and_nothing_is_written(
    world: Any, plans: Any
) -> None:
    rows = [
        GOOD[0],
        ["7", "", "Sở Không Có", "", "", "31/02/2024", "", "có lẽ", "Xong rồi", None],
        ["8", "Nhiệm vụ", "stp", "", "Hồ Văn Xây", D(2024, 12, 1), "", "", "Hoàn thành", None],
        ["5", "Trùng STT", "stp", "", "", D(2024, 12, 1), "", "", "", "20/01/2025"],
    ]
    report = import_tasks(
        xlsx(*rows), plans.plan, actor=world.tuan, filename="kh.xlsx", today=TODAY
    )
    texts = [p.text for p in report.problems]
    assert "Dòng 3, cột «Nội dung nhiệm vụ»: không được để trống" in texts
    assert (
        "Dòng 3, cột «Cơ quan chủ trì»: không có cơ quan nào có mã hoặc tên 'Sở Không Có'" in texts
    )
    assert "Dòng 3, cột «Thời hạn»: '31/02/2024' không phải ngày dạng dd/mm/yyyy" in texts
    assert any(t.startswith("Dòng 3, cột «UBND tỉnh giao»") for t in texts)
    assert any(t.startswith("Dòng 3, cột «Tình trạng»: 'Xong rồi'") for t in texts)
    assert any(t.startswith("Dòng 4, cột «Lãnh đạo phụ trách»: 'Hồ Văn Xây'") for t in texts)
    assert "Dòng 4, cột «Ngày hoàn thành»: nhiệm vụ đã hoàn thành phải có ngày hoàn thành" in texts
    assert any(t.startswith("Dòng 5, cột «STT»") for t in texts)
    assert any(t.startswith("Dòng 5, cột «Ngày hoàn thành»") for t in texts)
    assert not Task.objects.filter(plan=plans.plan, number__in=["5", "7", "8"]).exists()


def test_a_change_of_owner_by_import_needs_a_reason_which_is_audited(
    world: Any, plans: Any
) -> None:
    row = ["1", "Nhiệm vụ 1", "stp", "", "Đỗ Văn Giám", D(2024, 9, 30), "", "x", "", None]
    report = import_tasks(xlsx(row), plans.plan, actor=world.tuan, filename="kh.xlsx", today=TODAY)
    assert [p.text for p in report.problems] == [
        "Dòng 2: nhiệm vụ đổi người chịu trách nhiệm: cần nêu lý do thay đổi"
    ]
    report = import_tasks(
        xlsx(row),
        plans.plan,
        actor=world.tuan,
        filename="kh.xlsx",
        reason="Giám đốc trực tiếp chỉ đạo",
        today=TODAY,
    )
    assert report.updated == 1
    event = AuditEvent.objects.filter(action="plans.task.updated").latest("pk")
    assert event.reason == "Giám đốc trực tiếp chỉ đạo"
    assert event.data["old"]["leader"] == "stp-pgd" and event.data["new"]["leader"] == "stp-gd"


def test_the_export_reads_back_unchanged(world: Any, plans: Any) -> None:
    data = export_tasks(plans.plan, "xlsx", today=TODAY)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]][:3] == ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì"]
    statuses = {row[0]: row[9] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses == {"1": "Quá hạn", "2": "Hoàn thành đúng hạn", "3": "Quá hạn", "4": "Quá hạn"}
    report = import_tasks(data, plans.plan, actor=world.tuan, filename="kh.xlsx", today=TODAY)
    assert report.ok, report.problems
    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)


def test_the_command_line_imports_and_exports(world: Any, plans: Any, tmp_path: Any) -> None:
    path = tmp_path / "kh.xlsx"
    path.write_bytes(xlsx(*GOOD))
    out = io.StringIO()
    call_command("plans", "import", str(path), "--plan", "cchc-2024", stdout=out)
    assert out.getvalue().strip() == "Nhiệm vụ: 2 tạo mới, 0 cập nhật, 0 không đổi."
    target = tmp_path / "out.xlsx"
    call_command(
        "plans", "export", "--plan", "cchc-2024", "--output", str(target), stdout=io.StringIO()
    )
    assert load_workbook(target).active.max_row == 7  # header + 6 tasks
