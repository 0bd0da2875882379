"""What the registry pages show: lists, filters, an agency's record, blocks and the import page."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.accounts.models import Role
from chiso.org import actions
from chiso.org.models import Agency, Block
from tests.conftest import PASSWORD
from tests.org.helpers import build_registry, csv_file, make_user


def login(client: Client, who: str = "tuan") -> Client:
    assert client.login(username=who, password=PASSWORD)
    return client


def test_it_lists_agencies_valid_today_unless_asked_for_all(client: Client, db: None) -> None:
    build_registry()
    make_user("hanh", Role.VIEWER)
    login(client, "hanh")

    today = client.get("/org/").content.decode()
    everything = client.get("/org/?validity=all").content.decode()

    assert "Sở Xây dựng (sau hợp nhất)" in today and "Sở Giao thông vận tải" not in today
    assert "Sở Giao thông vận tải" in everything and "UBND thành phố Tuy Hòa" in everything


def test_it_filters_agencies_by_type_block_and_search(client: Client, world) -> None:
    block = actions.create_block(code="so", year=2025, name="Khối sở", actor=None)
    actions.set_block_membership(world.stp, 2025, [block], actor=None)
    login(client)

    by_type = client.get("/org/?type=don-vi-truc-thuoc").content.decode()
    by_block = client.get("/org/?year=2025&block=so").content.decode()
    by_search = client.get("/org/?q=xây").content.decode()

    assert "Trung tâm Trợ giúp pháp lý" in by_type and "Sở Tư pháp</a>" not in by_type
    assert "Sở Tư pháp</a>" in by_block and "Sở Xây dựng" not in by_block
    assert "Số cơ quan, đơn vị: 1" in by_search


def test_it_answers_htmx_with_the_table_only(client: Client, world) -> None:
    login(client)

    response = client.get("/org/?q=stp", headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html and "Sở Tư pháp" in html
    assert 'id="block-filter" hx-swap-oob="true"' in html


def test_it_shows_an_agency_with_its_lineage_blocks_and_leaders(client: Client, db: None) -> None:
    registry = build_registry()
    make_user("tuan", Role.REFORM_OFFICE)
    login(client)

    page = client.get(f"/org/agencies/{registry['merged'].code}/").content.decode()

    for text in [
        "Sở Xây dựng (sau hợp nhất)",
        "000.00.21.H48.1",
        "Sở Giao thông vận tải",  # a predecessor
        "hợp nhất thành",  # two units ended and formed this new one (a consolidation)
        "01/03/2025",
        "Khối sở",
        "Nguyễn Văn An",
        "Giám đốc",
        "Người đứng đầu",
        "Trần Thị Bình",
        "LV1, LV3.2",
    ]:
        assert text in page, text


def test_it_shows_an_agency_its_units_below(client: Client, world) -> None:
    login(client, "lan")

    page = client.get("/org/agencies/stp/").content.decode()

    assert 'href="/org/agencies/stp-tgpl/"' in page


def test_it_lists_leaders_with_their_assigned_fields(client: Client, world) -> None:
    person = actions.create_person(code="le-van-nam", full_name="Lê Văn Nam", actor=None)
    term = actions.create_position(
        person, world.stp, role="deputy", start=datetime.date(2023, 1, 1), actor=None
    )
    actions.set_assignment(term, 2025, ["LV2", "LV5"], actor=None)
    login(client, "nam")

    page = client.get("/org/people/").content.decode()

    assert "Lê Văn Nam" in page and "LV2, LV5" in page and "Cấp phó" in page


def test_it_shows_blocks_of_a_year_and_lets_the_reform_office_add_one(
    client: Client, world
) -> None:
    login(client)

    response = client.post("/org/blocks/?year=2026", {"code": "so", "name": "Khối sở", "order": 0})
    page = client.get(response["Location"]).content.decode()

    assert response["Location"] == "/org/blocks/?year=2026"
    assert "Đã tạo khối Khối sở (2026)." in page
    assert Block.objects.filter(code="so", year=2026).exists()
    again = client.post("/org/blocks/?year=2026", {"code": "so", "name": "Khối sở", "order": 0})
    assert "đã tồn tại" in again.content.decode()


def test_it_shows_every_import_error_in_a_table_and_saves_nothing(client: Client, world) -> None:
    login(client)
    data = csv_file(
        [
            ["Mã", "Tên", "Loại", "Mã cơ quan cha"],
            ["sct", "", "so", "sxd-x"],
            ["stc", "Sở Tài chính", "xyz", ""],
        ]
    )

    response = client.post("/org/import/", {"file": SimpleUploadedFile("co-quan.csv", data)})

    html = response.content.decode()
    assert response.status_code == 200
    assert "3 lỗi: chưa nhập gì." in html
    assert "<td>Mã cơ quan cha</td><td>không tìm thấy cơ quan &#x27;sxd-x&#x27;</td>" in html
    assert not Agency.objects.filter(code__in=["sct", "stc"]).exists()


def test_it_imports_a_good_file_and_says_what_changed(client: Client, world) -> None:
    login(client)
    data = csv_file([["Mã", "Tên", "Loại"], ["sct", "Sở Công Thương", "so"]])

    response = client.post(
        "/org/import/", {"file": SimpleUploadedFile("co-quan.csv", data)}, follow=True
    )

    assert "Cơ quan, đơn vị: 1 tạo mới, 0 cập nhật, 0 không đổi." in response.content.decode()
    assert Agency.objects.filter(code="sct").exists()


def test_it_reports_errors_in_english_for_an_english_user(client: Client, world) -> None:
    login(client)
    client.cookies["django_language"] = "en"
    data = csv_file([["Code", "Name", "Type"], ["sct", "", "so"]])

    response = client.post("/org/import/", {"file": SimpleUploadedFile("a.csv", data)})

    assert "<td>Name</td><td>cannot be empty</td>" in response.content.decode()


def test_it_downloads_an_export_as_an_attachment(client: Client, world) -> None:
    login(client, "hanh")

    response = client.get("/org/export/?kind=agencies&format=xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="chiso-agencies-')
    assert client.get("/org/export/?kind=secrets&format=xlsx").status_code == 404


def test_it_links_the_registry_in_the_menu_of_those_who_may_read_it(client: Client, world) -> None:
    login(client, "lan")
    menu = client.get("/").content.decode()
    client.logout()
    login(client, "mai")
    other = client.get("/").content.decode()

    assert 'href="/org/">Cơ quan, đơn vị</a>' in menu and 'href="/org/people/">Lãnh đạo</a>' in menu
    assert 'href="/org/"' not in other
