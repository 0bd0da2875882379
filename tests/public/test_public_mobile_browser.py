"""In Chromium on a 360 px wide phone: a citizen opens the public results from the login page.

The screenshot lands in test-artifacts/public-mobile.png for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from chiso.demo.build import build

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo_site(transactional_db: Any, live_server: Any) -> str:
    build(progress=lambda _: None)
    return str(live_server.url)


def test_a_citizen_reads_the_results_on_a_phone(browser: Browser, demo_site: str) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(f"{demo_site}/login/")
        page.get_by_role("link", name="Xem kết quả công bố").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Chỉ số CCHC năm 2023")
        expect(page.get_by_text("82,22%")).to_be_visible()
        district = page.get_by_role("table", name="Bảng xếp hạng Khối UBND cấp huyện năm 2023")
        expect(district.locator("tbody tr")).to_have_count(9)
        expect(district.locator("tbody tr").first).to_contain_text("88,62")
        expect(page.get_by_text("Mã kiểm chứng").first).to_be_visible()
        # Nothing wider than the phone: the page itself never scrolls sideways.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "public-mobile.png"), full_page=False)

        district.get_by_role("link", name="UBND thành phố Tuy Hòa").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("UBND thành phố Tuy Hòa")
        expect(page.get_by_text("88,62% · Tốt")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(ARTIFACTS / "public-mobile-scorecard.png"), full_page=True)
    finally:
        context.close()
