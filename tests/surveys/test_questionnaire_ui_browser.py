"""In a real Chromium: Tuấn uploads a questionnaire with a mistake, reads the error with its
line, fixes the file, previews the form as respondents see it and publishes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chiso.surveys.models import Questionnaire, Response
from tests.conftest import PASSWORD
from tests.surveys.test_questionnaire_ui import SMALL

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def site(transactional_db: Any, live_server: Any) -> str:
    return str(live_server.url)


def test_tuan_uploads_previews_and_publishes_a_questionnaire(
    page: Page, site: str, world: Any, tmp_path: Path
) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill("tuan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{site}/surveys/")
    page.get_by_role("link", name="Bảng hỏi", exact=True).click()

    bad = tmp_path / "phieu.yaml"
    bad.write_text(SMALL.replace("{question: phien_ha, equals: 2}", "{question: sau, equals: 2}"))
    page.get_by_label("Tệp bảng hỏi (YAML)").set_input_files(str(bad))
    page.get_by_role("button", name="Kiểm tra và lưu bản nháp").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Dòng 18: Câu hỏi «phien_ha_ghi_ro»: điều kiện dựa vào câu hỏi «sau»"
    )
    shot(page, "survey-questionnaire-upload-error")
    assert not Questionnaire.objects.exists()

    good = tmp_path / "phieu-dung.yaml"
    good.write_text(SMALL)
    page.get_by_label("Tệp bảng hỏi (YAML)").set_input_files(str(good))
    page.get_by_role("button", name="Kiểm tra và lưu bản nháp").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Phiếu thử nghiệm")

    page.get_by_role("link", name="Xem trước như người trả lời thấy").click()
    expect(page.get_by_text("Phần 1 / 2")).to_be_visible()
    page.get_by_role("group", name="Ông/bà hài lòng với cơ quan").get_by_label(
        "Hài lòng", exact=True
    ).check()
    page.get_by_role("group", name="Có bị gây phiền hà không?").get_by_label(
        "Có", exact=True
    ).check()
    shot(page, "survey-questionnaire-preview")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    expect(page.get_by_label("Xin ghi rõ sự việc")).to_be_visible()
    page.get_by_role("link", name="Về bảng hỏi").click()

    page.get_by_role("button", name="Công bố phiên bản này").click()
    expect(page.get_by_role("alert")).to_contain_text("Đã công bố bảng hỏi thu-nghiem phiên bản 1")
    shot(page, "survey-questionnaire-published")
    assert Questionnaire.objects.get().status == "published"
    assert not Response.objects.exists()
