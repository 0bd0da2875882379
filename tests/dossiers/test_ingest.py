"""Ingest: good rows kept, bad rows quarantined with the reason, re-sends update, crashes resume."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from chiso.audit.models import AuditEvent
from chiso.dossiers import rollups
from chiso.dossiers.ingest import import_file
from chiso.dossiers.models import DailyRollup, Dossier, ImportRun, Pause, QuarantinedRow, StepEvent
from tests.dossiers.helpers import make_procedures, record, write_jsonl

STEPS = [
    {
        "ThuTu": 1,
        "BuocQuyTrinh": 1,
        "VaiTro": "mot_cua",
        "NguoiXuLy": "Hoa",
        "NgayBatDau": "20240108090000",
        "NgayKetThuc": "20240108100000",
    },
    {
        "ThuTu": 2,
        "BuocQuyTrinh": 2,
        "VaiTro": "chuyen_vien",
        "NguoiXuLy": "Bình",
        "PhongBanXuLy": "Phòng Đăng ký",
        "NgayBatDau": "20240108100000",
        "NgayKetThuc": "20240111100000",
    },
]


def rollup_rows() -> list[tuple[Any, ...]]:
    return sorted(
        (r.agency_id, r.procedure_id, r.day, *(getattr(r, c) for c in DailyRollup.COUNTERS))
        for r in DailyRollup.objects.all()
    )


def reference_rows() -> list[tuple[Any, ...]]:
    return sorted(
        (r["agency_id"], r["procedure_id"], r["counted_on"], *(r[c] for c in DailyRollup.COUNTERS))
        for r in rollups.aggregate_rows()
    )


@pytest.fixture
def catalogue(world: Any) -> Any:
    make_procedures()
    return world


def test_good_rows_are_kept_and_bad_rows_quarantined_with_the_reason(
    catalogue: Any, tmp_path: Path
) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            record("H1"),
            record("H2", MaTTHC="9.999999", NgayTiepNhan="hôm qua"),
            record("H3", DonViXuLy="sxd", TrangThaiHoSo=12),
        ],
    )
    (path.open("a")).write("{not json\n")
    report = import_file(path)
    assert (report.accepted, report.quarantined) == (1, 3)
    assert list(Dossier.objects.values_list("code", flat=True)) == ["H1"]
    reasons = dict(QuarantinedRow.objects.values_list("line", "reason"))
    assert "MaTTHC" in reasons[2] and "9.999999" in reasons[2]
    assert "NgayTiepNhan" in reasons[2] and "hôm qua" in reasons[2]
    assert "TrangThaiHoSo" in reasons[3] and "12" in reasons[3]
    assert "JSON" in reasons[4]
    assert json.loads(QuarantinedRow.objects.get(line=2).raw)["MaHoSo"] == "H2"
    assert AuditEvent.objects.filter(action="dossiers.import").count() == 1


def test_a_resent_dossier_is_updated_and_its_events_not_duplicated(
    catalogue: Any, tmp_path: Path
) -> None:
    first = record(
        "H1",
        TrangThaiHoSo=4,
        NgayKetThucXuLy=None,
        QuaTrinhXuLy=STEPS[:1],
        DanhSachHoSoBoSung=[
            {"NgayYeuCauBoSung": "20240108093000", "NgayCongDanBoSung": "20240108103000"}
        ],
    )
    import_file(write_jsonl(tmp_path / "1.jsonl", [first]))
    assert Dossier.objects.get().settled is False
    # The one-stop system sends the dossier again, finished a day late, with the whole log.
    again = record(
        "H1",
        NgayKetThucXuLy="20240112090000",
        QuaTrinhXuLy=STEPS,
        DanhSachHoSoBoSung=[
            {"NgayYeuCauBoSung": "20240108093000", "NgayCongDanBoSung": "20240108103000"}
        ],
    )
    import_file(write_jsonl(tmp_path / "2.jsonl", [again]))
    dossier = Dossier.objects.get()
    assert dossier.settled and dossier.on_time is False
    assert StepEvent.objects.count() == 2 and Pause.objects.count() == 1
    # Step 2 (the specialist, 8 hours allotted by the template) used far more: responsible.
    assert dossier.responsible_seq == 2
    step = StepEvent.objects.get(seq=2)
    assert step.allotted_minutes == 480 and step.overrun_minutes > 0
    assert rollup_rows() == reference_rows()
    assert DailyRollup.objects.get().late == 1


def test_a_crash_resumes_after_the_last_committed_batch_without_double_counting(
    catalogue: Any, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "big.jsonl", [record(f"H{i}") for i in range(10)])

    def crash(done: int, total: int) -> None:
        raise KeyboardInterrupt  # the operator's Ctrl-C right after the first batch

    with pytest.raises(KeyboardInterrupt):
        import_file(path, batch_size=4, progress=crash)
    run = ImportRun.objects.get()
    assert (run.last_line, run.done, Dossier.objects.count()) == (4, False, 4)
    report = import_file(path, batch_size=4)
    assert (report.skipped, report.accepted) == (4, 6)
    run.refresh_from_db()
    assert (run.accepted, run.done) == (10, True)
    assert DailyRollup.objects.get().received == 10
    again = import_file(path)
    assert again.already_done and DailyRollup.objects.get().received == 10


def test_csv_rows_carry_their_lists_as_json_cells(catalogue: Any, tmp_path: Path) -> None:
    out = io.StringIO()
    fields = [
        "MaHoSo",
        "MaTTHC",
        "DonViXuLy",
        "TrangThaiHoSo",
        "KenhThucHien",
        "NgayTiepNhan",
        "NgayHenTra",
        "NgayKetThucXuLy",
        "DanhSachLePhi",
        "QuaTrinhXuLy",
    ]
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerow(
        {
            "MaHoSo": "C1",
            "MaTTHC": "2.000002",
            "DonViXuLy": "stp",
            "TrangThaiHoSo": 10,
            "KenhThucHien": 1,
            "NgayTiepNhan": "08/01/2024 09:00",
            "NgayHenTra": "10/01/2024 09:00",
            "NgayKetThucXuLy": "09/01/2024 16:00",
            "DanhSachLePhi": "",
            "QuaTrinhXuLy": json.dumps(STEPS[:1]),
        }
    )
    path = tmp_path / "d.csv"
    path.write_text(out.getvalue())
    report = import_file(path)
    assert report.accepted == 1
    dossier = Dossier.objects.get()
    assert dossier.on_time and dossier.channel == 1 and dossier.steps.count() == 1


def test_the_command_prints_a_summary_and_a_progress_bar(
    catalogue: Any, tmp_path: Path, capsys: Any
) -> None:
    path = write_jsonl(tmp_path / "c.jsonl", [record("H1"), record("H2", MaTTHC="x")])
    with pytest.raises(CommandError) as refused:  # a quarantined row: exit status 2
        call_command("dossiers", "import", str(path))
    assert refused.value.returncode == 2
    captured = capsys.readouterr()
    assert "1 hồ sơ nhận, 1 dòng lỗi" in captured.out
    assert "100,0%" in captured.err  # Vietnamese decimal comma
    call_command("dossiers", "recompute")
    assert rollup_rows() == reference_rows()


def test_a_small_xlsx_file_is_read_like_a_csv(catalogue: Any, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "MaHoSo",
            "MaTTHC",
            "DonViXuLy",
            "TrangThaiHoSo",
            "NgayTiepNhan",
            "NgayHenTra",
            "NgayKetThucXuLy",
        ]
    )
    sheet.append(
        ["X1", "2.000002", "stp", 10, "08/01/2024 09:00", "10/01/2024 09:00", "11/01/2024 09:00"]
    )
    sheet.append(["X2", "2.000002", "stp", 99, "08/01/2024 09:00", "", ""])
    path = tmp_path / "small.xlsx"
    book.save(path)
    report = import_file(path)
    assert (report.accepted, report.quarantined) == (1, 1)
    assert Dossier.objects.get().on_time is False
    assert QuarantinedRow.objects.get().line == 3
