"""In a real Chromium: the reform office types periods the way Vietnamese reports write them,
is told when a year is outside the working calendar, and filters the late list with its form,
then clears the filters with one link. Screenshots land in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_periods_typed_naturally_and_the_late_list_form(page: Page, dossier_site: str) -> None:
    page.goto(f"{dossier_site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{dossier_site}/dossiers/")
    period = page.get_by_label("Kỳ: năm, quý hoặc tháng (2024, Q4/2024, 11/2024)")
    period.fill("Quý 1/2024")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_role("heading", name="Các tỷ lệ kỳ Quý 1/2024")).to_be_visible()
    expect(period).to_have_value("Quý 1/2024")

    period.fill("2014")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Năm 2014 nằm ngoài lịch làm việc")
    expect(period).to_have_attribute("aria-invalid", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossiers-period-error.png"), full_page=True)

    page.goto(f"{dossier_site}/dossiers/late/?period=2024")
    page.get_by_label("Lĩnh vực", exact=True).select_option(label="Đất đai")
    page.get_by_label("Vai trò chịu trách nhiệm").select_option(label="Chuyên viên")
    page.get_by_role("button", name="Xem", exact=True).click()
    in_use = page.get_by_role("list", name="Bộ lọc đang dùng")
    expect(in_use).to_contain_text("Lĩnh vực: Đất đai")
    expect(in_use).to_contain_text("Vai trò: chuyên viên")
    page.screenshot(path=str(ARTIFACTS / "dossiers-late-filters.png"), full_page=True)
    in_use.get_by_role("link", name="Bỏ lọc theo vai trò").click()
    expect(in_use).to_contain_text("Lĩnh vực: Đất đai")
    expect(in_use).not_to_contain_text("Vai trò")
    page.get_by_role("link", name="Bỏ tất cả bộ lọc").click()
    expect(page.get_by_role("list", name="Bộ lọc đang dùng")).to_have_count(0)
    expect(page.get_by_label("Lĩnh vực", exact=True)).to_have_value("")
