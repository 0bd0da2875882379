"""In Chromium: Tuấn opens the petitions page from the navigation, uploads the PAKN export
(first with a bad row, then corrected) and reads Sở Tư pháp's January counts; Lan sees her
agency only. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import PASSWORD
from tests.dossiers.test_petitions import HEADER, JANUARY

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def log_in(page: Page, site: str, username: str) -> None:
    page.goto(f"{site}/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_tuan_imports_petitions_and_reads_the_counts(
    page: Page, transactional_db: Any, live_server: Any, world: Any, tmp_path: Path
) -> None:
    bad = tmp_path / "pakn-loi.csv"
    bad.write_text(HEADER + "Q1,stp,31/02/2024 09:00,,,,,portal\n", encoding="utf-8")
    good = tmp_path / "pakn.csv"
    good.write_text(JANUARY, encoding="utf-8")

    log_in(page, live_server.url, "tuan")
    page.locator('.main-nav a[href="/dossiers/petitions/"]').click()
    page.locator("#petitions-file").set_input_files(str(bad))
    page.locator("#petitions-file").locator("xpath=ancestor::form").locator("button").click()
    expect(page.get_by_role("alert")).to_contain_text("Dòng 2, cột «Ngày tiếp nhận»")
    shot(page, "petitions-import-error")

    page.locator("#petitions-file").set_input_files(str(good))
    page.locator("#petitions-file").locator("xpath=ancestor::form").locator("button").click()
    page.locator("#period").fill("01/2024")
    page.locator("#period").press("Enter")
    stp = page.locator("#petition-counts tbody tr", has_text="Sở Tư pháp")
    expect(stp).to_contain_text("60,00")
    expect(stp).to_contain_text("66,67")
    stp.get_by_role("link", name="Sở Tư pháp", exact=True).click()
    expect(page.locator("#petition-list tbody tr")).to_have_count(5)
    shot(page, "petitions-agency")


def test_lan_sees_only_her_agency(
    page: Page, transactional_db: Any, live_server: Any, world: Any
) -> None:
    from chiso.dossiers.petitions import import_petitions

    row = "S1,sxd,04/01/2024 09:00,20/01/2024 17:00,06/01/2024 10:00,có,5,portal\n"
    assert import_petitions((JANUARY + row).encode(), actor=world.tuan, filename="p.csv").ok

    log_in(page, live_server.url, "lan")
    page.goto(f"{live_server.url}/dossiers/petitions/?period=2024-01")
    expect(page.locator("#petition-counts tbody tr")).to_have_count(1)
    expect(page.locator("#petition-counts")).not_to_contain_text("Sở Xây dựng")
    expect(page.locator("#petitions-file")).to_have_count(0)
