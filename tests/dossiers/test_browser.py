"""In a real Chromium: the reform office opens the dossier dashboard of the demo province, opens
the land field (đất đai) and follows a late land dossier to its timeline; the land agency sees
its dossiers due soon. Screenshots land in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_reform_office_follows_a_late_land_dossier(page: Page, dossier_site: str) -> None:
    page.goto(f"{dossier_site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{dossier_site}/dossiers/?period=2024")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dịch vụ công của tỉnh")
    expect(page.get_by_text("73,15")).to_be_visible()
    expect(page.locator("#chart-trend svg")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossiers-dashboard.png"), full_page=True)
    page.get_by_role("link", name="Đất đai", exact=True).click()
    # The field page: the land agency's row, its trend chart, and who the delays fall on.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lĩnh vực: Đất đai")
    agencies = page.locator("#field-agencies tbody tr")
    expect(agencies).to_have_count(1)
    expect(agencies.first).to_contain_text("Sở Tài nguyên và Môi trường")
    expect(agencies.first).to_contain_text("360")
    expect(page.locator("#chart-trend svg")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "dossiers-field.png"), full_page=True)
    page.locator("section", has_text="Vai trò gây chậm trễ").get_by_role("row").filter(
        has_text="chuyên viên"
    ).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ trễ hạn")
    expect(page.get_by_text("Vai trò: chuyên viên")).to_be_visible()
    page.locator("tbody tr").first.get_by_role("link").click()
    expect(page.locator("tr.table-danger")).to_have_count(1)
    expect(page.locator("tr.table-danger")).to_contain_text("Thẩm định hồ sơ")
    page.screenshot(path=str(ARTIFACTS / "dossiers-timeline.png"), full_page=True)


def test_an_agency_sees_its_dossiers_due_soon(page: Page, dossier_site: str) -> None:
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role
    from chiso.org.models import Agency

    lan = User.objects.create_user("lan", password=PASSWORD)
    Membership.objects.create(
        user=lan, role=Role.FOCAL_OFFICER, agency=Agency.objects.get(code="stnmt")
    )
    page.goto(f"{dossier_site}/login/")
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{dossier_site}/dossiers/")
    due = page.locator("section", has_text="Hồ sơ đến hạn trong ba ngày làm việc tới")
    expect(due.locator("tbody tr")).to_have_count(4)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossiers-due-soon.png"), full_page=True)
