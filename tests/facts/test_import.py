"""Importing facts: every bad row named, nothing half-written, changes audited, scope kept."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.facts.importing import facts_for, import_facts
from chiso.facts.models import Fact
from tests.conftest import PASSWORD

GOOD = (
    "Mã cơ quan;Tên dữ liệu;Năm;Giá trị;Nguồn;Ngày số liệu\n"
    "stp;dossier.on_time_rate;2023;97,35;Hệ thống một cửa;31/12/2023\n"
    "sxd;dossier.on_time_rate;2023;88.10;Hệ thống một cửa;31/12/2023\n"
    "stp;survey.sipas;2023;81,5;Bưu điện tỉnh;15/12/2023\n"
).encode()

BAD = (
    "Mã cơ quan;Tên dữ liệu;Năm;Giá trị\n"
    "stp;dossier.ontime_rate;2023;97\n"
    "nope;dossier.on_time_rate;2023;97\n"
    "stp;dossier.on_time_rate;2023;abc\n"
    "stp;dossier.online_rate;2023;120\n"
    "sxd;dossier.on_time_rate;2023;90\n"
    "sxd;dossier.on_time_rate;2023;91\n"
).encode()


def test_it_imports_facts_and_the_engine_can_read_them(world: Any) -> None:
    report = import_facts(GOOD, actor=world.tuan, filename="facts.csv")
    assert (report.ok, report.created) == (True, 3)
    assert facts_for(world.stp, 2023) == {
        "dossier.on_time_rate": Decimal("97.35"),
        "survey.sipas": Decimal("81.5"),
    }
    assert AuditEvent.objects.filter(action="facts.fact.created", actor=world.tuan).count() == 3


def test_every_bad_row_is_reported_and_nothing_is_written(world: Any) -> None:
    report = import_facts(BAD, actor=world.tuan, filename="bad.csv")
    texts = [str(p) for p in report.problems]
    assert texts == [
        "Dòng 2, cột «Tên dữ liệu»: 'dossier.ontime_rate' không phải là tên dữ liệu đã biết",
        "Dòng 3, cột «Mã cơ quan»: không có cơ quan mã 'nope'",
        "Dòng 4, cột «Giá trị»: 'abc' không phải là số",
        "Dòng 5, cột «Giá trị»: tỷ lệ phải nằm trong khoảng 0–100",
        "Dòng 7: dữ liệu này bị nhập hai lần (cả ở dòng 6)",
    ]
    assert not Fact.objects.exists() and not AuditEvent.objects.exists()


def test_reimporting_changes_only_what_changed_and_audits_old_and_new(world: Any) -> None:
    import_facts(GOOD, actor=None)
    changed = GOOD.replace(b"97,35", b"98,00")
    report = import_facts(changed, actor=None)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    event = AuditEvent.objects.get(action="facts.fact.updated")
    assert Decimal(event.data["old"]["value"]) == Decimal("97.35")
    assert Decimal(event.data["new"]["value"]) == Decimal("98.00")
    assert event.actor_label.startswith("CLI")


@pytest.mark.parametrize("persona", ["lan", "nam", "minh", "hanh", "mai"])
def test_only_the_reform_office_imports(world: Any, persona: str) -> None:
    client = Client()
    assert client.login(username=persona, password=PASSWORD)
    assert client.get("/facts/import/").status_code == 403
    assert client.post("/facts/import/", {}).status_code == 403


def test_pages_show_facts_within_scope(world: Any) -> None:
    import_facts(GOOD, actor=None)
    lan = Client()
    assert lan.login(username="lan", password=PASSWORD)
    page = lan.get("/facts/").content.decode()
    assert "Sở Tư pháp" in page and "97,35" in page
    assert "Sở Xây dựng" not in page
    hanh = Client()
    assert hanh.login(username="hanh", password=PASSWORD)
    assert "Sở Xây dựng" in hanh.get("/facts/").content.decode()
    assert Client().get("/facts/").status_code == 302


def test_the_import_page_lists_problems(world: Any) -> None:
    client = Client()
    assert client.login(username="tuan", password=PASSWORD)
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        "/facts/import/", {"file": SimpleUploadedFile("bad.csv", BAD, "text/csv")}
    ).content.decode()
    assert "5 lỗi; không lưu gì." in page and "không có cơ quan mã" in page


def test_the_command_line_imports_and_fails_on_bad_files(
    world: Any, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(BAD)
    with pytest.raises(CommandError, match="5 lỗi, không ghi gì."):
        call_command("facts", "import", str(bad))
    good = tmp_path / "good.csv"
    good.write_bytes(GOOD)
    call_command("facts", "import", str(good), "--dry-run")
    assert "Chạy thử" in capsys.readouterr().out and not Fact.objects.exists()
    call_command("facts", "import", str(good))
    call_command("facts", "list", "--year", "2023", "--json")
    assert '"survey.sipas"' in capsys.readouterr().out


def test_a_rate_formatted_as_a_percentage_in_excel_arrives_as_the_percentage(world: Any) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mã cơ quan", "Tên dữ liệu", "Năm", "Giá trị"])
    sheet.append(["stp", "dossier.on_time_rate", 2023, 0.9735])
    sheet["D2"].number_format = "0.00%"  # the cell shows 97,35%
    import io

    out = io.BytesIO()
    book.save(out)
    assert import_facts(out.getvalue(), actor=None, filename="rates.xlsx").ok
    assert facts_for(world.stp, 2023) == {"dossier.on_time_rate": Decimal("97.35")}


def test_values_that_cannot_be_stored_exactly_are_refused(world: Any) -> None:
    data = (
        "Mã cơ quan;Tên dữ liệu;Năm;Giá trị\n"
        "stp;dossier.on_time_rate;2023;97,123456\n"
        "stp;service_index.766;2023;1e20\n"
    ).encode()
    report = import_facts(data, actor=None)
    assert [str(p) for p in report.problems] == [
        "Dòng 2, cột «Giá trị»: tối đa 4 chữ số thập phân và 10 chữ số phần nguyên",
        "Dòng 3, cột «Giá trị»: tối đa 4 chữ số thập phân và 10 chữ số phần nguyên",
    ]


def test_a_leader_value_is_kept_apart_from_the_agency_value_and_never_scored(world: Any) -> None:
    from chiso.org.models import Person

    Person.objects.create(code="stp-gd", full_name="Đỗ Văn Giám")
    data = (
        "Mã cơ quan;Tên dữ liệu;Năm;Giá trị;Mã lãnh đạo\n"
        "stp;plan.on_time_rate;2024;50;\n"
        "stp;plan.on_time_rate;2024;100;stp-gd\n"
    ).encode()
    report = import_facts(data, actor=world.tuan, filename="leaders.csv")
    assert (report.ok, report.created) == (True, 2)
    assert facts_for(world.stp, 2024) == {"plan.on_time_rate": Decimal("50")}
    leader = Fact.objects.get(person__code="stp-gd")
    assert leader.value == Decimal("100") and leader.agency == world.stp
    audit = AuditEvent.objects.get(action="facts.fact.created", object_id=str(leader.pk))
    assert audit.data["leader"] == "stp-gd"
    again = import_facts(data, actor=world.tuan, filename="leaders.csv")
    assert (again.created, again.unchanged) == (0, 2)


def test_an_unknown_leader_code_is_reported_by_row(world: Any) -> None:
    data = "Mã cơ quan;Tên dữ liệu;Năm;Giá trị;Mã lãnh đạo\nstp;plan.done_rate;2024;50;ai-do\n"
    report = import_facts(data.encode(), actor=world.tuan, filename="x.csv")
    assert [str(p) for p in report.problems] == [
        "Dòng 2, cột «Mã lãnh đạo»: không có lãnh đạo mã 'ai-do'"
    ]
    assert not Fact.objects.exists()
