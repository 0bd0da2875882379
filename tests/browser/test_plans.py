"""In a real Chromium: Lan reports a task of Sở Tư pháp done, and Hạnh's dashboard shows it.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chiso.demo.build import DEMO_PASSWORD, build

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo_site(transactional_db: Any, live_server: Any) -> str:
    build(progress=lambda _: None)
    return str(live_server.url)


def log_in(page: Page, site: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đánh giá cải cách hành chính")


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_lan_reports_a_task_done_and_hanhs_dashboard_reflects_it(
    page: Page, demo_site: str
) -> None:
    log_in(page, demo_site, "hanh")
    page.goto(f"{demo_site}/plans/dashboard/")
    overdue = page.locator("#overdue-table")
    expect(overdue.locator("tr", has_text="Sở Tư pháp")).to_have_count(1)
    expect(page.locator("#status-table tr", has_text="Hoàn thành trễ hạn")).to_contain_text("1")
    expect(page.locator("#chart-statuses svg")).to_have_count(1)  # ECharts drew the chart
    shot(page, "plans-dashboard-before")

    log_in(page, demo_site, "lan")
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Kế hoạch", exact=True
    ).click()
    page.get_by_role(
        "link", name=f"Kế hoạch cải cách hành chính năm {timezone.localdate().year} của UBND tỉnh"
    ).click()
    page.get_by_label("Tình trạng").select_option("overdue")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#tasks tbody tr")).to_have_count(1)  # only her agency's overdue task
    page.get_by_role("link", name="Cập nhật, công khai TTHC lĩnh vực tư pháp").click()
    page.get_by_role("link", name="Báo cáo tiến độ").click()
    page.get_by_label("Những việc đã làm").fill("Đã trình UBND tỉnh phương án đơn giản hóa")
    page.get_by_label("Tiến độ (%)").fill("100")
    page.get_by_label("Ngày hoàn thành (để trống nếu chưa xong)").fill(
        timezone.localdate().isoformat()
    )
    page.get_by_role("button", name="Lưu tiến độ").click()
    expect(page.get_by_text("Đã lưu tiến độ.")).to_be_visible()
    expect(page.get_by_text("Hoàn thành trễ hạn").first).to_be_visible()
    shot(page, "plans-task-done")

    log_in(page, demo_site, "hanh")
    page.goto(f"{demo_site}/plans/dashboard/")
    expect(page.locator("#overdue-table tr", has_text="Sở Tư pháp")).to_have_count(0)
    expect(page.locator("#status-table tr", has_text="Hoàn thành trễ hạn")).to_contain_text("2")
    shot(page, "plans-dashboard-after")
    page.emulate_media(media="print")
    shot(page, "plans-dashboard-print")
