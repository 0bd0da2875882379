"""Dossier pages show a period as people write it ("Quý 4/2024", "11/2024", "2024"; in English
"Q4 2024") in the period field, headings and captions, whatever form was typed, while links and
hidden form fields keep the canonical form (2024-Q4, 2024-11) and the field still reads back."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from chiso.dossiers.periods import display, normalise, parse_user_period
from tests.dossiers.test_periods import client_for, data  # noqa: F401

PAGES = [
    "/dossiers/",
    "/dossiers/agency/stp/",
    "/dossiers/fields/DDAI/",
    "/dossiers/late/",
    "/dossiers/petitions/",
    "/dossiers/inputs/",
]


def _for_people(page: str) -> str:
    """The page without what people do not read: link targets and hidden fields."""
    page = re.sub(r'href="[^"]*"', "", page)
    return re.sub(r'<input type="hidden"[^>]*>', "", page)


def _english(user: Any) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize(
    ("canonical", "vi", "en"),
    [
        ("2024-Q4", "Quý 4/2024", "Q4 2024"),
        ("2024-11", "11/2024", "11/2024"),
        ("2024", "2024", "2024"),
    ],
)
def test_a_period_is_written_as_people_read_it_and_reads_back(
    canonical: str, vi: str, en: str
) -> None:
    with translation.override("vi"):
        assert display(canonical) == vi
    with translation.override("en"):
        assert display(canonical) == en
    for written in (vi, en, canonical):
        assert normalise(written) == canonical
        assert parse_user_period(written).label == canonical


@pytest.mark.parametrize("typed", ["Q4/2024", "2024-Q4", "Quý 4/2024"])
@pytest.mark.parametrize("url", PAGES)
def test_every_dossier_page_shows_the_quarter_in_words(data: Any, url: str, typed: str) -> None:  # noqa: F811
    response = client_for(data.tuan).get(url, {"period": typed})
    page = response.content.decode()

    assert response.status_code == 200
    assert 'id="period" name="period"' in page
    assert re.search(r'id="period" name="period"[^>]*value="Quý 4/2024"', page)
    assert "2024-Q4" not in _for_people(page)


def test_headings_and_links_on_the_dashboard(data: Any) -> None:  # noqa: F811
    page = client_for(data.tuan).get("/dossiers/", {"period": "11/2024"}).content.decode()

    assert "Các tỷ lệ kỳ 11/2024" in page
    assert "/dossiers/late/?period=2024-11" in page  # the link keeps the canonical form
    assert "2024-11" not in _for_people(page)


def test_captions_of_the_late_list_petitions_and_inputs(data: Any) -> None:  # noqa: F811
    client = client_for(data.tuan)
    late = client.get("/dossiers/late/", {"period": "Q4/2024"}).content.decode()
    petitions = client.get("/dossiers/petitions/", {"period": "Q4/2024"}).content.decode()
    overview = client.get("/dossiers/inputs/", {"period": "Q4/2024"}).content.decode()
    one = client.get("/dossiers/inputs/", {"period": "Q4/2024", "agency": "stp"}).content.decode()

    assert "hồ sơ tiếp nhận trong kỳ Quý 4/2024 giải quyết xong" in late
    assert "tiếp nhận trong kỳ Quý 4/2024 theo cơ quan" in petitions
    assert '<input type="hidden" name="period" value="2024-Q4">' in petitions
    assert "Tỷ lệ phần trăm dùng cho bảng điểm kỳ Quý 4/2024;" in overview
    assert "Số liệu đã nhập cho kỳ Quý 4/2024." in one
    assert '<input type="hidden" name="period" value="2024-Q4">' in one


def test_a_refused_period_names_the_default_year_in_words(data: Any) -> None:  # noqa: F811
    page = client_for(data.tuan).get("/dossiers/", {"period": "Q5/2024"}).content.decode()

    assert 'value="Q5/2024"' in page  # what was typed, to correct it
    assert "Đang hiển thị 2024." in page


@pytest.mark.parametrize("url", PAGES)
def test_in_english_the_quarter_reads_q4_2024(data: Any, url: str) -> None:  # noqa: F811
    page = _english(data.tuan).get(url, {"period": "Quý 4/2024"}).content.decode()

    assert re.search(r'id="period" name="period"[^>]*value="Q4 2024"', page)
    assert "2024-Q4" not in _for_people(page)


def test_the_english_form_reads_back_on_the_page(data: Any) -> None:  # noqa: F811
    client = _english(data.tuan)
    page = client.get("/dossiers/", {"period": "Q4 2024"}).content.decode()

    assert "Rates for Q4 2024" in page
    assert "/dossiers/late/?period=2024-Q4" in page
