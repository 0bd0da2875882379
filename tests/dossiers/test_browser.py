"""In a real Chromium: the reform office opens the dossier dashboard of the demo province and
follows a late land dossier to its timeline. Screenshots land in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.demo.build import _agencies, _agency_types
from chiso.dossiers.demo import build_dossiers
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> str:
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role

    agencies = _agencies(_agency_types())
    build_dossiers(lambda _text: None)
    user = User.objects.create_user("tuan", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.REFORM_OFFICE, agency=agencies["snv"])
    return str(live_server.url)


def test_the_reform_office_follows_a_late_land_dossier(page: Page, site: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{site}/dossiers/?period=2024")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dịch vụ công của tỉnh")
    expect(page.get_by_text("73,15")).to_be_visible()
    expect(page.locator("#chart-trend svg")).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dossiers-dashboard.png"), full_page=True)
    page.get_by_role("link", name="Đất đai").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hồ sơ trễ hạn")
    page.locator("tbody tr").first.get_by_role("link").click()
    expect(page.locator("tr.table-danger")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "dossiers-timeline.png"), full_page=True)
