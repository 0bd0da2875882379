"""In a real Chromium with the Internet cut off: the API documentation page still works."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_docs_page_renders_offline(page: Page, live_server: Any, transactional_db: Any) -> None:
    site = urlsplit(str(live_server.url)).netloc
    outside: list[str] = []

    def only_this_site(route: Route) -> None:
        if urlsplit(route.request.url).netloc == site:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_site)
    page.goto(f"{live_server.url}/api/docs")

    expect(page.get_by_role("heading", name="chiso API")).to_be_visible()
    expect(page.get_by_text("/api/results/{year}/{block}/{agency}")).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"), full_page=True)
    assert outside == []
