"""In Chromium: Lan sees her unread count on the bell, opens the list and marks notifications
read with htmx; the bell follows without a reload. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.notifications.actions import notify
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_lan_reads_her_notifications_from_the_bell(
    page: Page, transactional_db: Any, live_server: Any, world: Any
) -> None:
    notify(
        [world.lan],
        kind="explanation_requested",
        title="Sở Tư pháp: 2 tiêu chí cần giải trình",
        body="Hãy giải trình trước hết ngày 15/01/2025.",
        link="/rounds/",
        email=False,
    )
    notify([world.lan], kind="round_opened", title="Đã mở đợt đánh giá năm 2024", email=False)
    notify([world.nam], kind="round_opened", title="Thông báo của anh Nam", email=False)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()

    bell = page.locator("#notification-bell")
    expect(bell.get_by_test_id("unread-count")).to_have_text("2 chưa đọc")
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thông báo")
    expect(page.get_by_text("Thông báo của anh Nam")).to_have_count(0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notifications-list.png"), full_page=True)

    page.get_by_role(
        "button", name="Đánh dấu đã đọc: Sở Tư pháp: 2 tiêu chí cần giải trình"
    ).click()
    expect(bell.get_by_test_id("unread-count")).to_have_text("1 chưa đọc")
    page.get_by_role("button", name="Đánh dấu tất cả đã đọc").click()
    expect(bell.get_by_test_id("unread-count")).to_have_count(0)
    expect(page.get_by_role("button", name="Đánh dấu đã đọc")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "notifications-all-read.png"), full_page=True)
