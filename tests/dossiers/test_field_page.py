"""The field page (/dossiers/fields/<code>/): a field's rates, its agencies worst first, its
late procedures and who the delays are attributed to, each figure opening the late list."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chiso.dossiers.ingest import ingest_records
from tests.conftest import PASSWORD
from tests.dossiers.helpers import make_procedures, record

# Received Mon 08/01/2024 09:00, due Thu 11/01 09:00, finished Tue 16/01 09:00: late. The
# specialist's step (Thẩm định, 8 working hours allotted) took five working days.
LATE = {
    "NgayKetThucXuLy": "20240116090000",
    "QuaTrinhXuLy": [
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
    ],
}


def late_at(agency: str, person: str) -> dict[str, Any]:
    steps = [dict(s) for s in LATE["QuaTrinhXuLy"]]
    steps[1]["NguoiXuLy"] = person
    return {**LATE, "DonViXuLy": agency, "QuaTrinhXuLy": steps}


@pytest.fixture
def data(world: Any) -> Any:
    """Land (DDAI): Sở Tư pháp 1 of 2 late, Sở Xây dựng 1 of 4 late; one justice dossier."""
    make_procedures()
    ingest_records(
        [
            record("STP-1"),
            record("STP-LATE", **late_at("stp", "Trần Văn Bình")),
            *(record(f"SXD-{i}", DonViXuLy="sxd") for i in range(3)),
            record("SXD-LATE", **late_at("sxd", "Lê Văn Sáu")),
            record("STP-LLTP", MaTTHC="2.000002", DanhSachLePhi=[], HinhThucTra=1),
        ]
    )
    return world


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def page_of(user: Any, url: str = "/dossiers/fields/DDAI/?period=2024") -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def section(page: str, element_id: str) -> str:
    """The HTML of the table with ``element_id`` (the tables of the page do not nest)."""
    start = page.index(f'id="{element_id}"')
    return page[start : page.index("</table>", start)]


# persona → (own field page, unknown field, a bad period: the page with a message, 400)
MATRIX = {
    "tuan": (200, 404, 400),
    "hanh": (200, 404, 400),
    "minh": (200, 404, 400),
    "lan": (200, 404, 400),
    "nam": (200, 404, 400),
    "mai": (403, 403, 403),
    "khach": (403, 403, 403),
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_each_persona_opens_the_field_page_as_their_role_allows(data: Any, persona: str) -> None:
    c = client_for(data.users[persona])
    urls = [
        "/dossiers/fields/DDAI/?period=2024",
        "/dossiers/fields/KHONGCO/?period=2024",
        "/dossiers/fields/DDAI/?period=2024-Q5",
    ]
    assert tuple(c.get(u).status_code for u in urls) == MATRIX[persona]


def test_anonymous_visitors_are_sent_to_the_login_page(data: Any) -> None:
    response = Client().get("/dossiers/fields/DDAI/")
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("persona", ["lan", "nam"])
def test_an_agency_user_sees_only_their_own_agency_in_the_field(data: Any, persona: str) -> None:
    page = page_of(data.users[persona])
    agencies = section(page, "field-agencies")
    assert "Sở Tư pháp" in agencies and "Sở Xây dựng" not in agencies
    assert "Trần Văn Bình" in page and "Lê Văn Sáu" not in page
    # The rates are those of Sở Tư pháp alone: 1 of 2 land dossiers on time.
    assert "1 / 2" in page
    late = client_for(data.users[persona]).get(
        "/dossiers/late/?period=2024&field=DDAI&person=Lê Văn Sáu"
    )
    assert "SXD-LATE" not in late.content.decode()


def test_the_reform_office_sees_every_agency_of_the_field_worst_first(data: Any) -> None:
    page = page_of(data.tuan)
    assert "Lĩnh vực: Đất đai" in page
    agencies = section(page, "field-agencies")
    # Sở Tư pháp: 50,00 % on time, Sở Xây dựng 75,00 %: the worse comes first.
    assert agencies.index("Sở Tư pháp") < agencies.index("Sở Xây dựng")
    assert "50,00" in agencies and "75,00" in agencies
    assert "4 / 6" in page  # province rate of the field: 4 of 6 on time
    assert "Lý lịch tư pháp" not in page  # another field's dossier is not counted
    assert "Đăng ký biến động đất đai" in page  # the procedure with late dossiers
    assert "Thẩm định" in page  # the template step the delays are attributed to
    assert "Chuyên viên" in page
    assert "Trần Văn Bình" in page and "Lê Văn Sáu" in page
    assert "vendor/echarts/echarts.min.js" in page and 'id="chart-trend"' in page
    assert "01/2024" in page  # the trend's table fallback


def test_each_figure_opens_the_late_list_filtered_to_the_dossiers_it_counts(data: Any) -> None:
    page = page_of(data.tuan)
    links = {html_unescape(href) for href in re.findall(r'href="(/dossiers/late/\?[^"]+)"', page)}
    person_link = next(u for u in links if "person=" in u and "L%C3%AA" in u)
    role_link = next(u for u in links if "role=chuyen_vien" in u and "step=" not in u)
    step_link = next(u for u in links if "step=2" in u)
    agency_link = next(u for u in links if "agency=stp" in u)
    c = client_for(data.tuan)
    assert codes_in(c.get(person_link)) == {"SXD-LATE"}
    assert codes_in(c.get(role_link)) == {"STP-LATE", "SXD-LATE"}
    assert codes_in(c.get(step_link)) == {"STP-LATE", "SXD-LATE"}
    assert codes_in(c.get(agency_link)) == {"STP-LATE"}
    # A step that no late dossier is attributed to lists nothing.
    assert codes_in(c.get("/dossiers/late/?period=2024&field=DDAI&step=1")) == set()


def test_malformed_late_list_filters_answer_404(data: Any) -> None:
    c = client_for(data.tuan)
    assert c.get("/dossiers/late/?period=2024&step=hai").status_code == 404
    assert c.get("/dossiers/late/?period=2024&role=giam_doc").status_code == 404


def test_the_dashboard_links_each_field_to_its_page(data: Any) -> None:
    page = page_of(data.tuan, "/dossiers/?period=2024")
    assert 'href="/dossiers/fields/DDAI/?period=2024">Đất đai</a>' in page


def html_unescape(text: str) -> str:
    return text.replace("&amp;", "&")


def codes_in(response: Any) -> set[str]:
    assert response.status_code == 200
    return set(re.findall(r'href="/dossiers/d/([^/"]+)/"', response.content.decode()))


def queries_of_field_page(user: Any) -> int:
    client = client_for(user)
    url = "/dossiers/fields/DDAI/?period=2024"
    client.get(url)  # session and caches warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and "Trần Văn Bình" in response.content.decode()
    return len(captured.captured_queries)


def batch(n: int) -> list[dict[str, Any]]:
    """``n`` copies of the same mix: on time, late with steps, still open, at two agencies."""
    out = []
    for i in range(n):
        out += [
            record(f"A{i}"),
            record(f"B{i}", **late_at("stp", "Trần Văn Bình")),
            record(f"C{i}", DonViXuLy="sxd", NgayKetThucXuLy="", TrangThaiHoSo=4),
            record(f"D{i}", **late_at("sxd", f"Người thứ {i % 3}")),
        ]
    return out


@pytest.mark.parametrize("persona", ["tuan", "lan"])
def test_the_field_page_costs_the_same_queries_for_8_and_200_dossiers(
    world: Any, persona: str
) -> None:
    make_procedures()
    ingest_records(batch(2))
    small = queries_of_field_page(world.users[persona])
    ingest_records(batch(50))
    large = queries_of_field_page(world.users[persona])
    assert large == small, (small, large)
