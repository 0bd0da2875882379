"""In a real Chromium: Lan self-assesses Sở Tư pháp, uploads a PDF, meets a conflict with her
own second tab, submits; Nam, the deputy director, approves.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from chiso.assessments.actions import open_round
from chiso.assessments.models import Assessment, Stage
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.org.models import Block
from tests.assessments.conftest import deadlines, tiny_framework
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def site(transactional_db: Any, live_server: Any, world: Any, settings: Any, tmp_path: Path) -> str:
    settings.MEDIA_ROOT = tmp_path
    framework = publish_framework(
        import_framework(tiny_framework(), actor=world.tuan), actor=world.tuan
    )
    block = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở, ban, ngành")
    block.agencies.set([world.snv, world.stp, world.sxd])
    open_round(block, framework, deadlines(), actor=world.tuan)
    return str(live_server.url)


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_lan_fills_uploads_meets_a_conflict_submits_and_nam_approves(
    page: Page, site: str, world: Any, browser: Browser
) -> None:
    assessment = Assessment.objects.get(agency=world.stp)
    pk = {e.code: e.pk for e in assessment.entries.all()}
    log_in(page, site, "lan")
    page.get_by_role("navigation", name="Điều hướng chính").locator(
        'a[href="/rounds/mine/"]'
    ).click()
    page.get_by_role("link", name="Sở Tư pháp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Tư pháp")
    progress = page.locator("#progress [role=progressbar]")
    expect(progress).to_have_attribute("aria-valuenow", "0")
    shot(page, "self-assessment-empty")

    # 1.1 (yes/no) and 1.2 (points) saved with htmx; the progress follows.
    item = page.locator(f"#item-{pk['1.1']}")
    item.locator('input[name=value][value="1"]').check()
    item.locator("textarea[name=justification]").fill("Kế hoạch 15/KH-STP ngày 10/01/2024")
    item.locator("form.self-form button").click()
    expect(progress).to_have_attribute("aria-valuenow", "1")
    expect(page.locator(f"#item-{pk['1.1']} [role=status]")).to_be_visible()

    item = page.locator(f"#item-{pk['1.2']}")
    item.locator("input[name=value]").fill("2,5")
    item.locator("textarea[name=justification]").fill("Báo cáo đủ 4 quý")
    item.locator("form.self-form button").click()
    expect(progress).to_have_attribute("aria-valuenow", "2")
    missing = page.locator("#progress").get_by_role("link", name="1.2")
    expect(missing).to_be_visible()

    item = page.locator(f"#item-{pk['1.2']}")
    item.locator("input[type=file]").set_input_files(
        {"name": "bao-cao-cchc-2024.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    item.locator("input[name=description]").fill("Báo cáo CCHC năm 2024")
    item.locator("form.upload-form button").click()
    expect(
        page.locator(f"#item-{pk['1.2']}").get_by_role("link", name="bao-cao-cchc-2024.pdf")
    ).to_be_visible()
    expect(missing).to_have_count(0)
    shot(page, "self-assessment-uploaded")

    # A second tab saves 3.1 while this one still shows the old version.
    other = page.context.new_page()
    other.goto(page.url)
    other.locator(f"#item-{pk['3.1']}").locator('input[name=value][value="2"]').check()
    other.locator(f"#item-{pk['3.1']} form.self-form button").click()
    expect(other.locator(f"#item-{pk['3.1']} [role=status]")).to_be_visible()
    other.close()

    item = page.locator(f"#item-{pk['3.1']}")
    item.locator('input[name=value][value="1"]').check()
    item.locator("textarea[name=justification]").fill("Giá trị của tab cũ")
    item.locator("form.self-form button").click()
    alert = page.locator(f"#item-{pk['3.1']} [role=alert]")
    expect(alert).to_contain_text("Nguyễn Thị Lan")
    expect(page.locator(f"#item-{pk['3.1']} textarea[name=justification]")).to_have_value(
        "Giá trị của tab cũ"
    )
    expect(page.locator(f"#item-{pk['3.1']} input[name=value][value='1']")).to_be_checked()
    shot(page, "self-assessment-conflict")
    alert.get_by_role("button").click()  # reload the item as stored
    expect(page.locator(f"#item-{pk['3.1']} input[name=value][value='2']")).to_be_checked()
    expect(progress).to_have_attribute("aria-valuenow", "3")

    page.locator(f"#item-{pk['2.1']} input[name=value]").fill("1,5")
    page.locator(f"#item-{pk['2.1']} form.self-form button").click()
    expect(progress).to_have_attribute("aria-valuenow", "4")
    expect(page.locator("#summary tfoot td.num").first).to_have_text("7")  # updated in place

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#submit-form button").click()
    expect(page.locator("form.self-form")).to_have_count(0)
    assessment.refresh_from_db()
    assert assessment.status == Stage.SUBMITTED and not assessment.late
    shot(page, "self-assessment-submitted")

    # Nam, in his own browser session, reads the summary and approves.
    nam = browser.new_page()
    log_in(nam, site, "nam")
    nam.goto(page.url)
    summary = nam.locator("#summary")
    # 1 + 2,5 + 1,5 + 2, and 0 for 3.2 whose fact is not imported yet.
    expect(summary.locator("tfoot td.num").first).to_have_text("7")
    expect(summary.locator("tbody tr").first.locator("td.num").first).to_have_text("3,5")
    shot(nam, "leader-approval")
    nam.once("dialog", lambda dialog: dialog.accept())
    summary.locator("form button").click()
    expect(nam.locator("#approval")).to_contain_text("Lê Văn Nam")
    assessment.refresh_from_db()
    assert assessment.status == Stage.APPROVED and assessment.approved_by == world.nam
    shot(nam, "leader-approved")
    nam.close()
