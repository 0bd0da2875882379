"""The applicant named by a dossier (ChuHoSo, LoaiDoiTuong, SoDienThoai, Email, DiaChi) is kept
in its own table, one row per dossier, updated when the dossier is sent again."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from chiso.dossiers.ingest import import_file
from chiso.dossiers.models import Applicant, Dossier, QuarantinedRow
from tests.dossiers.helpers import make_procedures, record, write_jsonl

CONTACT = {
    "ChuHoSo": "Nguyễn Thị Hoa",
    "LoaiDoiTuong": 1,
    "SoDienThoai": "0912 345 678",
    "Email": "hoa@example.vn",
    "DiaChi": "12 Lê Lợi, phường Bến Thành",
}


@pytest.fixture
def catalogue(world: Any) -> Any:
    make_procedures()
    return world


def applicant_of(code: str) -> tuple[Any, ...]:
    a = Applicant.objects.get(dossier__code=code)
    return (a.kind, a.name, a.phone, a.email, a.address)


def test_a_jsonl_dossier_keeps_its_applicant_and_a_resend_updates_it(
    catalogue: Any, tmp_path: Path
) -> None:
    import_file(write_jsonl(tmp_path / "1.jsonl", [record("H1", **CONTACT), record("H2")]))
    assert applicant_of("H1") == (
        1,
        "Nguyễn Thị Hoa",
        "0912 345 678",
        "hoa@example.vn",
        "12 Lê Lợi, phường Bến Thành",
    )
    # A dossier that names nobody gets no applicant row.
    assert not Applicant.objects.filter(dossier__code="H2").exists()
    moved = {**CONTACT, "LoaiDoiTuong": 2, "ChuHoSo": "Công ty TNHH Hoa Sen", "DiaChi": "Số 5"}
    import_file(
        write_jsonl(tmp_path / "2.jsonl", [record("H1", **moved), record("H2", SoDienThoai="0987")])
    )
    assert applicant_of("H1")[:2] == (2, "Công ty TNHH Hoa Sen")
    assert applicant_of("H1")[4] == "Số 5"
    assert applicant_of("H2") == (1, "", "0987", "", "")
    assert Applicant.objects.count() == 2 and Dossier.objects.count() == 2


def test_a_csv_dossier_keeps_its_applicant(catalogue: Any, tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    row = {k: v for k, v in record("C1", **CONTACT).items() if not isinstance(v, list)}
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
    assert import_file(path).accepted == 1
    assert applicant_of("C1")[1:3] == ("Nguyễn Thị Hoa", "0912 345 678")


def test_an_unknown_applicant_type_quarantines_the_row(catalogue: Any, tmp_path: Path) -> None:
    report = import_file(write_jsonl(tmp_path / "x.jsonl", [record("H9", LoaiDoiTuong=7)]))
    assert (report.accepted, report.quarantined) == (0, 1)
    assert "LoaiDoiTuong" in QuarantinedRow.objects.get().reason
    assert not Applicant.objects.exists()
