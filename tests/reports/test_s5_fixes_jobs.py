"""Report jobs after review s5: the time-out message is worded when it is shown, in the
reader's language (L2); a bad CHISO_REPORT_JOB_TIMEOUT_MINUTES is refused at start-up and
never breaks the pages (L1); the list names the block (L7); the cleanup counts in words
(L7)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from chiso.audit.models import AuditEvent
from chiso.org.models import Block
from chiso.reports.models import ReportJob
from tests.assessments.office_world import client_for
from tests.reports.test_s5_job_timeout import cleanup, job, media  # noqa: F401

VI = "Quá thời gian 30 phút mà chưa xong (tiến trình tạo báo cáo có lẽ đã dừng), hãy tạo lại."
EN = "Not finished after 30 minutes: the process making it has probably stopped."


def _page(user: Any, key: str, lang: str) -> str:
    client = client_for(user)
    client.cookies["django_language"] = lang
    url = reverse("reports:job", args=[key])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def test_a_job_timed_out_by_the_cron_reads_in_the_language_of_whoever_opens_it(
    world: Any,
) -> None:
    j = job(world.lan, ReportJob.Status.RUNNING, 45, "dead")
    cleanup()  # the cron words everything in Vietnamese

    assert EN in _page(world.lan, j.key, "en") and VI not in _page(world.lan, j.key, "en")
    assert VI in _page(world.lan, j.key, "vi")
    j.refresh_from_db()
    assert j.error == "timed-out:30"
    assert AuditEvent.objects.get(action="reports.job.timed_out").reason == VI


def test_a_job_timed_out_on_an_english_page_reads_in_vietnamese_too(world: Any) -> None:
    j = job(world.lan, ReportJob.Status.PENDING, 45, "dead")

    assert EN in _page(world.lan, j.key, "en")  # this visit marks it failed
    assert VI in _page(world.lan, j.key, "vi")


def test_a_message_stored_by_an_earlier_version_is_still_shown(world: Any) -> None:
    j = job(world.lan, ReportJob.Status.FAILED, 45, "old")
    ReportJob.objects.filter(pk=j.pk).update(error=VI)

    assert VI in _page(world.lan, j.key, "en")


@pytest.mark.parametrize("value", [0, -5, "abc", "3.5"])
def test_a_bad_timeout_never_breaks_the_pages_and_the_cron_names_it(
    world: Any, settings: Any, value: Any
) -> None:
    j = job(world.lan, ReportJob.Status.RUNNING, 45, "dead")
    settings.CHISO_REPORT_JOB_TIMEOUT_MINUTES = value
    client = client_for(world.lan)

    assert client.get(reverse("reports:jobs")).status_code == 200
    assert client.get(reverse("reports:job", args=[j.key])).status_code == 200
    with pytest.raises(CommandError, match="CHISO_REPORT_JOB_TIMEOUT_MINUTES phải là"):
        cleanup()
    j.refresh_from_db()
    assert j.status == "running"  # nothing timed out on a value nobody meant


def test_the_system_check_refuses_a_bad_timeout_naming_the_variable(settings: Any) -> None:
    settings.CHISO_REPORT_JOB_TIMEOUT_MINUTES = 0
    out = io.StringIO()

    with pytest.raises(Exception) as refused:
        call_command("check", stdout=out, stderr=out)

    assert "chiso.E001" in str(refused.value)
    assert "CHISO_REPORT_JOB_TIMEOUT_MINUTES must be a whole number of minutes above 0" in str(
        refused.value
    )


def test_the_list_and_the_page_name_the_block(world: Any) -> None:
    Block.objects.create(code="so-ban-nganh", year=2023, name="Khối sở, ban, ngành")
    j = job(world.lan, ReportJob.Status.PENDING, 1, "fresh")
    client = client_for(world.lan)

    listing = client.get(reverse("reports:jobs")).content.decode()
    page = client.get(reverse("reports:job", args=[j.key])).content.decode()

    assert "2023 · Khối sở, ban, ngành</a>" in listing and "so-ban-nganh</a>" not in listing
    assert "2023 · Khối sở, ban, ngành</h1>" in page


def test_the_cleanup_counts_one_job_and_several_jobs_in_words(world: Any) -> None:
    job(world.lan, ReportJob.Status.RUNNING, 45, "one")
    assert "1 job unfinished after 30 minutes marked failed" in cleanup()

    job(world.lan, ReportJob.Status.RUNNING, 45, "two")
    job(world.nam, ReportJob.Status.PENDING, 45, "three")
    printed = cleanup()
    assert "2 việc quá 30 phút chưa xong" in printed
    assert "2 jobs unfinished after 30 minutes marked failed" in printed
    assert "0 jobs expired, 0 files deleted, 0 bytes (kept 7 days)" in printed


def test_the_cleanup_groups_thousands_per_language(world: Any, settings: Any) -> None:
    settings.CHISO_REPORT_JOB_TIMEOUT_MINUTES = 1440
    settings.CHISO_REPORT_JOB_DAYS = 1000

    printed = cleanup()

    assert "0 việc quá 1.440 phút" in printed and "0 jobs unfinished after 1,440 minutes" in printed
    assert "(giữ 1.000 ngày)" in printed and "(kept 1,000 days)" in printed
