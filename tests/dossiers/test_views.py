"""The dossier screens: what each persona may see, and what the pages show."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chiso.dossiers.conf import current_calendar
from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import ProcessTemplate
from chiso.dossiers.workcalendar import local
from tests.conftest import PASSWORD
from tests.dossiers.helpers import make_procedures, record

LATE_STEPS = [
    {
        "ThuTu": 1,
        "BuocQuyTrinh": 1,
        "NguoiXuLy": "Nguyễn Thị Hoa",
        "NgayBatDau": "20240108090000",
        "NgayKetThuc": "20240108100000",
    },
    {
        "ThuTu": 2,
        "BuocQuyTrinh": 2,
        "NguoiXuLy": "Trần Văn Bình",
        "PhongBanXuLy": "Phòng Đăng ký",
        "NgayBatDau": "20240108100000",
        "NgayKetThuc": "20240115100000",
    },
]


@pytest.fixture
def data(world: Any) -> Any:
    make_procedures()
    ingest_records(
        [
            record("STP-1"),
            record("STP-LATE", NgayKetThucXuLy="20240116090000", QuaTrinhXuLy=LATE_STEPS),
            record("SXD-1", DonViXuLy="sxd"),
        ]
    )
    return world


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


# persona → (dashboard, stp page, sxd page, STP dossier, SXD dossier)
MATRIX = {
    "tuan": (200, 200, 200, 200, 200),
    "hanh": (200, 200, 200, 200, 200),
    "minh": (200, 200, 200, 200, 200),
    "lan": (302, 200, 404, 200, 404),
    "nam": (302, 200, 404, 200, 404),
    "mai": (403, 403, 403, 403, 403),
    "khach": (403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_each_persona_sees_only_what_their_role_allows(data: Any, persona: str) -> None:
    c = client_for(data.users[persona])
    urls = [
        "/dossiers/?period=2024",
        "/dossiers/agency/stp/?period=2024",
        "/dossiers/agency/sxd/?period=2024",
        "/dossiers/d/STP-LATE/",
        "/dossiers/d/SXD-1/",
    ]
    assert tuple(c.get(u).status_code for u in urls) == MATRIX[persona]


def test_anonymous_visitors_are_sent_to_the_login_page(data: Any) -> None:
    response = Client().get("/dossiers/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_dashboard_shows_rates_ranking_and_late_fields(data: Any) -> None:
    page = client_for(data.tuan).get("/dossiers/?period=2024").content.decode()
    assert "Tỷ lệ hồ sơ giải quyết trước hạn, đúng hạn" in page
    assert "66,67" in page or "66.67" in page  # 2 of 3 on time
    assert "Sở Tư pháp" in page and "Sở Xây dựng" in page
    assert "Đất đai" in page  # the field of the late dossier
    assert "vendor/echarts/echarts.min.js" in page


def test_the_late_list_names_the_step_and_person_responsible(data: Any) -> None:
    page = client_for(data.lan).get("/dossiers/late/?period=2024").content.decode()
    assert "STP-LATE" in page and "Trần Văn Bình" in page and "SXD" not in page


def test_a_dossiers_timeline_marks_the_step_that_overran(data: Any) -> None:
    page = client_for(data.nam).get("/dossiers/d/STP-LATE/").content.decode()
    assert "Thẩm định" in page  # the template step's name
    assert "Ký duyệt" in page  # planned but never reached
    assert "table-danger" in page


def test_a_dossier_of_a_procedure_without_an_internal_procedure_shows_its_steps(
    data: Any,
) -> None:
    # Many procedures have no internal process template yet; their dossiers still come with
    # the one-stop system's steps, named or not.
    ProcessTemplate.objects.all().delete()
    response = client_for(data.nam).get("/dossiers/d/STP-LATE/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Trần Văn Bình" in page and "Phòng Đăng ký" in page
    assert "not reached yet" not in page and "chưa đến" not in page


def test_an_agency_user_lands_on_their_agency_page(data: Any) -> None:
    response = client_for(data.lan).get("/dossiers/")
    assert response["Location"].endswith("/dossiers/agency/stp/")
    assert client_for(data.lan).get("/dossiers/agency/stp/due-soon/").status_code == 200


def test_the_agency_page_lists_its_own_dossiers_due_soon(data: Any) -> None:
    cal = current_calendar()
    due = cal.add_working_days(cal.clock_start(local(timezone.now())), 1)
    received = cal.moment_at(cal.position(due) - 3 * cal.day_minutes)
    still_open = {
        "TrangThaiHoSo": 4,
        "NgayTiepNhan": f"{received:%Y%m%d%H%M%S}",
        "NgayHenTra": f"{due:%Y%m%d%H%M%S}",
        "NgayKetThucXuLy": "",
    }
    ingest_records(
        [record("STP-OPEN", **still_open), record("SXD-OPEN", DonViXuLy="sxd", **still_open)]
    )
    page = client_for(data.lan).get("/dossiers/agency/stp/").content.decode()
    assert "STP-OPEN" in page and "SXD-OPEN" not in page
    assert "/dossiers/agency/stp/due-soon/" in page
