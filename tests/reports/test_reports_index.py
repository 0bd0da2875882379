"""``/reports/``: the official outputs each persona may download, by year and block, with the
scorecards of their own agency; every link on it opens for them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from chiso.results.actions import compute_result_set, finalise_result_set, publish_result_set
from tests.results.test_result_sets import inputs
from tests.results.test_result_sets import setup as setup  # noqa: F401 - fixture

INDEX = "/reports/"
XLSX = "/reports/2023/so-ban-nganh.xlsx"
PROVINCE = "/reports/2023.pdf"
STP = "/reports/2023/so-ban-nganh/stp.pdf"
SXD = "/reports/2023/so-ban-nganh/sxd.pdf"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def draft(world: Any, setup: Any) -> Any:  # noqa: F811
    framework, block = setup
    return compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")


@pytest.fixture
def published(world: Any, draft: Any) -> Any:
    finalise_result_set(draft, actor=world.tuan)
    return publish_result_set(draft, actor=world.tuan)


def downloads(html: str) -> set[str]:
    return set(re.findall(r'href="(/reports/[^"]+\.(?:pdf|xlsx))"', html))


# Before publication only province-wide roles read the results (and so their reports).
DRAFT = {
    "tuan": {XLSX, PROVINCE},
    "hanh": {XLSX, PROVINCE},
    "minh": {XLSX, PROVINCE},
    "lan": set(),
    "nam": set(),
    "mai": set(),
}
# Once published, everyone with a role; agency users also get their own agency's scorecard.
PUBLISHED = DRAFT | {
    "lan": {XLSX, PROVINCE, STP},
    "nam": {XLSX, PROVINCE, STP},
    "mai": {XLSX, PROVINCE},
}


def test_the_index_answers_each_persona_by_scope(world: Any, draft: Any) -> None:
    assert Client().get(INDEX).status_code == 302  # to the login page
    assert client_for(world.khach).get(INDEX).status_code == 403
    for name, expected in DRAFT.items():
        response = client_for(getattr(world, name)).get(INDEX)
        assert response.status_code == 200, name
        assert downloads(response.content.decode()) == expected, name


def test_after_publication_each_persona_downloads_what_the_index_offers(
    world: Any, published: Any
) -> None:
    for name, expected in PUBLISHED.items():
        client = client_for(getattr(world, name))
        html = client.get(INDEX).content.decode()
        assert downloads(html) == expected, name
        assert SXD not in html  # never another agency's scorecard one by one
        for url in expected:
            assert client.get(url).status_code == 200, (name, url)


def test_province_wide_readers_ask_for_every_scorecard_as_a_zip(world: Any, draft: Any) -> None:
    html = client_for(world.hanh).get(INDEX).content.decode()
    assert 'name="kind" value="scorecards_zip"' in html
    assert 'action="/reports/jobs/new/"' in html
    assert f'href="{"/results/2023/so-ban-nganh/"}"' in html  # the block's results page


def test_the_index_says_when_there_is_nothing_yet(world: Any, draft: Any) -> None:
    html = client_for(world.lan).get(INDEX).content.decode()
    assert 'href="/reports/jobs/"' in html
    assert "<table" not in html.split("<main")[1] and "scorecards_zip" not in html
    assert "Chưa có kết quả nào bạn được xem" in html


def test_the_navigation_leads_to_the_reports(world: Any) -> None:
    html = client_for(world.lan).get("/").content.decode()
    nav = html.split('class="main-nav')[1].split("</nav>")[0]
    assert f'href="{INDEX}"' in nav
