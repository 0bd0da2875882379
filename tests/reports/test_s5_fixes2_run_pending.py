"""Review s5-2, L6: ``chiso report_jobs run-pending`` names the block as the pages do and writes
its byte count in both languages, like ``cleanup``; a negative ``--days`` is refused in both."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from chiso.reports.jobs import request_job
from chiso.reports.models import ReportJob


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def test_run_pending_names_the_block_and_counts_bytes_in_both_languages(demo: None) -> None:
    tuan = User.objects.get(username="tuan")
    job = request_job(tuan, ReportJob.Kind.BLOCK_XLSX, 2023, "so-ban-nganh")

    out = io.StringIO()
    call_command("report_jobs", "run-pending", stdout=out)

    line = out.getvalue().splitlines()[0]
    assert line.startswith(f"{job.key} block_xlsx 2023 Khối sở, ban, ngành: 1/1, ")
    size = ReportJob.objects.get().size
    assert size >= 1000  # so that the grouping shows
    vi, en = f"{size:,}".replace(",", "."), f"{size:,}"
    assert line.endswith(f"{vi} byte / {en} bytes"), line
    assert "so-ban-nganh" not in line


def test_negative_days_are_refused_in_both_languages(demo: None) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("report_jobs", "cleanup", "--days", "-1", stdout=io.StringIO())
    message = str(refused.value)
    assert re.search(r"không được là số âm: '-1' / .* not negative: '-1'", message), message
