"""Who may download which output: the results pages' rules, as files."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from chiso.results.models import ResultSet
from tests.reports.conftest import client_as

URLS = [
    "/reports/2023/so-ban-nganh.xlsx",
    "/reports/2023/so-ban-nganh/stp.pdf",  # Lan's and Nam's agency
    "/reports/2023/so-ban-nganh/sxd.pdf",  # another agency
    "/reports/2023.pdf",
]


def statuses(persona: str | None, urls: list[str] = URLS) -> list[int]:
    client = client_as(persona)
    return [client.get(url).status_code for url in urls]


MATRIX = {
    "tuan": [200, 200, 200, 200],
    "hanh": [200, 200, 200, 200],
    "minh": [200, 200, 200, 200],
    # Published results are everyone's with a role, as on the results pages.
    "lan": [200, 200, 200, 200],
    "nam": [200, 200, 200, 200],
    "khach": [403, 403, 403, 403],
}


def test_published_outputs_matrix(demo: None) -> None:
    assert {persona: statuses(persona) for persona in MATRIX} == MATRIX


def test_unpublished_outputs_are_hidden_from_agency_users(demo: None) -> None:
    # The 2023 department block back to "finalised": only province-wide roles see it.
    ResultSet.objects.filter(year=2023, block__code="so-ban-nganh").update(
        status=ResultSet.Status.FINALISED, published_at=None
    )
    assert statuses("tuan") == [200, 200, 200, 200]
    assert statuses("hanh")[:3] == [200, 200, 200]
    assert statuses("lan") == [404, 404, 404, 200]  # the province PDF: the district block only
    assert statuses("lan", ["/reports/2023/huyen.xlsx"]) == [200]


def test_anonymous_users_are_sent_to_login(demo: None) -> None:
    for url in URLS:
        response = client_as(None).get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_unknown_year_block_or_agency_is_404(demo: None) -> None:
    urls = ["/reports/2019.pdf", "/reports/2023/nope.xlsx", "/reports/2023/huyen/stp.pdf"]
    assert statuses("tuan", urls) == [404, 404, 404]


def test_downloads_are_attachments_with_vietnamese_names(demo: None) -> None:
    client = client_as("lan")
    response: Any = client.get("/reports/2023/so-ban-nganh/stp.pdf")
    assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Chi-so-CCHC-2023-So-Tu-phap.pdf"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Chỉ số CCHC 2023 - Sở Tư pháp.pdf"
    xlsx = client.get("/reports/2023/huyen.xlsx")
    assert xlsx["Content-Type"].endswith("spreadsheetml.sheet") and xlsx.content[:2] == b"PK"
    assert "filename*=UTF-8''K%E1%BA%BFt%20qu%E1%BA%A3" in xlsx["Content-Disposition"]


def test_the_results_pages_offer_the_downloads(demo: None) -> None:
    client = client_as("lan")
    block = client.get("/results/2023/so-ban-nganh/").content.decode()
    assert 'href="/reports/2023/so-ban-nganh.xlsx"' in block and 'href="/reports/2023.pdf"' in block
    card = client.get("/results/2023/so-ban-nganh/stp/").content.decode()
    assert 'href="/reports/2023/so-ban-nganh/stp.pdf"' in card
    index = client.get("/results/").content.decode()
    assert 'href="/reports/2022.pdf"' in index and 'href="/reports/2023.pdf"' in index


def test_only_get_is_allowed(demo: None) -> None:
    assert client_as("tuan").post(URLS[0]).status_code == 405
