"""In a real Chromium (review s5-2, L5): while Tuấn watches a recompute on its page, the job
ends; the polled status and the table of recent jobs under it both show it done, without a
reload. The job is moved to done by the test, as its thread would."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from chiso.dossiers.models import RecomputeJob
from tests.browser.test_round_office import log_in, shot

pytestmark = pytest.mark.browser


def test_the_table_of_jobs_follows_the_polled_status(
    page: Page, live_server: Any, transactional_db: Any, world: Any
) -> None:
    now = timezone.now()
    job = RecomputeJob.objects.create(
        requested_by=world.tuan,
        open_only=False,
        status="running",
        created_at=now,
        started_at=now,
        total=10,
    )
    log_in(page, live_server.url, "tuan")
    page.goto(f"{live_server.url}/dossiers/recompute/")
    first = page.locator("#recompute-jobs tbody tr").first
    expect(first).to_contain_text("Đang tính lại")

    RecomputeJob.objects.filter(pk=job.pk).update(
        status="done", done=10, dossiers=10, changed=3, finished_at=timezone.now()
    )

    expect(page.locator("#recompute-status")).to_contain_text("Đã hoàn thành", timeout=8000)
    expect(first).to_contain_text("Đã hoàn thành")
    expect(first).not_to_contain_text("Đang tính lại")
    expect(page.locator("#recompute-jobs")).to_have_count(1)
    shot(page, "recompute-table-follows")
