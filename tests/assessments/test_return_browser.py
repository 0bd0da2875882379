"""In a real Chromium: Nam returns Lan's submission with a reason, Lan sees why; after the
council's decision, the reform office sees which step counts for each item.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.assessments.models import Round
from tests.assessments.test_counted_step import to_council
from tests.assessments.test_return_submission import submitted_stp
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_nam_returns_the_submission_and_lan_reads_why(
    page: Page, live_server: Any, transactional_db: Any, world: Any, rnd: Round
) -> None:
    stp = submitted_stp(world, rnd)
    log_in(page, live_server.url, "nam")
    page.goto(f"{live_server.url}/rounds/assessment/{stp.pk}/")

    page.get_by_text("Trả lại cơ quan để chỉnh sửa").click()
    page.get_by_label("Cơ quan cần chỉnh sửa gì? (gửi tới cán bộ đầu mối)").fill(
        "Thiếu phụ lục của mục 1.2"
    )
    shot(page, "assessment-return-form")
    page.get_by_role("button", name="Trả lại báo cáo tự đánh giá").click()

    expect(
        page.get_by_text("Đã trả lại báo cáo tự đánh giá cho cơ quan để chỉnh sửa.")
    ).to_be_visible()
    expect(page.locator("#returned")).to_contain_text("Thiếu phụ lục của mục 1.2")
    page.context.clear_cookies()
    log_in(page, live_server.url, "lan")
    page.goto(f"{live_server.url}/rounds/assessment/{stp.pk}/")
    expect(page.locator("#returned")).to_contain_text("Lê Văn Nam")
    expect(page.get_by_role("button", name="Gửi kết quả tự đánh giá")).to_be_visible()
    shot(page, "assessment-returned-lan")


def test_the_office_sees_the_council_counted(
    page: Page, live_server: Any, transactional_db: Any, world: Any, rnd: Round
) -> None:
    stp = to_council(world, rnd)
    log_in(page, live_server.url, "tuan")
    page.goto(f"{live_server.url}/rounds/assessment/{stp.pk}/")

    item = page.locator("section.item", has_text="Báo cáo CCHC")
    expect(item.locator(".counted")).to_have_text("Tính theo: Hội đồng thẩm định")
    item.scroll_into_view_if_needed()
    shot(page, "assessment-counted-badges")
