"""In a real Chromium: Tuấn of the reform office creates a campaign, sets a quota in the grid
and opens the campaign, all in the browser. Screenshots land in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.surveys.models import Campaign
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> str:
    return str(live_server.url)


def test_tuan_creates_a_campaign_sets_a_quota_and_opens_it(
    page: Page, site: str, world: Any, questionnaires: dict[str, Any]
) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{site}/surveys/")
    page.get_by_role("link", name="Tạo đợt khảo sát").click()

    page.get_by_label("Tên đợt khảo sát").fill("Khảo sát sự hài lòng 2025")
    page.get_by_label("Năm đánh giá").fill("2025")
    page.get_by_label("Phiếu ý kiến về sự phục vụ của cơ quan hành chính").check()
    page.get_by_label("Bảng hỏi của đường dẫn mở").select_option(
        label="Phiếu ý kiến về sự phục vụ của cơ quan hành chính (sipas-nguoi-dan v1)"
    )
    page.get_by_label("Sở Tư pháp", exact=True).check()
    page.get_by_label("Sở Xây dựng", exact=True).check()
    page.get_by_label("Sai số e (%)").fill("5")
    shot(page, "survey-campaign-new")
    page.get_by_role("button", name="Tạo đợt khảo sát").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Chỉ tiêu")
    page.get_by_label("Số giao dịch N · Sở Tư pháp").fill("1000")
    page.get_by_role("button", name="Tính cỡ mẫu gợi ý").click()
    expect(page.get_by_text("n = 1000 / (1 + 1000 × 0,050²) ≈ 286")).to_be_visible()
    page.get_by_label("Sở Tư pháp · người dân · trực tuyến").fill("286")
    shot(page, "survey-campaign-quotas")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã lưu chỉ tiêu: 1 mới")

    page.get_by_role("link", name="Về đợt khảo sát").click()
    expect(page.get_by_role("row", name="Sở Tư pháp người dân trực tuyến")).to_contain_text("286")
    page.get_by_role("button", name="Bắt đầu thu phiếu").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("đang thu phiếu")
    shot(page, "survey-campaign-opened")

    campaign = Campaign.objects.get()
    assert campaign.status == "open" and campaign.open_code
    assert campaign.quotas.get().target == 286
    assert campaign.questionnaires.get().code == "sipas-nguoi-dan"
