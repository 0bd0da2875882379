"""In a real Chromium: Tuấn opens a round and assigns Minh, Minh appraises, the council decides,
Tuấn finalises and publishes, and the public page shows the agency.

The agency's own steps (Lan's self-assessment, Nam's approval, Lan's explanation) are done
through the actions here: their pages have their own browser test. Screenshots land in
test-artifacts/.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.org.models import Block
from tests.assessments.conftest import tiny_framework
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page: Page, site: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def nav_to(page: Page, href: str) -> None:
    """Follow the main navigation's link to ``href``."""
    page.get_by_role("navigation", name="Điều hướng chính").locator(f'a[href="{href}"]').click()


def confirm_step(page: Page, site: str, rnd: Round, step: str) -> None:
    page.goto(f"{site}/rounds/{rnd.pk}/")
    page.locator(f'a[href="/rounds/{rnd.pk}/step/{step}/"]').click()
    page.locator("main form button").click()
    expect(page).to_have_url(f"{site}/rounds/{rnd.pk}/")


@pytest.fixture
def site(transactional_db: Any, live_server: Any, world: Any) -> str:
    framework = import_framework(tiny_framework(), actor=world.tuan)
    publish_framework(framework, actor=world.tuan)
    block = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở, ban, ngành")
    block.agencies.set([world.snv, world.stp, world.sxd])
    return str(live_server.url)


def lan_and_nam_submit(world: Any, stp: Assessment) -> None:
    for code, value in {"1.1": "1", "1.2": "3", "2.1": "2", "3.1": "2"}.items():
        a.save_self_assessment(
            stp,
            code,
            value=Decimal(value),
            not_applicable=False,
            justification=f"Đã thực hiện mục {code}",
            expected_version=stp.entries.get(code=code).version,
            actor=world.lan,
        )
    a.submit_assessment(stp, actor=world.lan)
    a.approve_submission(stp, actor=world.nam)


def test_a_round_from_opening_to_the_public_page(page: Page, site: str, world: Any) -> None:
    # Tuấn opens the round of the block, with dates typed dd/mm/yyyy and D1 for lateness.
    log_in(page, site, "tuan")
    nav_to(page, "/rounds/")
    page.locator('a[href="/rounds/open/"]').click()
    page.locator("#id_block").select_option(label="Khối sở, ban, ngành (2024)")
    page.locator("#id_framework").select_option(label="Bộ chỉ số thử nghiệm đợt đánh giá 2024 (v1)")
    year = datetime.date.today().year + 1
    for i, name in enumerate(
        ("self_assessment", "approval", "appraisal_1", "explanation", "appraisal_2", "council")
    ):
        page.locator(f"#id_{name}_due").fill(f"{10 + i:02d}/06/{year}")
    page.locator("#id_late_penalty_code").select_option("D1")
    shot(page, "round-open-form")
    page.locator("main form button").click()
    expect(page).to_have_url(re.compile(r"/rounds/\d+/$"))
    rnd = Round.objects.get()
    expect(page.locator("#agency-status tbody tr")).to_have_count(3)
    expect(page.get_by_text(f"10/06/{year}").first).to_be_visible()

    # Minh works at Sở Nội vụ: the form does not offer him there (the action would refuse it).
    expect(
        page.locator(f"#assign-{world.snv.pk}-1 option", has_text="Trần Văn Minh")
    ).to_have_count(0)
    expect(
        page.locator(f"#assign-{world.stp.pk}-3 option", has_text="Trần Văn Minh")
    ).to_have_count(1)
    page.locator(f"#assign-{world.stp.pk}-3").select_option(label="Trần Văn Minh")
    page.locator(f"form:has(#assign-{world.stp.pk}-3) button").click()
    expect(page.locator(f"#assign-{world.stp.pk}-3")).to_have_value(str(world.minh.pk))
    shot(page, "round-page")

    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    lan_and_nam_submit(world, stp)
    entry = stp.entries.get(code="3.1")

    # Minh appraises 3.1: one point less, with a comment, marked for explanation.
    log_in(page, site, "minh")
    nav_to(page, "/rounds/appraisal/")
    page.locator(f'a[href="/rounds/appraisal/{stp.pk}/3/"]').click()
    item = page.locator(f"#item-{entry.pk}")
    expect(item).to_contain_text("Đã thực hiện mục 3.1")
    item.locator('input[name=value][value="1"]').check()  # 3.1 has levels: radios
    item.locator(f"#comment-{entry.pk}").fill("Thiếu kế hoạch rà soát năm 2024")
    item.locator(f"#explain-{entry.pk}").check()
    item.locator(f"#save-{entry.pk}").click()
    expect(page.locator(f"#item-{entry.pk} [role=status]")).to_be_visible()
    page.locator(f"#item-{entry.pk} details summary").click()
    expect(page.locator(f"#item-{entry.pk} details")).to_contain_text("Trần Văn Minh")
    shot(page, "appraisal-item")
    entry.refresh_from_db()
    assert (entry.appraised_value_1, entry.needs_explanation) == (Decimal(1), True)

    # Tuấn closes round 1; Lan explains; Tuấn closes the explanation and round 2.
    log_in(page, site, "tuan")
    confirm_step(page, site, rnd, "close-appraisal-1")
    entry.refresh_from_db()
    a.submit_explanation(
        entry, text="Kế hoạch số 12/KH đã ban hành", expected_version=entry.version, actor=world.lan
    )
    confirm_step(page, site, rnd, "close-explanation")
    confirm_step(page, site, rnd, "close-appraisal-2")

    # The council sees the gap, reads the explanation and decides.
    page.locator(f'a[href="/rounds/{rnd.pk}/council/"]').click()
    card = page.locator(f"#item-{entry.pk}")
    expect(card).to_contain_text("Kế hoạch số 12/KH đã ban hành")
    card.locator('input[name=value][value="2"]').check()
    card.locator(f"#council-note-{entry.pk}").fill("Chấp nhận giải trình")
    card.get_by_role("button").click()
    expect(page.locator(f"#item-{entry.pk} [role=status]")).to_be_visible()
    shot(page, "council")

    confirm_step(page, site, rnd, "finalise")
    expect(page.locator('a[href="/results/2024/so-ban-nganh/"]')).to_be_visible()
    shot(page, "round-finalised")
    confirm_step(page, site, rnd, "publish")
    expect(page.locator("#result-status")).to_have_text("Đã công bố")

    # The audit trail of the round tells who did each step.
    nav_to(page, "/audit/")
    page.locator("#id_round").select_option(str(rnd.pk))
    page.locator("main form[role=search] button").click()
    rows = page.locator("#audit-rows tbody")
    # Actions read in words; the code is the cell's title.
    expect(rows.locator('span[title="assessments.item.council_decided"]')).to_have_count(1)
    expect(rows).to_contain_text("Chấp nhận giải trình")
    expect(rows.locator('span[title="assessments.round.finalised"]')).to_have_count(1)
    shot(page, "audit-round")

    page.context.clear_cookies()
    page.goto(f"{site}/cong-khai/")
    expect(page.get_by_text("Sở Tư pháp").first).to_be_visible()
    shot(page, "public-after-round")
