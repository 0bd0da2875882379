"""Building procedures and dossier records in the DVCQG vocabulary for the tests."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from chiso.dossiers.models import Procedure, ProcessStep, ProcessTemplate


def make_procedures() -> dict[str, Procedure]:
    land = Procedure.objects.create(
        code="1.000001",
        name="Đăng ký biến động đất đai",
        field_code="DDAI",
        field_name="Đất đai",
        level="tinh",
        time_limit=Decimal(3),
        time_unit="working_day",
        online="full",
        full_online_eligible=True,
        has_fee=True,
        paper_result=True,
    )
    justice = Procedure.objects.create(
        code="2.000002",
        name="Cấp phiếu lý lịch tư pháp",
        field_code="LLTP",
        field_name="Lý lịch tư pháp",
        level="tinh",
        time_limit=Decimal(2),
        time_unit="working_day",
        online="partial",
        full_online_eligible=False,
        has_fee=False,
        paper_result=False,
    )
    template = ProcessTemplate.objects.create(procedure=land, version=1)
    for number, (name, role, hours) in enumerate(
        [
            ("Tiếp nhận", "mot_cua", 4),
            ("Thẩm định", "chuyen_vien", 8),
            ("Ký duyệt", "lanh_dao_co_quan", 4),
        ],
        start=1,
    ):
        ProcessStep.objects.create(
            template=template,
            number=number,
            name=name,
            role=role,
            allotted=Decimal(hours),
            allotted_unit="working_hour",
        )
    return {"land": land, "justice": justice}


def record(code: str, **kw: Any) -> dict[str, Any]:
    """A finished, on-time land dossier received Mon 08/01/2024 09:00 unless overridden."""
    base: dict[str, Any] = {
        "MaHoSo": code,
        "MaTTHC": "1.000001",
        "DonViXuLy": "stp",
        "TrangThaiHoSo": 10,
        "KenhThucHien": 2,
        "NgayTiepNhan": "20240108090000",
        "NgayHenTra": "20240111090000",
        "NgayKetThucXuLy": "20240110090000",
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": 50000}],
        "DuocThanhToanTrucTuyen": 1,
        "HinhThucTra": 2,
        "DanhSachGiayToKetQua": [{"DuongDanTepTinKetQua": "https://x/kq.pdf"}],
    }
    base.update(kw)
    return base


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path
