"""In a real Chromium: Tuấn declares Thursday 11/01/2024 a day off on the calendar page, starts
a recompute of every dossier from the warning it shows, and sees the job finish; the dossier
late by 1,19 days (tests/dossiers/test_s5_calendar_jobs.py) is then late by 0,19.

The job runs in the server's daemon thread, as in production. The tests' SQLite is in memory
with a shared cache, where a read while that thread writes fails at once ("table is locked")
instead of waiting: the answer to the browser's "start" request (a redirect to the recompute
page) is held until the thread has ended (tests/reports/test_jobs.py waits for its thread the
same way).
"""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import Dossier
from tests.browser.test_round_office import log_in, shot
from tests.dossiers.helpers import make_procedures
from tests.dossiers.test_s5_calendar_jobs import LATE

pytestmark = pytest.mark.browser


def answer_after_the_job(route: Route) -> None:
    """Send the request to the server, wait for the job's thread it started, then answer."""
    response = route.fetch(max_redirects=0)
    for thread in threading.enumerate():
        if thread.name.startswith("recompute-job-"):
            thread.join(timeout=60)
    route.fulfill(response=response)


def test_tuan_adds_a_day_off_and_sees_the_full_recompute_finish(
    page: Page, live_server: Any, transactional_db: Any, world: Any
) -> None:
    make_procedures()
    ingest_records([LATE])
    site = live_server.url

    log_in(page, site, "tuan")
    page.goto(f"{site}/dossiers/calendar/?year=2024")
    page.get_by_label("Ngày (dd/mm/yyyy)").fill("11/01/2024")
    page.get_by_label("Ngày nghỉ (ví dụ ngày nghỉ bù)").check()
    page.get_by_label("Ghi chú (ví dụ văn bản thông báo)").fill("Nghỉ do bão")
    page.get_by_role("button", name="Ghi ngày").click()

    expect(page.get_by_role("alert").first).to_contain_text("Ngày 11/01/2024 từ nay là ngày nghỉ.")
    row = page.locator("#special-days tr", has_text="11/01/2024")
    expect(row).to_contain_text("Ngày nghỉ thêm")
    expect(row).to_contain_text("Trương Ngọc Tuấn")
    warning = page.locator("#calendar-changed")
    expect(warning).to_contain_text("Lịch đã thay đổi từ lần tính lại gần nhất")
    shot(page, "calendar-day-off")

    page.route(f"{site}/dossiers/recompute/start/", answer_after_the_job)
    page.once("dialog", lambda dialog: dialog.accept())
    warning.get_by_role("button", name="Tính lại toàn bộ").click()

    expect(page).to_have_url(f"{site}/dossiers/recompute/")
    status = page.locator("#recompute-status")
    expect(status).to_contain_text("Đã hoàn thành")
    expect(status).to_contain_text("1 hồ sơ được tính lại, 1 hồ sơ thay đổi")
    expect(page.locator("#recompute-jobs")).to_contain_text("Trương Ngọc Tuấn")
    shot(page, "recompute-done")
    assert Dossier.objects.get(code="LATE").late_days == Decimal("0.19")

    page.goto(f"{site}/dossiers/calendar/?year=2024")
    expect(page.locator("#calendar-changed")).to_have_count(0)
