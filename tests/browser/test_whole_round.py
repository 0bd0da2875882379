"""In a real Chromium, a whole evaluation round by the people who do each step, then its numbers.

Tuấn (reform office) opens the round and assigns Minh; Lan (focal officer, Sở Tư pháp)
self-assesses every item, uploads a PDF and submits; Nam (agency leader) approves; Minh lowers
1.2 and 3.1 in round 1 and asks for an explanation of 1.2; Lan explains and adds a file; Minh
sets round 2; the council takes back Minh's cut of 3.1; Tuấn enters a bonus and a penalty,
finalises and publishes; the public page shows Sở Tư pháp; the audit trail shows who changed
1.2 from what to what.

Then every number the users read — the scorecard page, the block XLSX, the PDF scorecard, the
public page — equals what chiso.engine computes from the stored entries (tests/browser/
round_setup.py), and what was worked out by hand below. A screenshot per step lands in
test-artifacts/whole-round-NN-<step>.png.
"""

from __future__ import annotations

import datetime
import re
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from chiso.assessments.models import Assessment, Round, Stage
from chiso.results.models import ResultSet
from tests.browser.round_setup import engine_result, set_up_registry, vi
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
D = Decimal

# Worked out by hand: 1.1 = 1 (self), 1.2 = 2,5 (round 2), 2.1 = 2 (self), 3.1 = 2 (council
# over round 1's 1), 3.2 = 91,1 / 100 × 2 = 1,82 (fact) → 9,32 / 10 = 93,20 %; bonus T1 once (1)
# and penalty D1 once (0,5) → 93,70, class Tốt (≥ 80), rank 1 of 3. Deputy Nam, field 3:
# (2 + 1,82) / 4 = 95,50 %; 0,7 × 95,50 + 0,3 × 93,70 = 94,96.
EXPECTED_FINAL = D("93.70")
EXPECTED_DEPUTY = D("94.96")


class Steps:
    """Numbered screenshots: test-artifacts/whole-round-01-open-form.png, …"""

    def __init__(self) -> None:
        self.n = 0
        ARTIFACTS.mkdir(exist_ok=True)
        for old in ARTIFACTS.glob("whole-round-*"):  # a shorter earlier run's leftovers
            old.unlink()

    def shot(self, page: Page, name: str) -> None:
        self.n += 1
        path = ARTIFACTS / f"whole-round-{self.n:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)


def log_in(page: Page, site: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def nav_to(page: Page, href: str) -> None:
    """Follow the main navigation's link to ``href``."""
    page.get_by_role("navigation", name="Điều hướng chính").locator(f'a[href="{href}"]').click()


def confirm_step(page: Page, site: str, rnd: Round, step: str) -> None:
    """Tuấn's closing steps: the button on the round page, then the confirmation page."""
    page.goto(f"{site}/rounds/{rnd.pk}/")
    page.locator(f'a[href="/rounds/{rnd.pk}/step/{step}/"]').click()
    page.locator("main form button").click()
    expect(page).to_have_url(f"{site}/rounds/{rnd.pk}/")


def open_assessment(page: Page) -> None:
    """The agency's way in: Đánh giá → its assessment."""
    nav_to(page, "/rounds/mine/")
    page.locator("main").get_by_role("link", name="Sở Tư pháp").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sở Tư pháp")


def pdf_text(path: Path) -> str:
    run = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode()


def keep(download: Any, name: str) -> Path:
    """Save a downloaded file among the artefacts, for a person to open."""
    path = ARTIFACTS / name
    download.save_as(str(path))
    return path


@pytest.fixture
def site(transactional_db: Any, live_server: Any, world: Any, settings: Any, tmp_path: Path) -> str:
    settings.MEDIA_ROOT = tmp_path / "media"
    set_up_registry(world)
    return str(live_server.url)


def test_a_whole_round_in_the_browser_and_its_numbers_match_the_engine(
    page: Page, site: str, world: Any
) -> None:
    steps = Steps()

    # ---- Tuấn opens the round of the block and assigns Minh to fields 1 and 3 of Sở Tư pháp.
    log_in(page, site, "tuan")
    nav_to(page, "/rounds/")
    page.locator('a[href="/rounds/open/"]').click()
    page.locator("#id_block").select_option(label="Khối sở, ban, ngành (2024)")
    page.locator("#id_framework").select_option(label="Bộ chỉ số thử nghiệm đợt đánh giá 2024 (v1)")
    today = datetime.date.today()
    for weeks, name in enumerate(
        ("self_assessment", "approval", "appraisal_1", "explanation", "appraisal_2", "council"),
        start=2,
    ):
        page.locator(f"#id_{name}_due").fill(f"{today + datetime.timedelta(weeks=weeks):%d/%m/%Y}")
    steps.shot(page, "open-form")
    page.locator("main form button").click()
    expect(page).to_have_url(re.compile(r"/rounds/\d+/$"))
    rnd = Round.objects.get()
    expect(page.locator("#agency-status tbody tr")).to_have_count(3)
    for field in ("1", "3"):  # the grid's n-th field column; here the field codes are 1, 2, 3
        select = page.locator(f"#assign-{world.stp.pk}-{field}")
        select.select_option(label="Trần Văn Minh")
        page.locator(f"form:has(#assign-{world.stp.pk}-{field}) button").click()
        expect(page.locator(f"#assign-{world.stp.pk}-{field}")).to_have_value(str(world.minh.pk))
    steps.shot(page, "round-opened-minh-assigned")

    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    pk = {e.code: e.pk for e in stp.entries.all()}

    # ---- Lan self-assesses every item, uploads the report for 1.2 and submits.
    log_in(page, site, "lan")
    open_assessment(page)
    progress = page.locator("#progress [role=progressbar]")
    expect(progress).to_have_attribute("aria-valuenow", "0")
    expect(page.locator("section.item", has_text="3.2. Hồ sơ đúng hạn")).to_contain_text(
        "91,1"
    )  # the imported fact, not editable

    def save_item(code: str, value: str, justification: str, radio: bool = False) -> None:
        item = page.locator(f"#item-{pk[code]}")
        if radio:
            item.locator(f'input[name=value][value="{value}"]').check()
        else:
            item.locator("input[name=value]").fill(value)
        item.locator("textarea[name=justification]").fill(justification)
        item.locator("form.self-form button").click()
        expect(page.locator(f"#item-{pk[code]} [role=status]")).to_be_visible()

    save_item("1.1", "1", "Kế hoạch CCHC 15/KH-STP ngày 10/01/2024", radio=True)
    save_item("1.2", "3", "Đủ 4 báo cáo quý và báo cáo năm")
    save_item("2.1", "2", "Ban hành 3 văn bản QPPL đúng quy trình")
    save_item("3.1", "2", "Kế hoạch rà soát TTHC số 20/KH-STP", radio=True)
    expect(progress).to_have_attribute("aria-valuenow", "4")
    item = page.locator(f"#item-{pk['1.2']}")
    item.locator("input[type=file]").set_input_files(
        {"name": "bao-cao-cchc-2024.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    item.locator("input[name=description]").fill("Báo cáo CCHC năm 2024")
    item.locator("form.upload-form button").click()
    expect(
        page.locator(f"#item-{pk['1.2']}").get_by_role("link", name="bao-cao-cchc-2024.pdf")
    ).to_be_visible()
    # 1 + 3 + 2 + 2 + 1,82 from the fact.
    expect(page.locator("#summary tfoot td.num").first).to_have_text("9,82")
    steps.shot(page, "self-assessment-filled")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#submit-form button").click()
    expect(page.locator("form.self-form")).to_have_count(0)
    steps.shot(page, "self-assessment-submitted")
    stp.refresh_from_db()
    assert (stp.status, stp.late) == (Stage.SUBMITTED, False)

    # ---- Nam, the deputy director, approves.
    log_in(page, site, "nam")
    open_assessment(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#summary form button").click()
    expect(page.locator("#approval")).to_contain_text("Lê Văn Nam")
    steps.shot(page, "leader-approved")

    # ---- Minh, round 1: 1.2 down to 1,5 with a request to explain; 3.1 down to 1.
    def appraise(code: str, value: str, comment: str, explain: bool = False) -> None:
        item = page.locator(f"#item-{pk[code]}")
        # The field's page must have loaded before counting its radios: count() does not wait.
        expect(item.locator(f"#save-{pk[code]}")).to_be_visible()
        radio = item.locator(f'input[name=value][value="{value}"]')
        if radio.count():  # a levels or yes/no item: the same radios as the agency's
            radio.check()
        else:
            item.locator(f"#value-{pk[code]}").fill(value)
        item.locator(f"#comment-{pk[code]}").fill(comment)
        if explain:
            item.locator(f"#explain-{pk[code]}").check()
        item.locator(f"#save-{pk[code]}").click()
        expect(page.locator(f"#item-{pk[code]} [role=status]")).to_be_visible()

    log_in(page, site, "minh")
    nav_to(page, "/rounds/appraisal/")
    expect(page.locator(f'a[href="/rounds/appraisal/{stp.pk}/1/"]')).to_be_visible()
    steps.shot(page, "appraiser-worklist")
    page.locator(f'a[href="/rounds/appraisal/{stp.pk}/1/"]').click()
    expect(page.locator(f"#item-{pk['1.2']}")).to_contain_text("Đủ 4 báo cáo quý")
    expect(page.locator(f"#item-{pk['1.2']}")).to_contain_text("bao-cao-cchc-2024.pdf")
    appraise("1.2", "1,5", "Thiếu báo cáo quý III", explain=True)
    steps.shot(page, "appraisal-1-field-1")
    nav_to(page, "/rounds/appraisal/")
    page.locator(f'a[href="/rounds/appraisal/{stp.pk}/3/"]').click()
    appraise("3.1", "1", "Kế hoạch rà soát chưa bao phủ hết TTHC")
    steps.shot(page, "appraisal-1-field-3")

    # ---- Tuấn closes round 1.
    log_in(page, site, "tuan")
    confirm_step(page, site, rnd, "close-appraisal-1")
    expect(page.locator("#round-stage")).to_contain_text("Giải trình")
    steps.shot(page, "appraisal-1-closed")

    # ---- Lan reads Minh's comment and explains 1.2.
    log_in(page, site, "lan")
    open_assessment(page)
    item = page.locator(f"#item-{pk['1.2']}")
    expect(item.locator("table.appraisal")).to_contain_text("Thiếu báo cáo quý III")
    expect(item.locator("table.appraisal")).to_contain_text("1,5")
    item.locator(f"#x-{pk['1.2']}").fill("Báo cáo quý III gửi ngày 05/10/2024, công văn 88/STP")
    item.locator("form[action$='/item/1.2/explain/'] button").click()
    expect(page.locator(f"#item-{pk['1.2']} [role=status]")).to_be_visible()
    item = page.locator(f"#item-{pk['1.2']}")
    item.locator("input[type=file]").set_input_files(
        {"name": "cong-van-88-STP.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    item.locator("input[name=description]").fill("Công văn gửi báo cáo quý III")
    item.locator("form.upload-form button").click()
    expect(
        page.locator(f"#item-{pk['1.2']}").get_by_role("link", name="cong-van-88-STP.pdf")
    ).to_be_visible()
    steps.shot(page, "explanation-saved")

    # ---- Tuấn closes the explanation; Minh, round 2, gives back one point of 1.2.
    log_in(page, site, "tuan")
    confirm_step(page, site, rnd, "close-explanation")
    log_in(page, site, "minh")
    nav_to(page, "/rounds/appraisal/")
    page.locator(f'a[href="/rounds/appraisal/{stp.pk}/1/"]').click()
    expect(page.locator(f"#item-{pk['1.2']} [data-testid=explanation]")).to_contain_text(
        "công văn 88/STP"
    )
    with page.expect_download() as download:  # the new evidence, as an attachment
        page.locator(f"#item-{pk['1.2']}").get_by_role("link", name="cong-van-88-STP.pdf").click()
    assert Path(download.value.path()).read_bytes() == PDF
    appraise("1.2", "2,5", "Chấp nhận một phần giải trình")
    steps.shot(page, "appraisal-2")

    # ---- Tuấn closes round 2; the council sees both gaps, the largest first, and decides 3.1.
    log_in(page, site, "tuan")
    confirm_step(page, site, rnd, "close-appraisal-2")
    page.locator(f'a[href="/rounds/{rnd.pk}/council/"]').click()
    cards = page.locator("main article.card")
    expect(cards).to_have_count(2)
    expect(cards.nth(0)).to_contain_text("3.1")  # |2 − 1| before |3 − 2,5|
    expect(cards.nth(1)).to_contain_text("công văn 88/STP")
    history = cards.nth(1).locator("details")  # 1.2, step by step, oldest first
    history.locator("summary").click()
    lines = history.locator("li")
    expect(lines).to_have_count(4)
    for n, (who, what) in enumerate(
        [
            ("Nguyễn Thị Lan", "3"),
            ("Trần Văn Minh", "1[.,]5"),
            ("Nguyễn Thị Lan", "Báo cáo quý III gửi ngày 05/10/2024"),
            ("Trần Văn Minh", "2[.,]5"),
        ]
    ):
        expect(lines.nth(n)).to_contain_text(who)
        expect(lines.nth(n)).to_contain_text(re.compile(f"→ {what}"))
    card = page.locator(f"#item-{pk['3.1']}")
    card.locator('input[name=value][value="2"]').check()  # 3.1 has levels: radios
    card.locator(f"#council-note-{pk['3.1']}").fill("Hội đồng chấp nhận kế hoạch rà soát")
    card.locator("form button").click()
    expect(page.locator(f"#item-{pk['3.1']} [role=status]")).to_be_visible()
    steps.shot(page, "council")

    # ---- A bonus (T1, with its evidence) and a penalty (D1), then finalise and publish.
    page.goto(f"{site}/rounds/{rnd.pk}/")
    page.locator(f'a[href="/rounds/assessment/{stp.pk}/adjustments/"]').click()
    page.locator("#count-T1").fill("1")
    page.locator("#note-T1").fill("Sáng kiến cấp tỉnh: một cửa điện tử")
    page.locator("#adj-T1 form button").first.click()
    expect(page.locator("#count-T1")).to_have_value("1")
    page.locator("#file-T1").set_input_files(
        {"name": "quyet-dinh-sang-kien.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("#desc-T1").fill("Quyết định công nhận sáng kiến")
    page.locator("#adj-T1 form").nth(1).locator("button").click()
    expect(page.locator("#adj-T1")).to_contain_text("quyet-dinh-sang-kien.pdf")
    page.locator("#count-D1").fill("1")
    page.locator("#note-D1").fill("Công văn phê bình số 45/UBND")
    page.locator("#adj-D1 form button").first.click()
    expect(page.locator("#count-D1")).to_have_value("1")
    steps.shot(page, "bonus-and-penalty")
    confirm_step(page, site, rnd, "finalise")
    expect(page.locator('a[href="/results/2024/so-ban-nganh/"]')).to_be_visible()
    confirm_step(page, site, rnd, "publish")
    steps.shot(page, "published")
    assert ResultSet.objects.get(block=rnd.block).status == ResultSet.Status.PUBLISHED

    # ---- The numbers: the engine over the stored entries, and by hand.
    rnd.refresh_from_db()
    engine = engine_result(rnd, "stp")
    assert (engine.final, engine.classification, engine.rank) == (EXPECTED_FINAL, "Tốt", 1)
    deputy = next(ld for ld in engine.leaders if ld.role == "deputy")
    assert deputy.score == EXPECTED_DEPUTY

    # The scorecard page.
    page.goto(f"{site}/results/2024/so-ban-nganh/")
    expect(page.locator("main tr", has_text="Sở Tư pháp").first).to_contain_text(vi(engine.final))
    steps.shot(page, "block-results")
    page.locator("main").get_by_role("link", name="Sở Tư pháp").first.click()
    main = page.locator("main")
    expect(main).to_contain_text(f"{vi(engine.final)}% · Tốt · hạng 1")
    expect(main).to_contain_text(f"{vi(engine.base_points)} / {vi(engine.base_max)}")
    expect(main).to_contain_text(f"{vi(engine.base_percent)}%")
    expect(main.locator("tr", has_text="Lê Văn Nam")).to_contain_text(vi(deputy.score))
    steps.shot(page, "scorecard")

    # The PDF scorecard linked from it.
    with page.expect_download() as download:
        page.locator('a[href="/reports/2024/so-ban-nganh/stp.pdf"]').click()
    pdf = keep(download.value, "whole-round-scorecard.pdf")
    text = pdf_text(pdf)
    assert "Sở Tư pháp" in text and "Tốt" in text
    headline = next(line for line in text.splitlines() if "Chỉ số CCHC (%)" in line).split()
    assert vi(engine.final) in headline and "1/3" in headline  # index and rank of 3
    assert f"{vi(engine.base_points)}/{vi(engine.base_max)}" in text
    for code in ("1", "2", "3"):
        row = next(line.split() for line in text.splitlines() if line.split()[:1] == [code])
        node = engine.nodes[code]
        assert node.percent is not None
        assert vi(node.points) in row and vi(node.percent) in row
    assert re.search(rf"Lê Văn Nam\s+Cấp phó\s+3\s+{vi(deputy.score)}", text)

    # The block's XLSX from the block results page, re-read.
    page.goto(f"{site}/results/2024/so-ban-nganh/")
    with page.expect_download() as download:
        page.locator('a[href="/reports/2024/so-ban-nganh.xlsx"]').click()
    ws = load_workbook(keep(download.value, "whole-round-block.xlsx"))["Kết quả"]
    fields = [c.value for c in ws[6] if c.value]
    row = next(r for r in ws.iter_rows(min_row=7, values_only=True) if r[1] == "Sở Tư pháp")
    field_points = [D(str(v)).quantize(D("0.01")) for v in row[2 : 2 + len(fields)]]
    assert field_points == [engine.nodes[c].points.quantize(D("0.01")) for c in ("1", "2", "3")]
    total, bonus, penalty, final, classification, rank = row[2 + len(fields) :]
    assert D(str(total)).quantize(D("0.01")) == engine.base_points.quantize(D("0.01"))
    assert D(str(bonus)).quantize(D("0.01")) == engine.bonus
    assert D(str(penalty)).quantize(D("0.01")) == engine.penalty
    assert (D(str(final)).quantize(D("0.01")), classification, rank) == (engine.final, "Tốt", 1)

    # ---- Lan sees every step's value of 3.1, the council's last.
    log_in(page, site, "lan")
    open_assessment(page)
    steps_31 = page.locator(f"#item-{pk['3.1']} table.appraisal tbody tr")
    expect(steps_31).to_have_count(3)
    expect(steps_31.nth(1)).to_contain_text("Kế hoạch rà soát chưa bao phủ hết TTHC")
    expect(steps_31.nth(2)).to_contain_text("Hội đồng chấp nhận kế hoạch rà soát")
    steps.shot(page, "agency-after-publication")

    # ---- The public page, without logging in.
    page.context.clear_cookies()
    page.goto(f"{site}/cong-khai/")
    public_row = page.locator("main tr", has_text="Sở Tư pháp")
    expect(public_row).to_contain_text(vi(engine.final))
    expect(public_row).to_contain_text("Tốt")
    steps.shot(page, "public")
    public_row.get_by_role("link", name="Sở Tư pháp").click()
    main = page.locator("main")
    expect(main).to_contain_text(f"{vi(engine.final)}% · Tốt · hạng 1")
    expect(main).to_contain_text(f"điểm thưởng {vi(engine.bonus)}, điểm trừ {vi(engine.penalty)}")
    for code in ("1", "2", "3"):
        node = engine.nodes[code]
        assert node.percent is not None
        field_row = main.locator("tr", has_text=f"{code}. {node.title}")
        expect(field_row).to_contain_text(vi(node.points))
        expect(field_row).to_contain_text(vi(node.percent))
    expect(main.locator("tr", has_text="Lê Văn Nam")).to_contain_text(vi(deputy.score))
    steps.shot(page, "public-scorecard")

    # ---- The audit trail of the round: who changed 1.2, from what to what.
    log_in(page, site, "tuan")
    nav_to(page, "/audit/")
    page.locator("#id_round").select_option(str(rnd.pk))
    page.locator("form[role=search] button").click()
    rows = page.locator("#audit-rows tbody tr")

    def change(action: str, code: str, user: str, full_name: str, new: str) -> None:
        """The row of ``action`` on item ``code``: who did it and the value's old → new."""
        # The action reads in words; its code is the cell's title.
        code_cell = page.locator(f'span[title="assessments.{action}"]')
        row = rows.filter(has=code_cell).filter(has_text=f"› {code}")
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(1)).to_have_text(re.compile(f"^({user}|{full_name})$"))
        expect(row).to_contain_text(re.compile(f"— → {new}"))

    change("item.self_assessed", "1.2", "lan", "Nguyễn Thị Lan", "3")
    change("item.appraised_1", "1.2", "minh", "Trần Văn Minh", "1[.,]5")
    change("item.appraised_2", "1.2", "minh", "Trần Văn Minh", "2[.,]5")
    change("item.council_decided", "3.1", "tuan", "Trương Ngọc Tuấn", "2")
    appraised_1 = page.locator('span[title="assessments.item.appraised_1"]')
    expect(rows.filter(has=appraised_1).filter(has_text="› 1.2")).to_contain_text(
        "Thiếu báo cáo quý III"
    )
    steps.shot(page, "audit")
