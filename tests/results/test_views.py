"""Results pages: what each persona may see, and what the pages say."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chiso.results.actions import compute_result_set, finalise_result_set, publish_result_set
from tests.conftest import PASSWORD
from tests.results.test_result_sets import inputs
from tests.results.test_result_sets import setup as setup  # noqa: F401 - fixture

URLS = ["/results/", "/results/2023/so-ban-nganh/", "/results/2023/so-ban-nganh/stp/"]


def client_for(world: Any, persona: str | None) -> Client:
    client = Client()
    if persona:
        assert client.login(username=persona, password=PASSWORD)
    return client


@pytest.fixture
def draft(world: Any, setup: Any) -> Any:  # noqa: F811
    framework, block = setup
    return compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("tuan", [200, 200, 200]),
        ("hanh", [200, 200, 200]),
        ("minh", [200, 200, 200]),
        # Agency users and the survey operator see nothing before publication.
        ("lan", [200, 404, 404]),
        ("nam", [200, 404, 404]),
        ("mai", [200, 404, 404]),
        ("khach", [403, 403, 403]),
    ],
)
def test_unpublished_results_matrix(
    world: Any, draft: Any, persona: str, expected: list[int]
) -> None:
    client = client_for(world, persona)
    assert [client.get(url).status_code for url in URLS] == expected


def test_anonymous_users_are_sent_to_login(world: Any, draft: Any) -> None:
    for url in URLS:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


@pytest.mark.parametrize("persona", ["lan", "nam", "mai"])
def test_published_results_are_visible_to_every_role(world: Any, draft: Any, persona: str) -> None:
    finalise_result_set(draft, actor=world.tuan)
    publish_result_set(draft, actor=world.tuan)
    client = client_for(world, persona)
    assert [client.get(url).status_code for url in URLS] == [200, 200, 200]


def test_the_ranking_page_shows_numbers_the_vietnamese_way(world: Any, draft: Any) -> None:
    page = client_for(world, "tuan").get("/results/2023/so-ban-nganh/").content.decode()
    assert "Sở Tư pháp" in page and "3,00" in page and "Hạng" in page


def test_the_scorecard_explains_each_item(world: Any, draft: Any) -> None:
    page = client_for(world, "tuan").get("/results/2023/so-ban-nganh/stp/").content.decode()
    assert "Theo mức: số ngày 0 ≤ 0 → 1,00 điểm" in page
    assert "chưa nhập giá trị → 0,00 điểm" in page
