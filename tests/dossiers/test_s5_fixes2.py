"""Review s5-2 findings on the calendar and recompute pages (M1, M2, L1, L2, L5).

- M1: a failed recompute is worded for each reader, in the reader's language; the browser user
  is told to press the button, not to run a command.
- M2: the English calendar writes the dates inside holiday names as dd/mm/yyyy.
- L1: the 2024 and 2025 swaps look like the 2026 one (shipped, no remove button).
- L2: "As the national calendar says" on a day with no entry says nothing changed; a year
  outside the calendar is refused as for the other choices.
- L5: the polled status also refreshes the table of recent jobs.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps
from django.test import Client

from chiso.audit.actions import record
from chiso.audit.models import AuditEvent
from chiso.dossiers import jobs
from chiso.dossiers.models import CalendarDay, Procedure, RecomputeJob
from tests.dossiers.test_s5_calendar import day_row
from tests.dossiers.test_s5_calendar_jobs import PAGE, STATUS, client_for, dossiers, start, text

__all__ = ["dossiers"]  # the fixture, shared with test_s5_calendar_jobs

CALENDAR = "/dossiers/calendar/"
DAY = "/dossiers/calendar/day/"
swap_rows = importlib.import_module("chiso.dossiers.migrations.0008_shipped_swap_rows")


def english(user: Any) -> Client:
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client


def _failed_open_job(world: Any) -> RecomputeJob:
    # A procedure moved to another field: only a full recompute may move its dossiers.
    Procedure.objects.filter(code="1.000001").update(field_code="DDAI-2")
    start(world.tuan, "open")
    return jobs.run_job(RecomputeJob.objects.get())


def test_a_failed_recompute_speaks_the_readers_language_and_names_the_button(
    dossiers: Any,
) -> None:
    job = _failed_open_job(dossiers)
    assert job.status == "failed" and job.error == jobs.FULL_NEEDED

    en = text(english(dossiers.tuan).get(PAGE).content.decode())
    assert (
        "The recompute could not be completed: A procedure has moved to another field since "
        "the dossiers were last computed: press “Recompute every dossier” on this page." in en
    )
    assert "chiso dossiers recompute)" not in en and "Đã có thủ tục" not in en
    vi = text(client_for(dossiers.tuan).get(PAGE).content.decode())
    assert "hãy bấm “Tính lại toàn bộ” trên trang này" in vi
    polled = text(english(dossiers.tuan).get(STATUS).content.decode())
    assert "press “Recompute every dossier” on this page" in polled
    # The audit row keeps the sentence, in the site's language.
    reason = AuditEvent.objects.get(action="dossiers.recompute.failed").reason
    assert reason.startswith("Đã có thủ tục chuyển sang lĩnh vực khác")


def test_a_timed_out_job_is_worded_for_each_reader(dossiers: Any) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=61)
    RecomputeJob.objects.create(
        requested_by=dossiers.tuan,
        open_only=False,
        status="running",
        created_at=long_ago,
        started_at=long_ago,
    )
    vi = text(client_for(dossiers.tuan).get(PAGE).content.decode())  # marks it failed
    assert RecomputeJob.objects.get().error == "timed-out:60"
    assert "Chưa xong sau 60 phút" in vi
    en = text(english(dossiers.tuan).get(PAGE).content.decode())
    assert "Not finished after 60 minutes" in en and "Chưa xong" not in en


def test_the_polled_status_refreshes_the_table_of_recent_jobs(dossiers: Any) -> None:
    start(dossiers.tuan, "full")
    page = client_for(dossiers.tuan).get(PAGE).content.decode()
    assert 'id="recompute-jobs"' in page and "hx-swap-oob" not in page
    jobs.run_job(RecomputeJob.objects.get())

    fragment = client_for(dossiers.tuan).get(STATUS).content.decode()
    table = fragment.split('id="recompute-jobs"')[1].split("</table>")[0]
    assert fragment.count('id="recompute-jobs"') == 1
    assert 'hx-swap-oob="true"' in fragment.split('id="recompute-jobs"')[1][:40]
    assert "Đang tính lại" not in text(table) and "Đã hoàn thành" in text(table)


def test_english_holiday_names_write_their_dates_as_dd_mm_yyyy(world: Any) -> None:
    html = english(world.tuan).get(CALENDAR, {"year": 2025}).content.decode()
    row = day_row(html, "02/05/2025")
    assert "Day off (substituted from 26/04/2025)" in row
    assert "04/26/2025" not in html
    vi = client_for(world.tuan).get(CALENDAR, {"year": 2024}).content.decode()
    assert "thay cho ngày 04/05/2024" in day_row(vi, "29/04/2024")


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_shipped_swap_looks_the_same_and_has_no_remove_button(world: Any, year: int) -> None:
    saturday = {2024: "04/05/2024", 2025: "26/04/2025", 2026: "22/08/2026"}[year]
    html = english(world.tuan).get(CALENDAR, {"year": year}).content.decode()
    row = day_row(html, saturday)
    assert "Announced swap shipped with chiso" in row
    assert "Worked in exchange for a bridge day off announced by the government" in row
    assert "Remove the province" not in row
    assert not CalendarDay.objects.exists()


def test_the_migration_removes_only_the_untouched_rows_of_the_old_migration(
    world: Any,
) -> None:
    (day_2024, note_2024), (day_2025, note_2025) = swap_rows.SWAPS
    CalendarDay.objects.create(date=day_2024, is_working=True, note=note_2024)  # as 0002 wrote
    written = CalendarDay.objects.create(date=day_2025, is_working=True, note=note_2025)
    # The province wrote the 2025 row itself: audited, so it stays.
    record(
        "dossiers.calendar.set",
        actor=world.tuan,
        obj=written,
        data={"old": None, "new": {"is_working": True, "note": note_2025}},
    )
    swap_rows.remove_shipped(apps, None)
    assert list(CalendarDay.objects.values_list("date", flat=True)) == [day_2025]

    CalendarDay.objects.all().delete()
    CalendarDay.objects.create(date=day_2024, is_working=True, note="Công văn của tỉnh")
    swap_rows.remove_shipped(apps, None)
    assert CalendarDay.objects.get().note == "Công văn của tỉnh"  # changed: the province's


def test_as_the_national_calendar_says_on_a_day_without_entry_says_nothing_changed(
    world: Any,
) -> None:
    response = client_for(world.tuan).post(
        DAY, {"date": "15/12/2026", "kind": "ordinary"}, follow=True
    )
    page = text(response.content.decode())
    assert "Tỉnh không có ghi cho ngày 15/12/2026: không có gì thay đổi." in page
    assert "Đã bỏ ghi của tỉnh" not in page
    assert not AuditEvent.objects.filter(action__startswith="dossiers.calendar").exists()
    assert not jobs.calendar_changed_since_recompute()


def test_as_the_national_calendar_says_outside_the_calendar_is_refused(world: Any) -> None:
    response = client_for(world.tuan).post(DAY, {"date": "01/01/2040", "kind": "ordinary"})
    assert response.status_code == 400
    page = text(response.content.decode())
    assert "01/01/2040 nằm ngoài lịch làm việc" in page
    assert "Đã bỏ ghi của tỉnh" not in page and "không phải là một năm" not in page


def test_removing_a_real_entry_still_says_so(world: Any) -> None:
    client = client_for(world.tuan)
    client.post(DAY, {"date": "07/12/2026", "kind": "off", "note": "Bão"})
    response = client.post(DAY, {"date": "07/12/2026", "kind": "ordinary"}, follow=True)
    assert "Đã bỏ ghi của tỉnh cho ngày 07/12/2026" in text(response.content.decode())
    assert AuditEvent.objects.filter(action="dossiers.calendar.removed").count() == 1
