"""The late-dossier list's filter form: period, agency (within the user's scope), field,
procedure and role, each filter in use shown as a badge with a link that clears it, and a
message instead of a silently empty list for an unknown field or agency code."""

from __future__ import annotations

from html import unescape
from typing import Any

import pytest
from django.test import Client

from chiso.dossiers.ingest import ingest_records
from tests.conftest import PASSWORD
from tests.dossiers.helpers import make_procedures, record

LATE = {
    "NgayKetThucXuLy": "20240116090000",
    "QuaTrinhXuLy": [
        {
            "ThuTu": 2,
            "BuocQuyTrinh": 2,
            "NguoiXuLy": "Trần Văn Bình",
            "NgayBatDau": "20240108100000",
            "NgayKetThuc": "20240115100000",
        }
    ],
}


@pytest.fixture
def data(world: Any) -> Any:
    make_procedures()
    ingest_records(
        [
            record("STP-LATE", **LATE),
            record("SXD-LATE", DonViXuLy="sxd", **LATE),
            record("STP-OK"),
        ]
    )
    return world


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_the_late_list_has_a_labelled_filter_form(data: Any) -> None:
    page = client_for(data.tuan).get("/dossiers/late/?period=2024").content.decode()
    for name, label in [
        ("period", "Kỳ: năm, quý hoặc tháng"),
        ("f-agency", "Cơ quan, đơn vị"),
        ("f-field", "Lĩnh vực"),
        ("f-procedure", "Mã thủ tục"),
        ("f-role", "Vai trò chịu trách nhiệm"),
    ]:
        assert f'for="{name}">{label}' in page
    assert '<option value="DDAI">Đất đai</option>' in page
    assert '<option value="sxd">Sở Xây dựng</option>' in page
    assert "STP-LATE" in page and "SXD-LATE" in page


def test_an_agency_user_may_only_choose_agencies_in_their_scope(data: Any) -> None:
    c = client_for(data.lan)
    page = c.get("/dossiers/late/?period=2024").content.decode()
    assert '<option value="stp">' in page and '<option value="sxd">' not in page
    refused = c.get("/dossiers/late/?period=2024&agency=sxd")
    text = refused.content.decode()
    assert refused.status_code == 400
    assert "Không có cơ quan mã “sxd” trong số các cơ quan bạn được xem." in text
    assert "SXD-LATE" not in text and "STP-LATE" in text


def test_an_unknown_field_code_is_explained_not_an_empty_list(data: Any) -> None:
    response = client_for(data.tuan).get("/dossiers/late/?period=2024&field=NOPE")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Không có lĩnh vực mã “NOPE” trong danh mục thủ tục." in page
    assert "Đã bỏ qua bộ lọc này." in page
    assert "STP-LATE" in page  # the list without that filter


def test_each_filter_badge_clears_itself_and_one_link_clears_all(data: Any) -> None:
    c = client_for(data.tuan)
    url = "/dossiers/late/?period=2024&agency=sxd&field=DDAI&role=chuyen_vien"
    page = c.get(url).content.decode()
    assert "SXD-LATE" in page and "STP-LATE" not in page
    clear_agency = unescape(page.split('aria-label="Bỏ lọc theo cơ quan Sở Xây dựng"')[0])
    href = clear_agency.rsplit('href="', 1)[1].split('"', 1)[0]
    assert "agency=" not in href and "field=DDAI" in href and "role=chuyen_vien" in href
    without_agency = c.get("/dossiers/late/" + href).content.decode()
    assert "STP-LATE" in without_agency and "SXD-LATE" in without_agency
    assert 'href="?period=2024">Bỏ tất cả bộ lọc</a>' in page


def test_the_filter_form_keeps_the_chosen_values(data: Any) -> None:
    page = (
        client_for(data.tuan)
        .get("/dossiers/late/", {"period": "Q1/2024", "agency": "stp", "role": "chuyen_vien"})
        .content.decode()
    )
    assert 'value="Quý 1/2024"' in page
    assert '<option value="stp" selected>' in page
    assert '<option value="chuyen_vien" selected>' in page
