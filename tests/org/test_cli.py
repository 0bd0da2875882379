"""``chiso org import`` and ``chiso org export`` as Anh Hùng runs them on the server."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chiso.audit.models import AuditEvent
from chiso.org.models import Agency
from tests.org.helpers import build_registry, csv_file

GOOD = [["Mã", "Tên", "Loại"], ["stp", "Sở Tư pháp", "so"], ["stc", "Sở Tài chính", "so"]]
BAD = [["Mã", "Tên", "Loại", "Mã cơ quan cha"], ["stc", "", "so", "sxd-x"]]


def org(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("org", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_it_imports_a_file_and_prints_a_summary(world, tmp_path: Path) -> None:
    out, err = org("import", write(tmp_path, "co-quan.csv", csv_file(GOOD)))

    assert (out.strip(), err) == ("Cơ quan, đơn vị: 1 tạo mới, 0 cập nhật, 1 không đổi.", "")
    assert Agency.objects.filter(code="stc").exists()


def test_it_prints_every_error_and_exits_with_status_1(world, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as e:
        org("import", write(tmp_path, "co-quan.csv", csv_file(BAD)))

    assert e.value.returncode == 1
    assert str(e.value) == "2 lỗi: chưa nhập gì."
    assert not Agency.objects.filter(code="stc").exists()


def test_it_prints_errors_in_english_when_asked(world, tmp_path: Path) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError) as e:
        call_command(
            "org", "import", write(tmp_path, "a.csv", csv_file(BAD)), "--lang", "en", stderr=err
        )

    assert err.getvalue().splitlines() == [
        "Row 2, column «Name»: cannot be empty",
        "Row 2, column «Parent code»: agency 'sxd-x' not found",
    ]
    assert str(e.value) == "2 errors: nothing was imported."


def test_it_prints_a_json_summary(world, tmp_path: Path) -> None:
    out, _err = org("import", write(tmp_path, "a.csv", csv_file(GOOD)), "--json", "--dry-run")

    assert json.loads(out) == {
        "ok": True,
        "kind": "agencies",
        "dry_run": True,
        "created": 1,
        "updated": 0,
        "unchanged": 1,
        "problems": [],
    }
    assert not Agency.objects.filter(code="stc").exists()


def test_it_prints_json_errors_with_row_and_column(world, tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("org", "import", write(tmp_path, "a.csv", csv_file(BAD)), "--json", stdout=out)

    summary = json.loads(out.getvalue())
    assert summary["ok"] is False
    assert summary["problems"][1] == {
        "row": 2,
        "column": "Mã cơ quan cha",
        "message": "không tìm thấy cơ quan 'sxd-x'",
        "text": "Dòng 2, cột «Mã cơ quan cha»: không tìm thấy cơ quan 'sxd-x'",
    }


def test_it_fails_on_a_missing_file(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as e:
        org("import", str(tmp_path / "khong-co.xlsx"))

    assert str(e.value).startswith("Không đọc được ")


def test_it_exports_a_file_that_imports_back_unchanged(db: None, tmp_path: Path) -> None:
    build_registry()
    target = tmp_path / "lanh-dao.xlsx"

    out, _err = org("export", "--kind", "people", "-o", str(target))
    events = AuditEvent.objects.count()
    again, _err = org("import", str(target), "--kind", "people")

    assert out.strip() == f"Đã ghi {target}."
    assert target.read_bytes().startswith(b"PK")
    assert again.strip() == "Lãnh đạo: 0 tạo mới, 0 cập nhật, 3 không đổi."
    assert AuditEvent.objects.count() == events


def test_it_exports_csv_for_a_year(db: None, tmp_path: Path) -> None:
    build_registry()
    target = tmp_path / "co-quan.txt"

    org("export", "--kind", "agencies", "--format", "csv", "--year", "2024", "-o", str(target))

    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Mã,Mã định danh,Tên,")
    assert (
        "sgtvt,000.00.04.H48,Sở Giao thông vận tải,,so,"
        '"Sở, ban, ngành",,,28/02/2025,2024,so,sxd-2025,,,01/03/2025'
    ) in lines


def test_it_reports_missing_columns_when_the_kind_is_wrong(world, tmp_path: Path) -> None:
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "org",
            "import",
            write(tmp_path, "a.csv", csv_file(GOOD)),
            "--kind",
            "people",
            stderr=err,
        )

    assert err.getvalue().splitlines() == [
        "Dòng 1, cột «Mã»: cột không được hỗ trợ",
        "Dòng 1, cột «Tên»: cột không được hỗ trợ",
        "Dòng 1, cột «Loại»: cột không được hỗ trợ",
        "Dòng 1, cột «Mã người»: thiếu cột bắt buộc",
        "Dòng 1, cột «Họ và tên»: thiếu cột bắt buộc",
        "Dòng 1: các cột của tệp này: Mã người, Họ và tên, Email, Điện thoại, Mã cơ quan, "
        "Chức vụ, Chức danh, Từ ngày, Đến ngày, Năm phân công, Lĩnh vực/tiêu chí phụ trách",
    ]
