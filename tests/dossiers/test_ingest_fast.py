"""The fast ingest path (batches prepared apart, in worker processes or not) stores exactly what
the record-by-record reference path stores, for files mixing good, bad and re-sent records."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from chiso.dossiers.ingest import import_file
from chiso.dossiers.models import Dossier, ImportRun, QuarantinedRow
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
        "NgayBatDau": "20240108100000",
        "NgayKetThuc": "20240112100000",
    },
]
SUPPLEMENT = [{"NgayYeuCauBoSung": "20240108093000", "NgayCongDanBoSung": "20240109103000"}]
CSV_FIELDS = [
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
    "DanhSachHoSoBoSung",
    "ChuHoSo",
    "SoDienThoai",
]


@pytest.fixture
def catalogue(world: Any) -> Any:
    make_procedures()
    return world


def first_file(tmp_path: Path) -> Path:
    """New dossiers, bad records of every kind, the same record twice, and a dossier re-sent
    within the file with a new channel, a supplement request and more steps."""
    records: list[dict[str, Any]] = [
        record("A1", QuaTrinhXuLy=STEPS[:1], ChuHoSo="Nguyễn Văn A", SoDienThoai="0901"),
        record("A2", MaTTHC="2.000002", KenhThucHien=1, NgayKetThucXuLy="20240115090000"),
        record("B1", MaTTHC="9.999999", NgayTiepNhan="hôm qua"),
        record("A3", TrangThaiHoSo=4, NgayKetThucXuLy=None, DanhSachHoSoBoSung=SUPPLEMENT),
        record("A3", TrangThaiHoSo=4, NgayKetThucXuLy=None, DanhSachHoSoBoSung=SUPPLEMENT),
        record("B2", DonViXuLy="sxd", TrangThaiHoSo=12),
        record("A1", KenhThucHien=3, QuaTrinhXuLy=STEPS, DanhSachHoSoBoSung=SUPPLEMENT),
        record("A4", NgayKetThucXuLy="20240105090000"),  # before its receipt: quarantined
        *(
            record(
                f"N{i}",
                NgayTiepNhan=f"202402{10 + i}080000",
                NgayHenTra=f"202402{15 + i}080000",
                NgayKetThucXuLy=f"202402{13 + 2 * i}160000",
            )
            for i in range(5)
        ),
        record("A5", QuaTrinhXuLy=[STEPS[0], STEPS[0]]),  # a step twice: quarantined
        record("A6", DanhSachXinLoi=[{"NgayXinLoi": "20240110090000", "NgayHenTraMoi": "x"}]),
    ]
    path = write_jsonl(tmp_path / "first.jsonl", records)
    with path.open("a") as f:
        f.write("{not json\n\n[1, 2]\n")
        f.write(json.dumps(record("A2", NgayKetThucXuLy="20240116090000")) + "\n")
    return path


def second_file(tmp_path: Path) -> Path:
    """A CSV re-sending dossiers of the first file (stored already) among new ones."""
    rows = [
        record("A1", KenhThucHien=2, NgayKetThucXuLy="20240118090000", QuaTrinhXuLy=STEPS[1:]),
        record("C1", ChuHoSo="Công ty B", SoDienThoai="0902"),
        record("A3", NgayKetThucXuLy="20240111090000", ChuHoSo="Trần Thị C"),
        record("C2", MaTTHC="x"),
        record("N2", MaTTHC="2.000002"),
        record("C3", DanhSachHoSoBoSung=SUPPLEMENT),
    ]
    path = tmp_path / "second.csv"
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow(
                {
                    k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                    for k, v in r.items()
                }
            )
    return path


def stored_models() -> list[Any]:
    """Every model the ingest writes: dossiers, the models hanging on a dossier, the rollups."""
    found = [Dossier]
    for model in apps.get_app_config("dossiers").get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if "dossier" in names or model.__name__.endswith("Rollup"):
            found.append(model)
    return found


def dump() -> dict[str, Any]:
    """The stored rows without surrogate ids and update times, a dossier named by its code."""
    codes = dict(Dossier.objects.values_list("pk", "code"))
    out: dict[str, Any] = {}
    for model in stored_models():
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname not in ("id", "updated_at", "created_at")
        ]
        rows = []
        for row in model.objects.values_list(*columns):
            named = dict(zip(columns, row, strict=True))
            if "dossier_id" in named:
                named["dossier_id"] = codes[named["dossier_id"]]
            rows.append(repr(sorted(named.items())))
        out[model.__name__] = sorted(rows)
    out["quarantine"] = sorted(
        QuarantinedRow.objects.values_list("run__filename", "line", "reason", "raw")
    )
    out["runs"] = sorted(
        ImportRun.objects.values_list("filename", "last_line", "accepted", "quarantined", "done")
    )
    return out


def forget() -> None:
    ImportRun.objects.all().delete()
    for model in reversed(stored_models()):
        model.objects.all().delete()


def import_both(tmp_path: Path, **options: Any) -> tuple[tuple[int, int], ...]:
    reports = [
        import_file(path, batch_size=3, **options)
        for path in (first_file(tmp_path), second_file(tmp_path))
    ]
    return tuple((r.accepted, r.quarantined) for r in reports)


@pytest.mark.parametrize("workers", [0, 1])
def test_the_fast_path_stores_what_the_reference_path_stores(
    catalogue: Any, tmp_path: Path, workers: int
) -> None:
    reference_counts = import_both(tmp_path, fast=False)
    reference = dump()
    forget()
    assert import_both(tmp_path, fast=True, workers=workers) == reference_counts
    assert dump() == reference
    # The files held what the test means: bad rows, re-sent dossiers, a dossier sent twice.
    assert reference_counts == ((11, 7), (5, 1))
    assert len(reference["Dossier"]) == 10
    assert len(reference["quarantine"]) == 8


def test_a_bad_record_is_quarantined_with_the_same_vietnamese_reason(
    catalogue: Any, tmp_path: Path
) -> None:
    import_file(first_file(tmp_path), fast=True, workers=1)
    reasons = dict(QuarantinedRow.objects.values_list("line", "reason"))
    assert reasons[3] == (
        "trường MaTTHC: không có thủ tục hành chính mã '9.999999'; "
        "trường NgayTiepNhan: 'hôm qua' không phải ngày giờ hợp lệ"
    )
    assert reasons[16].startswith("không phải JSON hợp lệ")
    assert json.loads(QuarantinedRow.objects.get(line=6).raw)["MaHoSo"] == "B2"


def test_a_crash_in_the_fast_path_resumes_without_loss_or_double_counting(
    catalogue: Any, tmp_path: Path
) -> None:
    path = first_file(tmp_path)

    def crash(done: int, total: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C after the first committed batch

    with pytest.raises(KeyboardInterrupt):
        import_file(path, batch_size=3, progress=crash, workers=1)
    run = ImportRun.objects.get()
    assert (run.last_line, run.done) == (3, False)
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["A1", "A2"]
    report = import_file(path, batch_size=3, workers=1)
    assert report.skipped == 3
    once = dump()
    forget()
    import_file(path, batch_size=3, fast=False)
    assert dump()["Dossier"] == once["Dossier"]
    assert dump()["DailyRollup"] == once["DailyRollup"]


def test_the_command_imports_with_worker_processes(
    catalogue: Any, tmp_path: Path, capsys: Any
) -> None:
    with pytest.raises(CommandError) as refused:  # quarantined rows: exit status 2
        call_command("dossiers", "import", str(first_file(tmp_path)), "--jobs", "2")
    assert refused.value.returncode == 2
    assert "11 hồ sơ nhận, 7 dòng lỗi" in capsys.readouterr().out
    assert Dossier.objects.count() == 8


def test_the_command_prepares_batches_in_a_worker_by_itself_on_several_cores(
    catalogue: Any, tmp_path: Path, capsys: Any
) -> None:
    """Without --jobs, a file of several batches is prepared in one worker process when the
    machine has more than one core (CI has two), and stores what an import without one does."""
    path = first_file(tmp_path)
    with pytest.raises(CommandError):  # the file has quarantined rows
        call_command("dossiers", "import", str(path), "--batch-size", "3", "--json")
    (report,) = json.loads(capsys.readouterr().out)
    several = hasattr(os, "sched_getaffinity") and len(os.sched_getaffinity(0)) > 1
    assert report["workers"] == (1 if several else 0)
    assert (report["accepted"], report["quarantined"]) == (11, 7)
    with_worker = dump()
    forget()
    with pytest.raises(CommandError):
        call_command("dossiers", "import", str(path), "--batch-size", "3", "--jobs", "0", "--json")
    (report,) = json.loads(capsys.readouterr().out)
    assert report["workers"] == 0
    assert dump() == with_worker
    # A file of one batch is not worth a process.
    forget()
    with pytest.raises(CommandError):
        call_command("dossiers", "import", str(path), "--json")
    assert json.loads(capsys.readouterr().out)[0]["workers"] == 0
