"""Recomputing in the background from ``/dossiers/recompute/`` (chiso/dossiers/jobs.py).

The job runner is called directly here (``run_job``), as the daemon thread would: the tests'
transaction never commits, so the thread of ``start_in_background`` never starts.

The dossier worked by hand (tests/dossiers/test_recompute.py): received Mon 08/01/2024 09:00,
due Wed 10/01 17:00, finished Fri 12/01 09:00, late by Thursday and Friday 07:30–09:00 = 570
working minutes = 1,19 days; with Thursday 11/01 off, 90 minutes = 0,19 days.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from chiso.audit.models import AuditEvent
from chiso.dossiers import jobs
from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import Dossier, Procedure, RecomputeJob
from tests.dossiers.helpers import make_procedures, record

PAGE = "/dossiers/recompute/"
STATUS = "/dossiers/recompute/status/"
START = "/dossiers/recompute/start/"
OTHERS = ("lan", "nam", "minh", "hanh", "mai", "khach")
LATE = record("LATE", NgayHenTra="20240110170000", NgayKetThucXuLy="20240112090000")
# Still being processed, due Wed 10/01 17:00: overdue whenever the test runs.
OPEN = record(
    "OPEN", TrangThaiHoSo=4, NgayHenTra="20240110170000", NgayKetThucXuLy=None, QuaTrinhXuLy=[]
)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def dossiers(world: Any) -> Any:
    make_procedures()
    ingest_records([LATE])
    return world


def start(user: Any, mode: str) -> Any:
    return client_for(user).post(START, {"mode": mode})


def test_only_the_reform_office_opens_the_recompute_page_and_starts_a_job(world: Any) -> None:
    for url in (PAGE, STATUS):
        assert Client().get(url).status_code == 302, url  # to the login page
        for name in OTHERS:
            assert client_for(getattr(world, name)).get(url).status_code == 403, (url, name)
        assert client_for(world.tuan).get(url).status_code == 200, url
    assert Client().post(START, {"mode": "full"}).status_code == 302
    for name in OTHERS:
        assert start(getattr(world, name), "full").status_code == 403, name
    assert not RecomputeJob.objects.exists()
    assert start(world.tuan, "full").status_code == 302
    assert RecomputeJob.objects.get().requested_by == world.tuan


def test_a_day_off_set_on_the_page_changes_the_late_days_once_the_job_has_run(
    dossiers: Any,
) -> None:
    tuan = client_for(dossiers.tuan)
    assert Dossier.objects.get(code="LATE").late_days == Decimal("1.19")
    tuan.post("/dossiers/calendar/day/", {"date": "11/01/2024", "kind": "off", "note": "bão"})
    calendar = tuan.get("/dossiers/calendar/", {"year": 2024}).content.decode()
    assert "Lịch đã thay đổi từ lần tính lại gần nhất" in calendar
    # Still measured with the former calendar until the job runs.
    assert Dossier.objects.get(code="LATE").late_days == Decimal("1.19")
    response = tuan.post(START, {"mode": "full"})
    assert response.status_code == 302 and response["Location"] == PAGE
    job = RecomputeJob.objects.get()
    assert (job.status, job.open_only) == ("pending", False)
    page = text(tuan.get(PAGE).content.decode())
    assert "Đã bắt đầu tính lại toàn bộ hồ sơ." in page and "Trạng thái: Đang chờ" in page
    assert 'hx-trigger="every 2s"' in tuan.get(STATUS).content.decode()

    job = jobs.run_job(job)

    assert (job.status, job.dossiers, job.changed, job.done, job.total) == ("done", 1, 1, 1, 1)
    assert job.started_at is not None and job.finished_at is not None
    assert Dossier.objects.get(code="LATE").late_days == Decimal("0.19")
    event = AuditEvent.objects.get(action="dossiers.recompute")
    assert event.actor == dossiers.tuan and event.data["changed"] == 1
    fragment = tuan.get(STATUS).content.decode()
    assert "hx-trigger" not in fragment  # polling stops
    assert "1 hồ sơ được tính lại, 1 hồ sơ thay đổi" in text(fragment)
    assert "Lịch đã thay đổi" not in tuan.get("/dossiers/calendar/?year=2024").content.decode()
    detail = tuan.get("/dossiers/d/LATE/").content.decode()
    assert "0,19" in detail


def test_a_second_request_shows_the_job_already_waiting(dossiers: Any) -> None:
    start(dossiers.tuan, "full")
    response = client_for(dossiers.tuan).post(START, {"mode": "open"}, follow=True)
    assert RecomputeJob.objects.count() == 1
    assert not RecomputeJob.objects.get().open_only
    html = text(response.content.decode())
    assert "Một lần tính lại đang diễn ra, được hiển thị dưới đây." in html
    assert AuditEvent.objects.filter(action="dossiers.recompute.requested").count() == 1
    # Once it has run, the next request is a new job.
    jobs.run_job(RecomputeJob.objects.get())
    start(dossiers.tuan, "open")
    assert RecomputeJob.objects.filter(status="pending", open_only=True).count() == 1


def test_the_database_refuses_a_second_active_job(dossiers: Any) -> None:
    now = timezone.now()
    RecomputeJob.objects.create(requested_by=dossiers.tuan, open_only=True, created_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecomputeJob.objects.create(
            requested_by=dossiers.tuan, open_only=False, status="running", created_at=now
        )
    RecomputeJob.objects.create(
        requested_by=dossiers.tuan, open_only=False, status="done", created_at=now
    )
    assert RecomputeJob.objects.count() == 2


def test_a_failed_job_shows_its_error(dossiers: Any) -> None:
    # A procedure moved to another field: only a full recompute may move its dossiers.
    Procedure.objects.filter(code="1.000001").update(field_code="DDAI-2")
    start(dossiers.tuan, "open")
    job = jobs.run_job(RecomputeJob.objects.get())
    assert job.status == "failed" and job.finished_at is not None
    assert job.error == jobs.FULL_NEEDED  # worded for each reader (test_s5_fixes2.py)
    html = text(client_for(dossiers.tuan).get(PAGE).content.decode())
    assert "Trạng thái: Lỗi" in html
    assert "Không tính lại được: Đã có thủ tục chuyển sang lĩnh vực khác" in html
    event = AuditEvent.objects.get(action="dossiers.recompute.failed")
    assert event.reason.startswith("Đã có thủ tục chuyển sang lĩnh vực khác")
    assert event.actor == dossiers.tuan
    assert not AuditEvent.objects.filter(action="dossiers.recompute").exists()
    # The full recompute the message asks for then runs.
    start(dossiers.tuan, "full")
    assert jobs.run_job(RecomputeJob.objects.get(status="pending")).status == "done"


def test_a_job_left_running_past_the_time_limit_is_failed_when_the_page_loads(
    dossiers: Any,
) -> None:
    long_ago = timezone.now() - dt.timedelta(minutes=61)
    job = RecomputeJob.objects.create(
        requested_by=dossiers.tuan,
        open_only=False,
        status="running",
        created_at=long_ago,
        started_at=long_ago,
    )
    html = text(client_for(dossiers.tuan).get(PAGE).content.decode())
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "timed-out:60" and "Chưa xong sau 60 phút" in html
    reason = AuditEvent.objects.get(action="dossiers.recompute.timed_out").reason
    assert reason.startswith("Chưa xong sau 60 phút")
    assert start(dossiers.tuan, "full").status_code == 302
    assert RecomputeJob.objects.filter(status="pending").count() == 1


def test_the_late_list_says_when_the_open_dossiers_were_measured(dossiers: Any) -> None:
    ingest_records([OPEN])
    late = "/dossiers/late/?period=2024"
    before = text(client_for(dossiers.hanh).get(late).content.decode())
    assert "Hồ sơ đang giải quyết được đánh giá khi nhập: chưa có lần tính lại nào." in before
    start(dossiers.tuan, "open")
    job = jobs.run_job(RecomputeJob.objects.get())
    assert (job.status, job.dossiers) == ("done", 1)  # the open dossier only
    when = timezone.localtime(AuditEvent.objects.get(action="dossiers.recompute").at)
    sentence = (
        "Hồ sơ đang giải quyết được đánh giá tại thời điểm tính lại gần nhất "
        f"({when:%d/%m/%Y %H:%M})."
    )
    seen = client_for(dossiers.hanh).get(late).content.decode()
    assert sentence in text(seen) and f'href="{PAGE}"' not in seen
    assert f'href="{PAGE}"' in client_for(dossiers.tuan).get(late).content.decode()


def test_only_a_full_recompute_clears_the_calendar_warning(dossiers: Any) -> None:
    tuan = client_for(dossiers.tuan)
    tuan.post("/dossiers/calendar/day/", {"date": "11/01/2024", "kind": "off"})
    warning = "Lịch đã thay đổi từ lần tính lại gần nhất"
    start(dossiers.tuan, "open")
    assert jobs.run_job(RecomputeJob.objects.get()).status == "done"
    # The open dossiers alone were measured again: the settled one still counts 11/01 worked.
    assert Dossier.objects.get(code="LATE").late_days == Decimal("1.19")
    assert warning in tuan.get("/dossiers/calendar/", {"year": 2024}).content.decode()
    assert warning in tuan.get(PAGE).content.decode()
    start(dossiers.tuan, "full")
    assert jobs.run_job(RecomputeJob.objects.get(status="pending")).status == "done"
    assert warning not in tuan.get("/dossiers/calendar/", {"year": 2024}).content.decode()
