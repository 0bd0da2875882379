"""Review s8: the ingest refuses receipts in the future and dossiers of agencies that did not
exist that day; the demo's open dossiers are received in the past by agencies that exist today;
an empty period has no 766 score; the pages say which view the late count and the on-time
rate follow."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chiso.demo.build import _agencies, _agency_types, _reorganisation_2025
from chiso.dossiers.demo import build_dossiers
from chiso.dossiers.ingest import import_file
from chiso.dossiers.models import Dossier, QuarantinedRow
from chiso.dossiers.scorecard import parse_period, score_card
from chiso.dossiers.workcalendar import local
from chiso.org.models import Agency
from tests.conftest import PASSWORD
from tests.dossiers.helpers import make_procedures, record, write_jsonl


def reasons(path: Path) -> dict[int, str]:
    import_file(path)
    return dict(QuarantinedRow.objects.values_list("line", "reason"))


def test_a_receipt_or_an_end_in_the_future_is_refused(world: Any, tmp_path: Path) -> None:
    make_procedures()
    later = local(timezone.now() + datetime.timedelta(days=3))
    stamp = later.strftime("%Y%m%d%H%M%S")
    found = reasons(
        write_jsonl(
            tmp_path / "f.jsonl",
            [
                record("OK1"),
                record("FUT1", NgayTiepNhan=stamp, NgayHenTra=stamp, NgayKetThucXuLy=None),
                record("FUT2", NgayKetThucXuLy=stamp),
            ],
        )
    )
    shown = later.strftime("%d/%m/%Y %H:%M")
    assert found == {
        2: f"trường NgayTiepNhan: {shown} là thời điểm trong tương lai",
        3: f"trường NgayKetThucXuLy: {shown} là thời điểm trong tương lai",
    }
    assert list(Dossier.objects.values_list("code", flat=True)) == ["OK1"]


def test_a_step_request_or_apology_in_the_future_is_refused_once_per_field(
    world: Any, tmp_path: Path
) -> None:
    make_procedures()
    later = local(timezone.now() + datetime.timedelta(days=3))
    stamp = later.strftime("%Y%m%d%H%M%S")
    steps = [
        {"ThuTu": n, "VaiTro": "chuyen_vien", "NgayBatDau": stamp, "NgayKetThuc": stamp}
        for n in (1, 2)
    ]
    found = reasons(
        write_jsonl(
            tmp_path / "i.jsonl",
            [
                record("STEPS", QuaTrinhXuLy=steps),
                record("ASK", DanhSachHoSoBoSung=[{"NgayYeuCauBoSung": stamp}]),
                record(
                    "SORRY",
                    DanhSachXinLoi=[{"NgayXinLoi": stamp, "NgayHenTraMoi": "20240120090000"}],
                ),
            ],
        )
    )
    shown = later.strftime("%d/%m/%Y %H:%M")
    future = f"{shown} là thời điểm trong tương lai"
    assert found[1] == f"trường NgayBatDau: {future}; trường NgayKetThuc: {future}"
    assert found[2] == f"trường NgayYeuCauBoSung: {future}"
    assert found[3] == f"trường NgayXinLoi: {future}"
    assert not Dossier.objects.exists()


def test_a_dossier_of_an_agency_after_its_last_day_is_refused(world: Any, tmp_path: Path) -> None:
    """Sở Tư pháp exists from 10/01/2024 to 28/02/2025 here: a dossier it received on 03/03/2025
    names the wrong agency. One received on 08/01/2024, before its first day, is accepted: at a
    merger the dossiers still open go to the successor with their original receipt date."""
    make_procedures()
    Agency.objects.filter(code="stp").update(
        valid_from=datetime.date(2024, 1, 10), valid_to=datetime.date(2025, 2, 28)
    )
    dates = {
        "BEFORE": ("20250210090000", "20250213090000", "20250212090000"),
        "AFTER": ("20250303090000", "20250306090000", "20250305090000"),
        "HANDED": ("20240108090000", "20240111090000", "20240110090000"),
    }
    found = reasons(
        write_jsonl(
            tmp_path / "a.jsonl",
            [
                record(code, NgayTiepNhan=a, NgayHenTra=b, NgayKetThucXuLy=c)
                for code, (a, b, c) in dates.items()
            ],
        )
    )
    assert found == {
        2: "trường DonViXuLy: cơ quan 'stp' không còn tồn tại vào ngày 03/03/2025 "
        "(chỉ hoạt động đến hết ngày 28/02/2025)",
    }
    assert sorted(Dossier.objects.values_list("code", flat=True)) == ["BEFORE", "HANDED"]


@pytest.mark.django_db
def test_the_demo_opens_dossiers_in_the_past_for_the_agencies_of_today() -> None:
    types = _agency_types()
    agencies = _agencies(types)
    _reorganisation_2025(types, agencies)
    build_dossiers(lambda _text: None)
    today = local(timezone.now()).date()
    open_ = Dossier.objects.filter(finished_at=None).select_related("agency")
    assert open_.count() > 0
    assert not open_.filter(received_at__gt=timezone.now()).exists()
    assert all(d.agency.is_valid_on(today) for d in open_)
    # The land procedure's work went to the merged Sở Nông nghiệp và Môi trường, with its
    # overdue dossier; the districts, abolished with no successor, receive none.
    land = open_.filter(procedure__code="D.DD.001")
    assert {d.agency.code for d in land} == {"snnmt"}
    eid = Agency.objects.get(code="snnmt").electronic_id
    overdue = land.get(code=f"{eid}-DANGXL-DD00104")  # due a working day before today
    assert overdue.due_at < timezone.now()
    assert not open_.filter(agency__code__in=["tuyhoa", "stnmt"]).exists()
    # The year's dossiers stay with the agencies of 2024.
    assert Dossier.objects.filter(counted_on__year=2024, agency__code="stnmt").exists()


def test_an_empty_period_has_no_score_rather_than_zero_points_weak(
    world: Any, client: Client
) -> None:
    card = score_card(parse_period("2026-Q3"))
    assert (card.score, card.classification) == (None, None)
    assert card.as_dict()["score"] is None
    client.login(username="tuan", password=PASSWORD)
    html = client.get("/dossiers/?period=Q3/2026").content.decode()
    assert "Chưa có dữ liệu cho kỳ này" in html
    assert "Yếu" not in html


def test_the_field_page_names_the_view_of_the_late_count_and_the_on_time_rate(
    world: Any, client: Client, tmp_path: Path
) -> None:
    make_procedures()
    import_file(write_jsonl(tmp_path / "d.jsonl", [record("L1")]))
    client.login(username="tuan", password=PASSWORD)
    html = client.get("/dossiers/fields/DDAI/?period=2024").content.decode()
    assert "Giải quyết trễ hạn (so với hẹn ban đầu)" in html
    assert "Đúng hạn, tính cả hẹn lại (%)" in html
    assert (
        "hồ sơ giải quyết xong chậm nhất vào ngày hẹn mới trong thư xin lỗi được tính là đúng hạn"
        in html
    )


def test_a_dossier_page_leads_back_to_its_agency_field_and_late_list(
    world: Any, client: Client, tmp_path: Path
) -> None:
    make_procedures()
    import_file(
        write_jsonl(tmp_path / "d.jsonl", [record("LATE1", NgayKetThucXuLy="20240116090000")])
    )
    client.login(username="tuan", password=PASSWORD)
    html = client.get("/dossiers/d/LATE1/").content.decode()
    assert 'href="/dossiers/agency/stp/?period=2024"' in html
    assert 'href="/dossiers/fields/DDAI/?period=2024"' in html
    assert 'href="/dossiers/late/?period=2024&amp;agency=stp"' in html
    for link in ("/dossiers/agency/stp/?period=2024", "/dossiers/fields/DDAI/?period=2024"):
        assert client.get(link).status_code == 200
