"""``chiso dossiers import`` tells why rows were refused and exits non-zero (review s8, finding 2):
the quarantined rows of the run under each file's summary, all of them in ``--json`` and in the
``--errors`` CSV, exit status 2, a hint for a misspelt header, Vietnamese numbers and JSON errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from chiso.dossiers.models import Dossier
from tests.dossiers.helpers import make_procedures, record, write_jsonl


@pytest.fixture
def catalogue(world: Any) -> Any:
    make_procedures()
    return world


def run(*args: str) -> tuple[str, CommandError | None]:
    """The command's standard output and the error it ended with (None: exit status 0)."""
    out = io.StringIO()
    try:
        call_command("dossiers", "import", *args, stdout=out, stderr=io.StringIO())
    except CommandError as e:
        return out.getvalue(), e
    return out.getvalue(), None


def reviewers_file(tmp_path: Path) -> Path:
    """The review's file: a good row, an impossible date, unknown codes, a good row, and a
    JSON line cut short."""
    path = write_jsonl(
        tmp_path / "imp.jsonl",
        [
            record("H1"),
            record("H2", NgayTiepNhan="31/02/2024 09:00"),
            record("H3", MaTTHC="KHONG.CO", DonViXuLy="khongco", TrangThaiHoSo=42),
            record("H4"),
        ],
    )
    with path.open("a") as f:
        f.write('{"MaHoSo": "H5", "MaTTHC": "1.000001", "DonViXuLy": "stp, "Trang\n')
    return path


def test_the_rows_refused_are_listed_with_their_reasons_and_the_exit_status_is_2(
    catalogue: Any, tmp_path: Path
) -> None:
    out, error = run(str(reviewers_file(tmp_path)))
    assert "imp.jsonl: 2 hồ sơ nhận, 3 dòng lỗi (cách ly)" in out
    assert "  dòng 2: trường NgayTiepNhan: '31/02/2024 09:00'" in out
    assert "  dòng 3: trường MaTTHC: không có thủ tục hành chính mã 'KHONG.CO'" in out
    assert "trường DonViXuLy: không có cơ quan mã 'khongco'" in out
    # The JSON module's English is replaced by the column where the line breaks.
    assert "  dòng 5: không phải JSON hợp lệ (lỗi ở cột 60)" in out
    assert "Unterminated" not in out
    assert error is not None and error.returncode == 2
    assert "3 dòng lỗi bị cách ly" in str(error) and "--errors" in str(error)
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["H1", "H4"]


def test_the_summary_writes_seconds_with_a_decimal_comma(catalogue: Any, tmp_path: Path) -> None:
    out, error = run(str(write_jsonl(tmp_path / "ok.jsonl", [record("H1"), record("H2")])))
    summary = out.splitlines()[0]
    assert "2 hồ sơ nhận, 0 dòng lỗi" in summary
    seconds = summary.split("; ")[1].split(" s ")[0]
    assert "," in seconds and "." not in seconds  # "0,169", not "0.169"
    assert error is None  # every row accepted: exit status 0


def test_only_twenty_rows_are_printed_and_the_rest_are_counted(
    catalogue: Any, tmp_path: Path
) -> None:
    bad = [record(f"B{i}", MaTTHC=f"X{i}") for i in range(25)]
    out, error = run(str(write_jsonl(tmp_path / "many.jsonl", bad)))
    listed = [line for line in out.splitlines() if line.startswith("  dòng ")]
    assert len(listed) == 20 and listed[0].startswith("  dòng 1: ")
    assert "  … và 5 dòng lỗi khác (ghi tất cả ra tệp CSV: --errors TỆP.csv)." in out
    assert error is not None and error.returncode == 2


def test_errors_writes_every_refused_row_to_a_csv_excel_opens(
    catalogue: Any, tmp_path: Path
) -> None:
    first = reviewers_file(tmp_path)
    second = write_jsonl(tmp_path / "b.jsonl", [record(f"B{i}", MaTTHC=f"X{i}") for i in range(22)])
    target = tmp_path / "loi.csv"
    out, error = run(str(first), str(second), "--errors", str(target))
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["tệp", "dòng", "lý do", "dữ liệu gốc"]
    assert len(rows) == 1 + 3 + 22  # every row, not only the 20 printed
    by_line = {(Path(r[0]).name, r[1]): r for r in rows[1:]}
    assert "không có thủ tục hành chính mã 'KHONG.CO'" in by_line[("imp.jsonl", "3")][2]
    assert json.loads(by_line[("imp.jsonl", "3")][3])["MaHoSo"] == "H3"
    # A line that is no JSON keeps its text, for whoever corrects it.
    assert by_line[("imp.jsonl", "5")][3].startswith('{"MaHoSo": "H5", "MaTTHC": "1.000001"')
    assert "X21" in by_line[("b.jsonl", "22")][2]
    assert f"  … và 2 dòng lỗi khác (tất cả ở tệp {target})." in out
    assert f"Đã ghi 25 dòng lỗi vào {target}." in out
    assert error is not None and "25 dòng lỗi bị cách ly" in str(error)
    assert "2 tệp" in str(error) and str(target) in str(error)


def test_json_lists_every_refused_row_of_each_file(catalogue: Any, tmp_path: Path) -> None:
    bad = [record(f"B{i}", MaTTHC=f"X{i}") for i in range(25)]
    out, error = run(
        str(reviewers_file(tmp_path)), str(write_jsonl(tmp_path / "m.jsonl", bad)), "--json"
    )
    first, second = json.loads(out)
    assert (first["accepted"], first["quarantined"]) == (2, 3)
    assert [row["line"] for row in first["quarantined_rows"]] == [2, 3, 5]
    assert "lỗi ở cột" in first["quarantined_rows"][2]["reason"]
    assert len(second["quarantined_rows"]) == 25 and second["hint"] is None
    assert error is not None and error.returncode == 2


def test_a_run_lists_only_its_own_rows(catalogue: Any, tmp_path: Path) -> None:
    """A file imported before is skipped: nothing refused now, exit status 0."""
    path = reviewers_file(tmp_path)
    run(str(path))
    out, error = run(str(path))
    assert "đã nhập trước đây, bỏ qua" in out and "dòng 2" not in out
    assert error is None


def test_a_misspelt_header_gets_a_hint_naming_the_columns(catalogue: Any, tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text(
        "MaHoSO,MaTTHC,DonViXuLy,TrangThaiHoSo,NgayTiepNhan\n"
        "H1,1.000001,stp,10,20240108090000\n"
        "H2,1.000001,stp,10,20240108090000\n"
    )
    out, error = run(str(path))
    assert "h.csv: 0 hồ sơ nhận, 2 dòng lỗi" in out
    assert "  dòng 2: trường MaHoSo: không được để trống" in out
    assert "có lẽ tên cột ở dòng tiêu đề bị viết sai" in out
    assert "MaHoSo, MaTTHC, DonViXuLy, NgayTiepNhan, TrangThaiHoSo" in out
    assert "'MaHoSO' → MaHoSo" in out
    assert error is not None and error.returncode == 2
    out, _error = run(str(path), "--json")  # already imported: no hint for a skipped file
    assert json.loads(out)[0]["hint"] is None


def test_no_hint_when_rows_are_refused_for_other_reasons(catalogue: Any, tmp_path: Path) -> None:
    out, _error = run(str(write_jsonl(tmp_path / "x.jsonl", [record("H1", MaTTHC="X")])))
    assert "0 hồ sơ nhận, 1 dòng lỗi" in out and "Gợi ý" not in out


def test_the_json_hint_for_a_misspelt_header(catalogue: Any, tmp_path: Path) -> None:
    path = tmp_path / "j.csv"
    path.write_text("MaHoSo,MaTTHC,DonViXuLy,TrangThaiHoSo,Ngay Tiep Nhan\nH1,1.000001,stp,10,x\n")
    out, _error = run(str(path), "--json")
    (report,) = json.loads(out)
    assert report["quarantined_rows"] == [
        {"line": 2, "reason": "trường NgayTiepNhan: không được để trống"}
    ]
    assert "'Ngay Tiep Nhan' → NgayTiepNhan" in report["hint"]


def test_a_missing_file_stops_before_anything_is_imported_with_status_1(
    catalogue: Any, tmp_path: Path
) -> None:
    good = write_jsonl(tmp_path / "ok.jsonl", [record("H1")])
    _out, error = run(str(good), str(tmp_path / "khong-co.jsonl"))
    assert error is not None and error.returncode == 1
    assert "Không tìm thấy tệp" in str(error) and "khong-co.jsonl" in str(error)
    assert not Dossier.objects.exists()


def test_errors_writes_a_header_only_file_when_every_row_was_accepted(
    catalogue: Any, tmp_path: Path
) -> None:
    target = tmp_path / "loi.csv"
    out, error = run(
        str(write_jsonl(tmp_path / "ok.jsonl", [record("H1")])), "--errors", str(target)
    )
    assert target.read_bytes().decode("utf-8-sig") == "tệp,dòng,lý do,dữ liệu gốc\r\n"
    assert f"Đã ghi 0 dòng lỗi vào {target}." in out and error is None


def test_an_unreadable_file_is_reported_and_the_others_still_imported(
    catalogue: Any, tmp_path: Path
) -> None:
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 cut short")  # a zip signature, then nothing
    good = write_jsonl(tmp_path / "ok.jsonl", [record("H1")])
    out, error = run(str(broken), str(good), "--json")
    assert error is not None and error.returncode == 1
    assert "1 tệp không đọc được" in str(error) and "hong.xlsx" in str(error)
    imported, failed = json.loads(out)
    assert imported["accepted"] == 1 and imported["filename"] == str(good)
    assert failed["filename"] == str(broken) and failed["error"]
    assert list(Dossier.objects.values_list("code", flat=True)) == ["H1"]


def test_a_folder_given_as_a_file_is_reported_like_an_unreadable_file(
    catalogue: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "thu-muc.jsonl"
    folder.mkdir()
    good = write_jsonl(tmp_path / "ok.jsonl", [record("H1")])
    _out, error = run(str(folder), str(good))
    assert error is not None and error.returncode == 1
    assert "1 tệp không đọc được" in str(error) and "thu-muc.jsonl" in str(error)
    assert list(Dossier.objects.values_list("code", flat=True)) == ["H1"]
