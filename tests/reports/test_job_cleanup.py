"""Report files are kept CHISO_REPORT_JOB_DAYS days: ``chiso report_jobs cleanup`` deletes older
ones, marks their jobs expired (the page offers to generate again, not a broken link) and
leaves one audit row with the counts."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.utils import timezone

from chiso.audit.models import AuditEvent
from chiso.reports.models import ReportJob
from tests.reports.conftest import client_as


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CHISO_REPORT_JOB_DAYS = 7
    return Path(settings.MEDIA_ROOT)


def finished(owner: str, days_ago: int, content: bytes = b"PK-zip") -> ReportJob:
    """A finished job of ``owner`` whose file was written ``days_ago`` days ago."""
    when = timezone.now() - datetime.timedelta(days=days_ago)
    job = ReportJob.objects.create(
        key=f"job-{owner}-{days_ago}",
        kind=ReportJob.Kind.BLOCK_XLSX,
        year=2023,
        block_code="so-ban-nganh",
        file_name="Kết quả chỉ số CCHC 2023 - Khối sở, ban, ngành.xlsx",
        status=ReportJob.Status.DONE,
        size=len(content),
        requested_by=User.objects.get(username=owner),
        requested_at=when,
        finished_at=when,
    )
    job.path.parent.mkdir(parents=True, exist_ok=True)
    job.path.write_bytes(content)
    return job


def cleanup(*args: str) -> str:
    out = io.StringIO()
    call_command("report_jobs", "cleanup", *args, stdout=out)
    return out.getvalue()


def test_cleanup_deletes_only_files_older_than_the_retention(demo: None) -> None:
    old = finished("tuan", 8, b"x" * 100)
    recent = finished("tuan", 2)

    printed = cleanup()

    assert "1 việc hết hạn, 1 tệp đã xoá, 100 byte (giữ 7 ngày)" in printed
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.path.exists()) == ("expired", False)
    assert (recent.status, recent.path.exists()) == ("done", True)
    row = AuditEvent.objects.get(action="reports.jobs.cleaned")
    assert row.data == {"days": 7, "jobs": 1, "files": 1, "bytes": 100}
    assert row.actor is None and row.actor_label.startswith("CLI")


def test_the_expired_job_page_offers_to_generate_it_again(demo: None) -> None:
    job = finished("lan", 30)
    cleanup()
    lan = client_as("lan")

    page = lan.get(f"/reports/jobs/{job.key}/").content.decode()
    download = lan.get(f"/reports/jobs/{job.key}/download/")
    listing = lan.get("/reports/jobs/").content.decode()

    assert "Tệp này đã hết hạn và đã bị xoá khỏi máy chủ: hãy tạo lại." in page
    assert "/download/" not in page
    assert 'action="/reports/jobs/new/"' in page and 'value="so-ban-nganh"' in page
    assert "Tạo lại" in page
    assert download.status_code == 404
    assert "Hết hạn" in listing

    again = lan.post(
        "/reports/jobs/new/", {"kind": "block_xlsx", "year": 2023, "block": "so-ban-nganh"}
    )
    assert again.status_code == 302
    assert ReportJob.objects.filter(requested_by__username="lan").count() == 2


def test_days_on_the_command_line_override_the_setting_and_a_rerun_finds_nothing(
    demo: None,
) -> None:
    job = finished("tuan", 3)

    assert "1 việc hết hạn" in cleanup("--days", "1")
    assert "0 việc hết hạn, 0 tệp đã xoá, 0 byte (giữ 1 ngày)" in cleanup("--days", "1")

    job.refresh_from_db()
    assert job.status == "expired"
    assert AuditEvent.objects.filter(action="reports.jobs.cleaned").count() == 2


def test_negative_days_are_refused_and_nothing_changes(demo: None) -> None:
    job = finished("tuan", 3)

    with pytest.raises(CommandError, match="không được là số âm"):
        cleanup("--days", "-1")

    job.refresh_from_db()
    assert job.status == "done" and job.path.exists()
    assert not AuditEvent.objects.filter(action="reports.jobs.cleaned").exists()
