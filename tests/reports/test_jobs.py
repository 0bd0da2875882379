"""Reports made in the background: progress, the finished file, and who may see a job."""

from __future__ import annotations

import io
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from chiso.audit.models import AuditEvent
from chiso.demo.build import build
from chiso.reports.jobs import NoResults, request_job, run_job
from chiso.reports.models import ReportJob
from chiso.results.models import AgencyScore
from tests.reports.conftest import client_as
from tests.reports.test_pdf import text_of


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


def user(name: str) -> User:
    return User.objects.get(username=name)


def test_a_zip_has_one_scorecard_per_agency_naming_it(
    demo: None, media: Path, tmp_path: Path
) -> None:
    job = request_job(user("tuan"), ReportJob.Kind.SCORECARDS_ZIP, 2023, "huyen")
    assert (job.status, job.done, job.total) == ("pending", 0, 0)
    job = run_job(job)
    assert (job.status, job.done, job.total) == ("done", 9, 9)
    assert job.path.parent == media / "reports" and job.path.name == job.key
    with zipfile.ZipFile(job.path) as archive:
        names = archive.namelist()
        assert len(names) == 9 and all(n.endswith(".pdf") for n in names)
        for name in names:
            pdf = tmp_path / "one.pdf"
            pdf.write_bytes(archive.read(name))
            agency = name.split(" - ", 1)[1].removesuffix(".pdf")
            assert agency in text_of(pdf)
    agencies = set(
        AgencyScore.objects.filter(
            result_set__year=2023, result_set__block__code="huyen"
        ).values_list("agency__name", flat=True)
    )
    assert {n.split(" - ", 1)[1].removesuffix(".pdf") for n in names} == agencies
    assert names[0].startswith("01 - ")  # in rank order
    assert AuditEvent.objects.filter(action="reports.job.requested", actor__username="tuan")


def test_the_page_polls_until_done_then_offers_the_download(demo: None) -> None:
    tuan = client_as("tuan")
    response = tuan.post(
        "/reports/jobs/new/", {"kind": "block_xlsx", "year": 2023, "block": "so-ban-nganh"}
    )
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/jobs/{job.key}/"
    page = tuan.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and f"/reports/jobs/{job.key}/status/" in page
    assert "/download/" not in page

    out = io.StringIO()
    call_command("report_jobs", "run-pending", stdout=out)
    assert "1 việc / jobs run" in out.getvalue() and "1/1" in out.getvalue()

    status = tuan.get(f"/reports/jobs/{job.key}/status/").content.decode()
    assert "hx-trigger" not in status and f"/reports/jobs/{job.key}/download/" in status
    download = tuan.get(f"/reports/jobs/{job.key}/download/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Khối sở, ban, ngành" in download["Content-Disposition"].replace("%20", " ") or (
        "Kh%E1%BB%91i" in download["Content-Disposition"]
    )
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "Sở Tư pháp" in str([c.value for row in workbook.active.iter_rows() for c in row])
    assert f"/reports/jobs/{job.key}/" in tuan.get("/reports/jobs/").content.decode()


def test_the_block_page_offers_the_zip_in_the_background(demo: None) -> None:
    page = client_as("hanh").get("/results/2023/huyen/").content.decode()
    assert 'action="/reports/jobs/new/"' in page and 'value="scorecards_zip"' in page


def test_nobody_else_sees_an_agency_users_job(demo: None) -> None:
    job = run_job(request_job(user("lan"), ReportJob.Kind.BLOCK_XLSX, 2023, "so-ban-nganh"))
    assert client_as("lan").get(f"/reports/jobs/{job.key}/download/").status_code == 200
    # One demo for the whole matrix: building it is the slow part.
    for persona in ("tuan", "nam", "minh", "hanh", "khach", None):
        client = client_as(persona)
        for suffix in ("", "status/", "download/"):
            response = client.get(f"/reports/jobs/{job.key}/{suffix}")
            expected = {None: 302, "khach": 403}.get(persona, 404)
            assert response.status_code == expected, (persona, suffix)
        listing = client.get("/reports/jobs/").content.decode()
        assert f"/reports/jobs/{job.key}/" not in listing, persona


def test_what_a_user_cannot_see_cannot_be_asked_for(demo: None) -> None:
    with pytest.raises(NoResults):
        request_job(user("lan"), ReportJob.Kind.PROVINCE_PDF, 2024)
    response = client_as("lan").post(
        "/reports/jobs/new/", {"kind": "scorecards_zip", "year": 2024, "block": "huyen"}
    )
    assert response.status_code == 404 and not ReportJob.objects.exists()


def test_a_failure_is_stored_with_its_message(demo: None) -> None:
    job = request_job(user("tuan"), ReportJob.Kind.SCORECARDS_ZIP, 2023, "huyen")
    # The block's results are no longer there when the job runs (e.g. a re-organised block).
    ReportJob.objects.filter(pk=job.pk).update(block_code="khong-co")
    with pytest.raises(CommandError, match="1 việc lỗi"):
        call_command("report_jobs", "run-pending", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == "failed" and "khong-co" in job.error and not job.path.exists()
    status = client_as("tuan").get(f"/reports/jobs/{job.key}/status/").content.decode()
    assert "khong-co" in status and 'role="alert"' in status and "hx-trigger" not in status


@pytest.fixture
def demo_committed(transactional_db: Any) -> None:
    """The demo committed for real, so that the job's own thread sees it."""
    build(progress=lambda _: None)


def test_the_web_process_runs_the_job_in_a_thread(demo_committed: None) -> None:
    tuan = client_as("tuan")
    tuan.post("/reports/jobs/new/", {"kind": "province_pdf", "year": 2023})
    job = ReportJob.objects.get()
    # Wait for the job's thread rather than polling the row: in the tests' in-memory SQLite
    # (shared cache) a read at the moment the thread writes fails at once with "table is locked".
    for thread in threading.enumerate():
        if thread.name == f"report-job-{job.pk}":
            thread.join(timeout=60)
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 1, 1), job.error
    download = tuan.get(f"/reports/jobs/{job.key}/download/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
