"""In a real Chromium: the reform office enters a figure of item 1.1 for Sở Tư pháp; the row is
saved in place (htmx) and a stale second tab is refused. Screenshot in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.dossiers.models import ServiceInput
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ROW = "#input-procedurepublished_on_time_rate"


@pytest.fixture
def site(transactional_db: Any, world: Any, live_server: Any) -> str:
    return str(live_server.url)


def test_a_row_is_saved_in_place_and_a_stale_tab_is_refused(page: Page, site: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    url = f"{site}/dossiers/inputs/?period=2024&agency=stp"
    page.goto(url)
    stale = page.context.new_page()
    stale.goto(url)
    row = page.locator(ROW)
    row.locator("input[name=numerator]").fill("18")
    row.locator("input[name=denominator]").fill("20")
    row.locator("input[name=source]").fill("Cổng DVCQG")
    row.locator("input[name=source]").press("Enter")
    expect(page.locator(ROW)).to_contain_text("90,00")
    assert page.url == url  # no navigation: the row was swapped in place
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossiers-inputs-agency.png"), full_page=True)
    other = stale.locator(ROW)
    other.locator("input[name=numerator]").fill("1")
    other.locator("input[name=denominator]").fill("20")
    other.locator("input[name=source]").fill("x")
    other.get_by_role("button").click()
    expect(stale.locator(f"{ROW} [aria-invalid=true]")).to_be_visible()
    assert ServiceInput.objects.get().numerator == 18
    page.goto(f"{site}/dossiers/inputs/?period=2024")
    expect(page.locator("tfoot")).to_contain_text("90,00")
    page.screenshot(path=str(ARTIFACTS / "dossiers-inputs-overview.png"), full_page=True)
