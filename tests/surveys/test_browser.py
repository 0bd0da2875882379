"""In a real Chromium: a citizen answers on a cheap phone (360 × 640), Mai keys a paper form
with the keyboard only. Screenshots land in test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.surveys.conftest import invite

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> str:
    return str(live_server.url)


def open_paper_entry(page: Page, site: str, world: Any, campaign: Any) -> Any:
    """Mai logs in and opens the keying page of Sở Tư pháp; returns a paper form to key."""
    form = invite(world, campaign, "paper")
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill("mai")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(
        f"{site}/surveys/{campaign.pk}/entry/?agency={world.stp.pk}"
        f"&questionnaire={campaign.open_questionnaire.pk}"
    )
    return form


def test_a_citizen_answers_on_a_small_phone(
    page: Page, site: str, world: Any, campaign: Any
) -> None:
    invitation = invite(world, campaign, "online")
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"{site}/khao-sat/{invitation.token}/")
    expect(page.get_by_text("Phần 1 / 7")).to_be_visible()
    # The invitation says the respondent is a citizen: "trả lời với tư cách" is not asked again.
    expect(page.get_by_text("Ông/bà trả lời phiếu này với tư cách")).to_have_count(0)
    # keyboard only for the first question: focus the option, Space ticks it
    first = page.get_by_role("group", name="Ông/bà nộp hồ sơ bằng cách nào?")
    first.get_by_label("Trực tuyến trên Cổng Dịch vụ công").focus()
    page.keyboard.press("Space")
    expect(first.get_by_label("Trực tuyến trên Cổng Dịch vụ công")).to_be_checked()
    page.get_by_label("Ông/bà đã phải đến cơ quan bao nhiêu lần để xong việc?").fill("1")
    # A full-page screenshot resizes the viewport, after which Chromium dropped the next click:
    # the phone screens are taken at the phone's own size.
    page.screenshot(path=str(ARTIFACTS / "survey-phone-part-1.png"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    for part in range(2, 7):
        expect(page.get_by_text(f"Phần {part} / 7")).to_be_visible()
        for group in page.get_by_role("group").all():
            if group.get_by_label("Hài lòng", exact=True).count():
                group.get_by_label("Hài lòng", exact=True).check()
            elif group.get_by_label("Không", exact=True).count():
                group.get_by_label("Không", exact=True).check()
            elif group.get_by_role("radio").count():
                group.get_by_role("radio").first.check()
        page.get_by_role("button", name="Lưu và tiếp tục").click()

    expect(page.get_by_text("Phần 7 / 7")).to_be_visible()
    page.get_by_role(
        "group", name="Nhìn chung, ông/bà hài lòng thế nào với sự phục vụ của cơ quan?"
    ).get_by_label("Rất hài lòng").check()
    priorities = page.get_by_role(
        "group", name="Cơ quan cần cải thiện điều gì trước tiên? (chọn tối đa 3)"
    )
    priorities.get_by_label("Rút ngắn thời gian giải quyết").check()
    priorities.get_by_label("Dịch vụ công trực tuyến dễ dùng hơn").check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_role("button", name="Gửi phiếu").click()
    expect(
        page.get_by_role("heading", name="Xin cảm ơn! Phiếu của ông/bà đã được ghi nhận.")
    ).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "survey-phone-done.png"))
    invitation.refresh_from_db()
    response = invitation.response
    assert response.status == "submitted"
    assert response.answers["kenh_nop"] == 2 and response.answers["can_cai_thien"] == [3, 5]
    assert response.answers["doi_tuong"] == 1  # "Cá nhân", from the invitation's group
    assert response.answers["hai_long_chung"] == 5


def _paper_keys(spec: Any) -> list[tuple[str, str]]:
    """What Mai types for each question of the paper form, in page order: one digit for most,
    two digits for the number, option numbers for the priorities, nothing for the texts and
    for two questions the respondent left blank."""
    keys = []
    for q in spec.questions():
        if q.type == "scale":
            text = "" if q.code in ("tt_phi", "gy_tiep_nhan") else "4"
        elif q.type == "single":  # the group question says the form's group (review s7)
            text = str(q.answer_for_group("citizen") or q.options[-1].value)
        elif q.type == "number":
            text = "12"
        elif q.type in ("multiple", "priority"):
            text = "1,3"
        else:
            text = ""
        keys.append((q.code, text))
    return keys


def test_mai_keys_a_paper_form_with_the_keyboard_as_the_page_says(
    page: Page, site: str, world: Any, campaign: Any
) -> None:
    from chiso.surveys.answers import clean_answers

    form = open_paper_entry(page, site, world, campaign)
    expect(page.locator("#entry-rule")).to_contain_text(
        "nhấn Tab để sang câu tiếp theo, sau mọi câu trả lời"
    )
    page.get_by_label("Số phiếu (Sở Tư pháp)").fill(form.form_number)
    page.keyboard.press("Tab")
    spec = campaign.open_questionnaire.spec
    keys = _paper_keys(spec)
    # The page's rule, and nothing else: the answer (if any), then Tab, for every question.
    for code, text in keys:
        expect(page.locator(f"#k_{code}")).to_be_focused()
        page.keyboard.type(text)
        page.keyboard.press("Tab")
    shot(page, "survey-keying")
    expect(page.get_by_role("button", name="Lưu phiếu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        f"Đã lưu phiếu {form.form_number}; phiếu chờ lần nhập thứ hai."
    )
    entry = form.entries.get()
    assert entry.operator == world.mai
    expected, errors = clean_answers(spec, dict(keys), require=False)
    assert not errors
    assert entry.answers == expected
    # every question asked and keyed is stored, the two left blank are not
    assert {"doi_tuong", "kenh_nop", "tc_thong_tin", "tt_thoi_han", "hai_long_chung"} <= set(
        entry.answers
    )
    assert entry.answers["so_lan_di_lai"] == 12 and entry.answers["can_cai_thien"] == [1, 3]
    assert "tt_phi" not in entry.answers and "gy_tiep_nhan" not in entry.answers


def test_tuan_follows_progress_and_results(
    page: Page, site: str, world: Any, campaign: Any
) -> None:
    from chiso.surveys.actions import set_quota, submit_whole_form

    set_quota(
        campaign, actor=world.tuan, agency=world.stp, group="citizen", channel="online", target=4
    )
    for scale in (5, 4, 2):
        invitation = invite(world, campaign, "online")
        answers: dict[str, Any] = {
            "doi_tuong": 1,
            "kenh_nop": 1,
            "so_lan_di_lai": 1,
            "cc_phien_ha": 1,
            "kq_dung_han": 1,
            "gy_da_gop_y": 2,
            "can_cai_thien": [2],
        }
        answers.update(
            {
                q.code: scale
                for q in campaign.open_questionnaire.spec.questions()
                if q.type == "scale"
            }
        )
        submit_whole_form(invitation.token, answers)
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name="Khảo sát", exact=True
    ).click()
    page.get_by_role("link", name="Khảo sát hài lòng 2024").click()
    expect(page.get_by_role("progressbar").first).to_have_attribute("aria-valuenow", "75")
    shot(page, "survey-campaign")
    page.get_by_role("link", name="Kết quả", exact=True).last.click()
    row = page.get_by_role("row", name="Sở Tư pháp")
    expect(row.first).to_contain_text("66,67")
    shot(page, "survey-results")
