"""In a real Chromium: Tuấn cancels a round opened by mistake from its page, giving the reason,
and Lan's notification of the opening now leads to a page that says the round was cancelled."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.assessments import actions as a
from chiso.assessments.models import Round
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.notifications.models import Notification
from chiso.org.models import Block
from tests.assessments.conftest import deadlines, tiny_framework
from tests.browser.test_round_office import log_in, shot

pytestmark = pytest.mark.browser
REASON = "Mở nhầm bộ chỉ số của khối huyện"


def test_the_reform_office_cancels_a_round_opened_by_mistake(
    page: Page, live_server: Any, transactional_db: Any, world: Any
) -> None:
    framework = publish_framework(
        import_framework(tiny_framework(), actor=world.tuan), actor=world.tuan
    )
    block = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở, ban, ngành")
    block.agencies.set([world.snv, world.stp, world.sxd])
    rnd = a.open_round(block, framework, deadlines(), actor=world.tuan)
    site = live_server.url

    log_in(page, site, "tuan")
    page.goto(f"{site}/rounds/{rnd.pk}/")
    page.get_by_role("link", name="Hủy đợt đánh giá này").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hủy đợt đánh giá này")
    page.get_by_label("Lý do (bắt buộc)").fill(REASON)
    shot(page, "cancel-round-confirm")
    page.get_by_role("button", name="Xác nhận: hủy đợt đánh giá").click()

    expect(page).to_have_url(f"{site}/rounds/all/")
    expect(page.locator("main")).to_contain_text("Đã hủy đợt đánh giá Khối sở, ban, ngành 2024")
    assert not Round.objects.filter(pk=rnd.pk).exists()

    log_in(page, site, "lan")
    link = Notification.objects.get(user=world.lan, kind="round_opened").link
    page.goto(f"{site}{link}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("đã bị hủy")
    expect(page.locator("#cancel-reason")).to_have_text(REASON)
    shot(page, "cancel-round-lan-follows-old-link")
