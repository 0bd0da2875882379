"""Review s8, finding 7: after a failed send the public form moves the focus to a summary that
links to each question needing attention; the anti-spam answer is marked invalid; a number out
of its range says the range, not "must be a number"."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import signing
from django.test import Client
from playwright.sync_api import Page, expect

from chiso.surveys.answers import parse_answer
from chiso.surveys.spec import Question
from tests.surveys.test_s6_public_form import start_on_the_open_link

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
KENH_NOP = "Ông/bà nộp hồ sơ bằng cách nào?"
SO_LAN = "Ông/bà đã phải đến cơ quan bao nhiêu lần để xong việc?"


class Elements(HTMLParser):
    """The page's elements with their attributes, and the summary's links with their text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.links: list[tuple[str, str]] = []
        self.scripts: list[dict[str, str | None]] = []
        self._in_summary = 0
        self._link: str | None = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        found["tag"] = tag
        if found.get("id"):
            self.by_id[str(found["id"])] = found
        if tag == "script":
            self.scripts.append(found)
        if "data-error-summary" in found:
            self._in_summary = 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            self._link, self._text = str(found.get("href")), ""

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._link, self._text.strip()))
            self._link = None
        if self._in_summary and tag == "div":
            self._in_summary -= 1


def test_an_empty_part_puts_a_focusable_summary_linking_to_each_question(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")

    refused = client.post(form, {"section": "0"})

    assert refused.status_code == 400
    page = Elements(refused.content.decode())
    summary = page.by_id["error-summary"]
    assert summary["tabindex"] == "-1" and summary["role"] == "alert"
    assert page.links == [("#q_kenh_nop", KENH_NOP), ("#q_so_lan_di_lai", SO_LAN)]
    # A link leads to the first choice of the question, which says why it is marked.
    target = page.by_id["q_kenh_nop"]
    assert target["tag"] == "input" and target["type"] == "radio" and target["value"] == "1"
    assert page.by_id["e_kenh_nop"]["tag"] == "p"
    assert "Có 2 câu trả lời cần xem lại." in refused.content.decode()
    assert "chưa trả lời" in refused.content.decode()


def test_a_typed_answer_out_of_range_is_linked_and_kept_for_correcting(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")

    refused = client.post(form, {"section": "0", "kenh_nop": "2", "so_lan_di_lai": "-3"})

    page = Elements(refused.content.decode())
    assert page.links == [("#q_so_lan_di_lai", SO_LAN)]
    assert "Có 1 câu trả lời cần xem lại." in refused.content.decode()
    field = page.by_id["q_so_lan_di_lai"]
    assert field["aria-invalid"] == "true" and field["aria-describedby"] == "e_so_lan_di_lai"
    assert field["value"] == "-3"  # what was typed stays, to be corrected
    body = refused.content.decode()
    assert re.search(r'id="e_so_lan_di_lai">phải từ 0 đến 30<', body)
    assert "phải là số" not in body


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "phải từ 0 đến 30"),
        ("31", "phải từ 0 đến 30"),
        ("abc", "phải là số"),
        ("2.5", "phải là số"),
        ("1, 2", "chỉ ghi một số"),
    ],
)
def test_a_number_out_of_its_range_says_the_range(
    world: Any, campaign: Any, typed: str, message: str
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")

    refused = client.post(form, {"section": "0", "kenh_nop": "1", "so_lan_di_lai": typed})

    assert refused.status_code == 400
    assert f'id="e_so_lan_di_lai">{message}<' in refused.content.decode()


def test_the_range_message_is_in_english_for_an_english_reader(world: Any, campaign: Any) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    refused = client.post(form, {"section": "0", "kenh_nop": "1", "so_lan_di_lai": "-3"})

    assert 'id="e_so_lan_di_lai">must be between 0 and 30<' in refused.content.decode()


def test_the_ends_of_the_range_and_open_ranges_are_accepted_or_named() -> None:
    visits = Question(code="n", type="number", text="n", minimum=0, maximum=30)
    assert parse_answer(visits, "0") == (0, "")
    assert parse_answer(visits, "30") == (30, "")
    no_bounds = Question(code="n", type="number", text="n")
    assert parse_answer(no_bounds, "250") == (250, "")
    # A count below zero was refused before as "not a number": it still is refused.
    assert parse_answer(no_bounds, "-1") == (None, "không nhỏ hơn 0")
    above = Question(code="n", type="number", text="n", minimum=1)
    assert parse_answer(above, "0") == (None, "không nhỏ hơn 1")


def test_a_wrong_anti_spam_answer_is_marked_and_linked(world: Any, campaign: Any) -> None:
    client = Client()
    url = f"/khao-sat/mo/{campaign.open_code}/"
    token = client.get(url).context["captcha_token"]

    wrong = client.post(
        url, {"agency": world.stp.pk, "group": "citizen", "captcha": "999", "captcha_token": token}
    )

    assert wrong.status_code == 400
    page = Elements(wrong.content.decode())
    assert page.by_id["error-summary"]["tabindex"] == "-1"
    assert page.links == [("#captcha", "Kết quả phép tính chưa đúng; xin thử lại.")]
    captcha = page.by_id["captcha"]
    assert captcha["aria-invalid"] == "true" and captcha["aria-describedby"] == "error-summary"
    assert "aria-invalid" not in page.by_id["agency"]


def test_a_missing_agency_is_marked_on_the_list(world: Any, campaign: Any) -> None:
    client = Client()
    url = f"/khao-sat/mo/{campaign.open_code}/"
    token = client.get(url).context["captcha_token"]
    answer = str(signing.loads(token, salt="chiso.surveys.captcha"))

    refused = client.post(url, {"group": "citizen", "captcha": answer, "captcha_token": token})

    page = Elements(refused.content.decode())
    assert page.links == [("#agency", "Hãy chọn cơ quan và nhóm đối tượng trong danh sách.")]
    assert page.by_id["agency"]["aria-invalid"] == "true"
    assert "aria-invalid" not in page.by_id["captcha"]


def test_the_focus_script_is_a_static_file_not_inline(world: Any, campaign: Any) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")

    page = Elements(client.post(form, {"section": "0"}).content.decode())

    assert [s.get("src") for s in page.scripts] == ["/static/surveys/form.js"]
    assert all("defer" in s for s in page.scripts)


# In a real browser, on a phone-sized screen, with the keyboard only.


def _answer_captcha(page: Page) -> None:
    token = page.locator("input[name=captcha_token]").get_attribute("value")
    page.get_by_label(re.compile("Kiểm tra chống phiếu tự động")).fill(
        str(signing.loads(token or "", salt="chiso.surveys.captcha"))
    )


def _focused_id(page: Page) -> str:
    return str(page.evaluate("document.activeElement && document.activeElement.id"))


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> str:
    return str(live_server.url)


@pytest.mark.browser
def test_a_citizen_on_a_phone_is_taken_to_what_needs_correcting(
    page: Page, site: str, world: Any, campaign: Any
) -> None:
    page.set_viewport_size({"width": 375, "height": 700})
    open_link = f"{site}/khao-sat/mo/{campaign.open_code}/"
    page.goto(open_link)
    page.get_by_label("Cơ quan ông/bà đã làm việc").select_option(label="Sở Tư pháp")
    page.get_by_label(re.compile("Kiểm tra chống phiếu tự động")).fill("999")
    page.keyboard.press("Enter")

    # A wrong sum: the focus is on the message, whose link leads to the answer box.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Kết quả phép tính chưa đúng")
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")
    captcha = page.get_by_label(re.compile("Kiểm tra chống phiếu tự động"))
    expect(captcha).to_be_focused()
    expect(captcha).to_have_attribute("aria-invalid", "true")
    _answer_captcha(page)
    page.keyboard.press("Enter")

    # Part 1 sent with nothing answered, and a visit count of −3.
    expect(page.get_by_text("Phần 1 / 7")).to_be_visible()
    page.get_by_label(SO_LAN).fill("-3")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Có 2 câu trả lời cần xem lại.")
    expect(page.locator("#e_so_lan_di_lai")).to_have_text("phải từ 0 đến 30")
    ARTIFACTS.mkdir(exist_ok=True)
    # At the phone's own size: after a full-page screenshot Chromium dropped the next click
    # (tests/surveys/test_browser.py).
    page.screenshot(path=str(ARTIFACTS / "s8-survey-error-summary.png"))

    summary.get_by_role("link", name=KENH_NOP).click()
    first_choice = page.get_by_role("radio", name="Trực tiếp tại Bộ phận Một cửa")
    expect(first_choice).to_be_focused()
    expect(page.get_by_role("group", name=KENH_NOP)).to_be_in_viewport()
    page.keyboard.press("Space")
    summary.get_by_role("link", name=SO_LAN).click()
    expect(page.get_by_label(SO_LAN)).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Phần 2 / 7")).to_be_visible()
    assert _focused_id(page) != "error-summary"  # a page without errors keeps its focus

    # Scanning the QR code again in the same browser offers the form back, at part 2.
    page.goto(open_link)
    page.get_by_role("link", name="Tiếp tục phiếu ông/bà đã bắt đầu trên trình duyệt này").click()
    expect(page.get_by_text("Phần 2 / 7")).to_be_visible()
    page.get_by_role("link", name="Quay lại").click()
    expect(page.get_by_label(SO_LAN)).to_have_value("2")


def test_digits_of_other_scripts_are_refused_politely_not_with_a_server_error(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")

    for typed in ("²", "-²", "٣"):
        refused = client.post(form, {"section": "0", "kenh_nop": "²", "so_lan_di_lai": typed})
        assert refused.status_code == 400
        assert "phải là số" in refused.content.decode()
    assert client.get(f"{form}?phan=²").status_code == 200
