"""Anyone, without logging in, reads the published results, and nothing more."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from chiso.org.models import Person
from chiso.results.models import AgencyScore, PublishedSnapshot, ResultSet


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_anyone_sees_the_published_results_of_the_latest_year(demo: None) -> None:
    response = Client().get("/cong-khai/")
    assert response.status_code == 200
    assert response["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    page = text(response.content.decode())
    assert "Kết quả Chỉ số CCHC năm 2023 đã công bố" in page
    assert "82,22%" in page and "+7,60 điểm so với năm trước (74,62%)" in page
    # The district block: 8 tốt, 1 khá (Xuất sắc, Tốt, Khá, Trung bình, Yếu).
    assert "Khối UBND cấp huyện" in page
    counts = re.search(r"Số cơ quan, đơn vị theo xếp loại, Khối UBND cấp huyện (.*?) Bảng", page)
    assert counts is not None
    assert counts.group(1).split()[-5:] == ["0", "8", "1", "0", "0"]
    assert "1 UBND thành phố Tuy Hòa 88,62 Tốt 78,45" in page
    snapshot = PublishedSnapshot.objects.get(result_set__year=2023, result_set__block__code="huyen")
    assert f"Mã kiểm chứng: {snapshot.sequence}-{snapshot.hash[:16]}" in page


def test_an_earlier_year_and_an_agency_scorecard(demo: None) -> None:
    page = text(Client().get("/cong-khai/2022/").content.decode())
    assert "74,62%" in page and "Ban Quản lý Khu kinh tế 85,70" in page
    response = Client().get("/cong-khai/2023/so-ban-nganh/stp/")
    assert response.status_code == 200
    page = text(response.content.decode())
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    assert "Sở Tư pháp — Chỉ số CCHC năm 2023" in page
    assert "90,36% · Xuất sắc · hạng 1" in page and "76,06%" in page
    for leader in score.leaders:
        assert leader["name"] in page
    field = next(n for n in score.nodes if n["depth"] == 0)
    assert field["title"] in page
    assert "Mã kiểm chứng" in page


def test_unpublished_results_are_invisible(demo: None) -> None:
    for status in (ResultSet.Status.FINALISED, ResultSet.Status.DRAFT):
        ResultSet.objects.filter(year=2023).update(status=status)
        client = Client()
        assert client.get("/cong-khai/2023/").status_code == 404
        assert client.get("/cong-khai/2023/so-ban-nganh/stp/").status_code == 404
        page = client.get("/cong-khai/").content.decode()
        assert "năm 2022 đã công bố" in text(page)  # 2022 is still the latest published year
        assert "/cong-khai/2023/" not in page and "90,36" not in page
    assert Client().get("/cong-khai/2019/").status_code == 404


def test_no_inputs_explanations_or_contact_details_leak(demo: None) -> None:
    person = Person.objects.get(code="stp-ld0")
    Person.objects.filter(pk=person.pk).update(
        email="giamdoc.stp@example.gov.vn", phone="0257 3 999 888"
    )
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    html = Client().get("/cong-khai/2023/so-ban-nganh/stp/").content.decode()
    html += Client().get("/cong-khai/2023/").content.decode()
    assert "giamdoc.stp@example.gov.vn" not in html and "999 888" not in html
    assert "@" not in text(html)
    assert "stp-ld0" not in html  # person codes stay internal
    for node in score.nodes:
        assert node["explanation"]["vi"] not in html  # explanations quote the inputs
        if node["depth"] > 0:
            assert f">{node['code']}<" not in html and f"{node['code']}. " not in html
    for fact in score.inputs["facts"]:  # e.g. dossier.on_time_rate
        assert fact not in html


def test_the_login_page_links_the_public_results(db: Any) -> None:
    page = Client().get("/login/").content.decode()
    assert 'href="/cong-khai/"' in page and "Xem kết quả công bố" in page


def test_the_page_works_in_english_and_with_nothing_published(db: Any) -> None:
    client = Client()
    client.cookies["django_language"] = "en"
    page = client.get("/cong-khai/").content.decode()
    assert "No results have been published yet." in page
