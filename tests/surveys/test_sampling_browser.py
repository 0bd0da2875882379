"""In a real Chromium: Tuấn previews a draw from the January dossiers (formula with N and n),
draws, then sends the invitations by e-mail. Screenshots land in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from chiso.surveys.models import Contact
from tests.conftest import PASSWORD
from tests.surveys.test_sampling import citizens

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def site(transactional_db: Any, live_server: Any, settings: Any) -> str:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return str(live_server.url)


def test_the_reform_office_draws_from_dossiers_and_sends_the_invitations(
    page: Page,
    site: str,
    world: Any,
    campaign: Any,
    procedure: Any,  # noqa: F811
) -> None:
    citizens(procedure, world.stp, 30)
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{site}/surveys/{campaign.pk}/")
    page.get_by_role("link", name="Chọn mẫu từ người nộp hồ sơ").click()
    page.get_by_label("Hồ sơ tiếp nhận từ ngày").fill("01/01/2024")
    page.get_by_label("Đến ngày").fill("31/01/2024")
    page.get_by_role("button", name="Xem trước kết quả chọn mẫu").click()
    row = page.locator("tr", has_text="Sở Tư pháp").filter(has_text="người dân").first
    # N = 30 → n = 30 / (1 + 30 × 0,05²) = 27,9 → 28
    expect(row).to_contain_text("n = 30 / (1 + 30 × 0,050²) ≈ 28")
    shot(page, "surveys-draw-dossiers-preview")
    page.get_by_role("button", name="Chọn 28 người và tạo phiếu mời").click()
    expect(page.get_by_text("Đã chọn 28 người từ hồ sơ và tạo phiếu mời.")).to_be_visible()
    assert Contact.objects.filter(agency=world.stp).count() == 28

    page.goto(f"{site}/surveys/{campaign.pk}/send/")
    shot(page, "surveys-send")
    # The dossier applicants left phones only: their invitations go to the hand-off file.
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải tệp chuyển cổng").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.count("/khao-sat/") == 28
    page.goto(f"{site}/surveys/{campaign.pk}/send/")
    expect(page.get_by_text("Tệp chuyển cổng có 28 số điện thoại.")).to_be_visible()
    assert mail.outbox == []
