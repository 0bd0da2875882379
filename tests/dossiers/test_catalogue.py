"""Importing procedures and internal process templates: every bad cell named, nothing half-written;
exporting the catalogue in the same layout."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.dossiers.catalogue import (
    PROCEDURE_COLUMNS,
    export_procedures,
    import_procedures,
    import_templates,
)
from chiso.dossiers.models import Procedure, ProcessTemplate
from chiso.org.tabular import FORMATS, read_table
from tests.conftest import PASSWORD

PROCEDURES = (
    "Mã TTHC;Tên thủ tục;Mã lĩnh vực;Lĩnh vực;Cấp thực hiện;Thời hạn giải quyết;"
    "Đơn vị thời gian;Mức độ DVCTT;Đủ điều kiện toàn trình;Có phí, lệ phí;Có kết quả giấy\n"
    "1.000001;Đăng ký biến động đất đai;DDAI;Đất đai;Cấp tỉnh;10;ngày làm việc;toàn trình;có;có;có\n"
    "2.000002;Cấp phiếu lý lịch tư pháp;LLTP;Lý lịch tư pháp;Cấp tỉnh;10;ngày làm việc;một phần;"
    "không;có;có\n"
).encode()

STEPS = (
    "Mã TTHC;Phiên bản;Quyết định phê duyệt;Bước;Tên bước;Vai trò;Đơn vị thực hiện;Thời gian;"
    "Đơn vị thời gian\n"
    "1.000001;1;556/QĐ-UBND;1;Tiếp nhận;Một cửa;Bộ phận một cửa;4;giờ làm việc\n"
    "1.000001;1;556/QĐ-UBND;2;Thẩm định;Chuyên viên;Phòng Đăng ký;8;ngày làm việc\n"
    "1.000001;1;556/QĐ-UBND;3;Phê duyệt;Lãnh đạo UBND;UBND tỉnh;1,5;ngày làm việc\n"
).encode()


def test_it_imports_procedures_and_reimporting_changes_nothing(world: Any) -> None:
    report = import_procedures(PROCEDURES, actor=world.tuan, filename="tthc.csv")
    assert (report.ok, report.created) == (True, 2)
    land = Procedure.objects.get(code="1.000001")
    assert (land.level, land.time_limit, land.time_unit, land.online) == (
        "tinh",
        Decimal(10),
        "working_day",
        "full",
    )
    assert land.full_online_eligible and land.has_fee and land.paper_result
    again = import_procedures(PROCEDURES, actor=world.tuan, filename="tthc.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.filter(action="dossiers.procedure.created").count() == 2


def test_every_bad_cell_is_named_with_its_row_and_nothing_is_written(world: Any) -> None:
    bad = (
        "Mã TTHC;Tên thủ tục;Mã lĩnh vực;Lĩnh vực;Cấp thực hiện;Thời hạn giải quyết;"
        "Đơn vị thời gian\n"
        "1.000001;Đăng ký;DDAI;Đất đai;Cấp huyện;10;ngày làm việc\n"
        "2.000002;Lý lịch;LLTP;Lý lịch tư pháp;Cấp tỉnh;-3;tuần\n"
    ).encode()
    report = import_procedures(bad, actor=world.tuan, filename="tthc.csv")
    texts = [p.text for p in report.problems]
    assert any(t.startswith("Dòng 2, cột «Cấp thực hiện»") for t in texts), texts
    assert any(t.startswith("Dòng 3, cột «Thời hạn giải quyết»") for t in texts), texts
    assert any(t.startswith("Dòng 3, cột «Đơn vị thời gian»") for t in texts), texts
    assert not Procedure.objects.exists()


def test_templates_are_versioned_with_ordered_steps_from_json(world: Any) -> None:
    import_procedures(PROCEDURES, actor=world.tuan)
    assert import_templates(STEPS, actor=world.tuan, filename="qt.csv").created == 1
    template = ProcessTemplate.objects.get()
    steps = list(template.steps.values_list("number", "role", "allotted", "allotted_unit"))
    assert steps == [
        (1, "mot_cua", Decimal(4), "working_hour"),
        (2, "chuyen_vien", Decimal(8), "working_day"),
        (3, "lanh_dao_ubnd", Decimal("1.5"), "working_day"),
    ]
    version_2 = json.dumps(
        [
            {
                "Mã TTHC": "1.000001",
                "Phiên bản": 2,
                "Bước": 1,
                "Tên bước": "Tiếp nhận",
                "Vai trò": "mot_cua",
                "Thời gian": 2,
                "Đơn vị thời gian": "giờ làm việc",
            },
        ]
    ).encode()
    assert import_templates(version_2, actor=world.tuan, filename="qt.json").ok
    assert ProcessTemplate.objects.count() == 2


def test_gaps_in_step_numbers_are_refused(world: Any) -> None:
    import_procedures(PROCEDURES, actor=world.tuan)
    gap = STEPS.replace(b";3;Ph", b";4;Ph")
    report = import_templates(gap, actor=world.tuan, filename="qt.csv")
    assert not report.ok and "1.000001" in report.problems[0].text
    assert not ProcessTemplate.objects.exists()


def test_only_the_reform_office_imports_the_catalogue(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        import_procedures(PROCEDURES, actor=world.lan)


def test_the_exported_catalogue_imports_back_unchanged(world: Any) -> None:
    import_procedures(PROCEDURES, actor=world.tuan, filename="tthc.csv")
    Procedure.objects.filter(code="2.000002").update(
        time_limit=Decimal("1.5"),
        time_unit="working_hour",
        level="nganh_doc",
        valid_from=datetime.date(2024, 7, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    before = list(Procedure.objects.order_by("code").values())
    data = export_procedures()
    table = read_table(data, "tthc.xlsx")
    assert table.headers == [c.vi for c in PROCEDURE_COLUMNS]  # the import's own headers
    assert table.rows[1][1][4:7] == ["ngành dọc", "1,5", "giờ làm việc"]
    report = import_procedures(data, actor=world.tuan, filename="tthc.xlsx")
    assert (report.ok, report.created, report.updated, report.unchanged) == (True, 0, 0, 2)
    # Into an empty catalogue, the file recreates the same procedures.
    Procedure.objects.all().delete()
    assert import_procedures(data, actor=world.tuan, filename="tthc.xlsx").created == 2
    after = list(Procedure.objects.order_by("code").values())
    assert [{**p, "id": 0} for p in after] == [{**p, "id": 0} for p in before]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("tuan", 200),
        ("hanh", 200),
        ("minh", 200),
        ("lan", 200),
        ("nam", 200),
        ("mai", 403),
        ("khach", 403),
    ],
)
def test_readers_of_the_dossier_screens_download_the_catalogue(
    world: Any, persona: str, status: int
) -> None:
    import_procedures(PROCEDURES, actor=world.tuan)
    client = Client()
    assert client.login(username=persona, password=PASSWORD)
    response = client.get("/dossiers/procedures.xlsx")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == FORMATS["xlsx"]
        rows = read_table(response.content, "tthc.xlsx").rows
        assert [r[1][0] for r in rows] == ["1.000001", "2.000002"]
