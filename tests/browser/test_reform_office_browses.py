"""In a real Chromium: the reform office browses the demo province, and Lan sees only her own.

Screenshots land in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from chiso.demo.build import DEMO_PASSWORD, build

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo_site(transactional_db: Any, live_server: Any) -> str:
    build(progress=lambda _: None)
    return str(live_server.url)


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đánh giá cải cách hành chính")


def nav(page: Page, name: str) -> Locator:
    """A link of the main navigation bar."""
    return page.get_by_role("navigation", name="Điều hướng chính").get_by_role(
        "link", name=name, exact=True
    )


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_reform_office_follows_a_number_to_its_explanation(page: Page, demo_site: str) -> None:
    log_in(page, demo_site, "tuan")
    nav(page, "Kết quả").click()
    expect(page.get_by_text("82,22%")).to_be_visible()
    expect(page.get_by_text("+7,60 điểm so với năm trước (74,62%)")).to_be_visible()
    shot(page, "results-index")

    page.locator("tr", has_text="2023").get_by_role("link", name="Khối UBND cấp huyện").click()
    ranking = page.locator("#ranking")
    expect(ranking.locator("tbody tr")).to_have_count(9)
    first = ranking.locator("tbody tr").first
    expect(first).to_contain_text("UBND thành phố Tuy Hòa")
    expect(first).to_contain_text("88,62")
    expect(first).to_contain_text("78,45")  # 2022 beside it
    shot(page, "results-district-block-2023")

    first.get_by_role("link", name="UBND thành phố Tuy Hòa").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("UBND thành phố Tuy Hòa")
    expect(page.get_by_text("88,62% · Tốt")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Tổng: .* điểm")).first).to_be_visible()
    expect(page.get_by_text("Cấp phó").first).to_be_visible()
    shot(page, "scorecard-tuy-hoa-2023")


def test_the_reform_office_reads_a_framework_and_an_agency(page: Page, demo_site: str) -> None:
    log_in(page, demo_site, "tuan")
    nav(page, "Bộ chỉ số").click()
    page.get_by_role("link", name=re.compile("sở, ban, ngành năm 2023")).first.click()
    expect(page.get_by_text("Tỷ lệ hồ sơ TTHC được giải quyết đúng hạn").first).to_be_visible()
    expect(page.get_by_text(re.compile("≥ 98 ?% → 3 điểm")).first).to_be_visible()
    shot(page, "framework-tree")

    nav(page, "Cơ quan, đơn vị").click()
    page.get_by_role("link", name="Sở Nông nghiệp và Môi trường").click()
    expect(page.get_by_text("Sở Tài nguyên và Môi trường").first).to_be_visible()
    shot(page, "agency-lineage")


def test_lan_sees_only_her_department_and_can_switch_to_english(page: Page, demo_site: str) -> None:
    log_in(page, demo_site, "lan")
    nav(page, "Cơ quan, đơn vị").click()
    expect(page.get_by_role("link", name="Sở Tư pháp")).to_be_visible()
    expect(page.get_by_text("Sở Xây dựng")).to_have_count(0)
    response = page.goto(f"{demo_site}/org/agencies/sxd/")
    assert response is not None and response.status == 404

    page.goto(f"{demo_site}/results/")
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_have_text("CCHC index results")
    expect(page.get_by_text("82,22%")).to_have_count(0)
    expect(page.get_by_text("82.22%")).to_be_visible()
    shot(page, "results-index-english")
