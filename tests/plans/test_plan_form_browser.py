"""In a real Chromium: the reform office creates a plan, adds a task, and finds it in the list.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.org.models import Person, Position
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def site(transactional_db: Any, world: Any, live_server: Any) -> str:
    person = Person.objects.create(code="stp-pgd", full_name="Lê Văn Nam")
    Position.objects.create(
        person=person, agency=world.stp, role=Position.Role.DEPUTY, start=datetime.date(2021, 7, 1)
    )
    return str(live_server.url)


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_reform_office_creates_a_plan_and_adds_a_task(page: Page, site: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{site}/plans/")
    page.get_by_role("link", name="Tạo kế hoạch").click()
    page.get_by_label("Năm", exact=True).fill("2025")
    page.get_by_label("Mã (chữ không dấu").fill("cchc-2025")
    page.get_by_label("Tên kế hoạch").fill("Kế hoạch cải cách hành chính năm 2025")
    page.get_by_label("Số văn bản ban hành").fill("15/KH-UBND")
    page.get_by_label("Ngày văn bản ban hành").fill("2025-01-10")
    page.get_by_role("button", name="Tạo kế hoạch này").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Kế hoạch cải cách hành chính năm 2025"
    )
    expect(page.get_by_text("Đã tạo kế hoạch.")).to_be_visible()

    page.get_by_role("link", name="Thêm nhiệm vụ").click()
    page.get_by_label("STT", exact=True).fill("1")
    page.get_by_label("Nhiệm vụ", exact=True).fill("Số hoá kết quả giải quyết thủ tục hộ tịch")
    page.get_by_label("Cơ quan chủ trì").select_option(label="Sở Tư pháp")
    page.get_by_label("Cơ quan phối hợp").select_option(label="Sở Xây dựng")
    page.get_by_label("Lãnh đạo phụ trách").select_option(label="Lê Văn Nam")
    page.get_by_label("Thời hạn", exact=True).fill("2025-06-30")
    page.get_by_label("UBND tỉnh giao").check()
    shot(page, "plans-add-task")
    page.get_by_role("button", name="Thêm nhiệm vụ này").click()

    expect(page.get_by_text("Đã thêm nhiệm vụ 1.")).to_be_visible()
    row = page.locator("tr", has_text="Số hoá kết quả giải quyết thủ tục hộ tịch")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Sở Tư pháp")
    expect(row).to_contain_text("30/06/2025")
    shot(page, "plans-new-plan-with-task")
