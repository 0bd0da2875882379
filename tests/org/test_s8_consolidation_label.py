"""The registry names a change as the law does: units that end and together form a NEW agency
are a consolidation ("hợp nhất thành"); units absorbed by an agency that already existed are a
merger ("sáp nhập vào") (Nghị định 158/2018/NĐ-CP, Điều 2). A new agency without results or
leaders of its own points to its predecessors' pages for the years before it existed."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from chiso.accounts.models import Membership, Role
from chiso.org import actions
from chiso.org.models import Agency, AgencyType, Lineage
from tests.conftest import PASSWORD
from tests.org.helpers import build_registry, make_user

MARCH_1 = datetime.date(2025, 3, 1)


def page_text(client: Client, code: str) -> str:
    """The agency page as a reader sees it: tags removed, spaces collapsed."""
    response = client.get(f"/org/agencies/{code}/")
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def lineage_rows(text: str) -> str:
    """The text of the lineage section (between its heading and the blocks heading)."""
    return text.split("Quá trình sắp xếp, kế thừa", 1)[1].split("Khối đánh giá", 1)[0]


def consolidate(so: AgencyType, *olds: Agency) -> Agency:
    """A new agency formed on 01/03/2025 from ``olds``, which end the day before."""
    new = actions.create_agency(
        code="stc-2025", name="Sở Tài chính (sau hợp nhất)", type=so, valid_from=MARCH_1, actor=None
    )
    for old in olds:
        actions.add_lineage(
            old, new, kind=Lineage.Kind.MERGED_INTO, effective_date=MARCH_1, actor=None
        )
    return new


def finance_merger(world: Any) -> Agency:
    """Sở Kế hoạch và Đầu tư and Sở Tài chính consolidated into the new Sở Tài chính."""
    so = world.stp.type
    skhdt = actions.create_agency(code="skhdt", name="Sở Kế hoạch và Đầu tư", type=so, actor=None)
    stc = actions.create_agency(code="stc", name="Sở Tài chính", type=so, actor=None)
    return consolidate(so, skhdt, stc)


def test_two_units_forming_a_new_agency_read_as_a_consolidation_on_every_page(
    client: Client, db: None
) -> None:
    registry = build_registry()
    make_user("tuan", Role.REFORM_OFFICE)
    assert client.login(username="tuan", password=PASSWORD)

    new = lineage_rows(page_text(client, registry["merged"].code))
    old = lineage_rows(page_text(client, "sxd"))

    assert "Sở Giao thông vận tải hợp nhất thành Sở Xây dựng (sau hợp nhất)" in new
    assert "Sở Xây dựng hợp nhất thành Sở Xây dựng (sau hợp nhất)" in new
    assert "sáp nhập" not in new
    # The predecessor's page names the unit it was consolidated with.
    assert (
        "Sở Xây dựng hợp nhất thành cùng với Sở Giao thông vận tải Sở Xây dựng (sau hợp nhất)"
        in old
    )
    assert "sáp nhập" not in old


def test_units_absorbed_by_an_agency_that_already_existed_read_as_a_merger(
    client: Client, world
) -> None:
    so = world.stp.type
    for code, name in [("ptp-tuyhoa", "Phòng Tư pháp Tuy Hòa"), ("ptp-songcau", "Phòng Tư pháp")]:
        old = actions.create_agency(code=code, name=name, type=so, actor=None)
        actions.add_lineage(
            old, world.stp, kind=Lineage.Kind.MERGED_INTO, effective_date=MARCH_1, actor=None
        )
    assert client.login(username="tuan", password=PASSWORD)

    rows = lineage_rows(page_text(client, "stp"))

    assert "Phòng Tư pháp Tuy Hòa sáp nhập vào Sở Tư pháp" in rows
    assert "Phòng Tư pháp sáp nhập vào Sở Tư pháp" in rows
    assert "hợp nhất" not in rows and "cùng với" not in rows
    # Sở Tư pháp's earlier years are its own: no pointer to the absorbed units.
    assert "Kết quả các năm trước" not in page_text(client, "stp")


def test_a_new_agency_without_results_or_leaders_points_to_its_predecessors(
    client: Client, world
) -> None:
    new = finance_merger(world)
    assert client.login(username="hanh", password=PASSWORD)

    html = client.get(f"/org/agencies/{new.code}/").content.decode()
    text = page_text(client, new.code)

    assert (
        "Chưa có kết quả. Kết quả các năm trước: xem Sở Kế hoạch và Đầu tư (đến 28/02/2025), "
        "Sở Tài chính (đến 28/02/2025)." in text
    )
    assert (
        "Chưa có thông tin lãnh đạo. Lãnh đạo trước khi sắp xếp: xem Sở Kế hoạch và Đầu tư "
        "(đến 28/02/2025), Sở Tài chính (đến 28/02/2025)." in text
    )
    assert 'href="/org/agencies/skhdt/#results"' in html
    assert 'href="/org/agencies/stc/#leaders"' in html
    # The pointers land on the sections of the predecessor's page.
    predecessor = client.get("/org/agencies/stc/").content.decode()
    assert 'id="results"' in predecessor and 'id="leaders"' in predecessor


def test_an_agency_without_predecessors_shows_no_pointer(client: Client, world) -> None:
    assert client.login(username="tuan", password=PASSWORD)

    text = page_text(client, "stp")

    assert "Chưa có kết quả." in text
    assert "Kết quả các năm trước" not in text and "Lãnh đạo trước khi sắp xếp" not in text


def test_the_new_agencys_own_staff_see_predecessor_names_but_no_links_to_them(
    client: Client, world
) -> None:
    new = finance_merger(world)
    officer = User.objects.create_user("thu", password=PASSWORD)
    Membership.objects.create(user=officer, role=Role.FOCAL_OFFICER, agency=new)
    assert client.login(username="thu", password=PASSWORD)

    html = client.get(f"/org/agencies/{new.code}/").content.decode()

    assert "Kết quả các năm trước: xem Sở Kế hoạch và Đầu tư (đến 28/02/2025)" in page_text(
        client, new.code
    )
    assert "/org/agencies/skhdt/" not in html and "/org/agencies/stc/" not in html
    assert client.get("/org/agencies/stc/").status_code == 404


def test_the_demo_consolidations_of_2025_read_as_such(client: Client, demo: None) -> None:
    client.force_login(User.objects.get(username="tuan"))

    for code, olds in [
        ("stc-2025", ["Sở Kế hoạch và Đầu tư", "Sở Tài chính"]),
        ("snnmt", ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Tài nguyên và Môi trường"]),
    ]:
        text = page_text(client, code)
        rows = lineage_rows(text)
        assert "sáp nhập" not in rows
        for old in olds:
            assert f"{old} hợp nhất thành" in rows
        pointer = ", ".join(f"{old} (đến 28/02/2025)" for old in olds)
        assert f"Kết quả các năm trước: xem {pointer}." in text

    # What the pointer leads to: the predecessor's published results.
    results = page_text(client, "stc").split("Kết quả Chỉ số CCHC", 1)[1].split("Lãnh đạo")[0]
    assert "2023 · Khối sở, ban, ngành" in results and "Chưa có kết quả" not in results
