"""In a real Chromium, with the keyboard only: Tuấn removes Minh from a field of Sở Tư pháp on
the round page, confirms on the next page, and the field shows nobody again."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.assessments import actions as a
from chiso.assessments.models import AppraiserAssignment
from chiso.audit.models import AuditEvent
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.org.models import Block
from tests.assessments.conftest import deadlines, tiny_framework
from tests.browser.test_round_office import log_in, shot

pytestmark = pytest.mark.browser


def test_the_reform_office_removes_an_appraiser_with_the_keyboard(
    page: Page, live_server: Any, transactional_db: Any, world: Any
) -> None:
    framework = publish_framework(
        import_framework(tiny_framework(), actor=world.tuan), actor=world.tuan
    )
    block = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở, ban, ngành")
    block.agencies.set([world.snv, world.stp, world.sxd])
    rnd = a.open_round(block, framework, deadlines(), actor=world.tuan)
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    site = live_server.url

    log_in(page, site, "tuan")
    page.goto(f"{site}/rounds/{rnd.pk}/")
    expect(page.locator(f"#assign-{world.stp.pk}-1")).to_have_value(str(world.minh.pk))
    remove = page.locator(f'a[href="/rounds/{rnd.pk}/unassign/{world.stp.pk}/1/"]')
    expect(remove).to_contain_text("Gỡ bỏ")
    remove.focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{site}/rounds/{rnd.pk}/unassign/{world.stp.pk}/1/")
    expect(page.locator("main")).to_contain_text("Trần Văn Minh")
    shot(page, "round-remove-appraiser")
    page.locator("main form button").focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{site}/rounds/{rnd.pk}/#appraisers")
    expect(page.locator(f"#assign-{world.stp.pk}-1")).to_have_value("")
    expect(page.locator(f'a[href="/rounds/{rnd.pk}/unassign/{world.stp.pk}/1/"]')).to_have_count(0)
    assert not AppraiserAssignment.objects.filter(round=rnd, agency=world.stp).exists()
    assert AuditEvent.objects.filter(action="assessments.appraiser.removed").count() == 1
