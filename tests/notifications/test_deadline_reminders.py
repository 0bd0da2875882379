"""``chiso notify_deadlines``: a reminder to whoever still has to act before a near deadline,
once per stage and date however often cron runs it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Deadline
from chiso.notifications.models import Notification
from chiso.notifications.reminders import remind_deadlines
from tests.assessments.conftest import deadlines

TODAY = datetime.date.today()
IN_2_DAYS = TODAY + datetime.timedelta(days=2)


@pytest.fixture
def due_soon(world: Any, binh: Any, framework: Any, block: Any) -> Any:
    """A round whose self-assessment is due in two days and approval in three."""
    rnd = a.open_round(
        block,
        framework,
        deadlines(self_assessment=IN_2_DAYS, approval=TODAY + datetime.timedelta(days=3)),
        actor=world.tuan,
    )
    Notification.objects.all().delete()  # the round-opened ones
    return rnd


def reminded(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind="deadline_near")
        .order_by("id")
        .values_list("title", flat=True)
    )


def submit(world: Any, rnd: Any) -> Assessment:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    for code in ("1.1", "1.2", "2.1", "3.1"):
        entry = stp.entries.get(code=code)
        a.save_self_assessment(
            stp,
            code,
            value=Decimal(1),
            not_applicable=False,
            justification="",
            expected_version=entry.version,
            actor=world.lan,
        )
    return a.submit_assessment(stp, actor=world.lan)


def test_it_reminds_officers_and_leaders_of_a_self_assessment_due_soon(
    world: Any,
    binh: Any,
    due_soon: Any,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = remind_deadlines(days=3)

    title = f"Sở Tư pháp: hạn tự đánh giá là ngày {IN_2_DAYS:%d/%m/%Y}"
    assert reminded(world.lan) == reminded(world.nam) == [title]
    assert reminded(binh) == [f"Sở Xây dựng: hạn tự đánh giá là ngày {IN_2_DAYS:%d/%m/%Y}"]
    note = Notification.objects.get(user=world.lan)
    assert note.body == (
        "Việc tự đánh giá của đợt đánh giá năm 2024 (Khối sở, ban, ngành) chưa hoàn thành; "
        f"còn 2 ngày đến hạn {IN_2_DAYS:%d/%m/%Y}."
    )
    stp = Assessment.objects.get(round=due_soon, agency=world.stp)
    assert note.link == f"/rounds/assessment/{stp.pk}/"
    assert created == 3
    assert [m.to for m in mailoutbox] == [[binh.email]]  # the only one with an address
    for person in (world.tuan, world.minh, world.hanh, world.mai, world.khach):
        assert reminded(person) == []


def test_running_it_again_reminds_nobody_twice(world: Any, due_soon: Any) -> None:
    assert remind_deadlines(days=3) == 3
    assert remind_deadlines(days=3) == 0
    assert remind_deadlines(days=3, today=TODAY + datetime.timedelta(days=1)) == 0

    assert len(reminded(world.lan)) == 1


def test_a_deadline_further_away_waits(world: Any, due_soon: Any) -> None:
    assert remind_deadlines(days=1) == 0
    assert remind_deadlines(days=2) == 3


def test_after_submitting_only_the_leader_is_reminded_to_approve(
    world: Any, binh: Any, due_soon: Any
) -> None:
    submit(world, due_soon)

    remind_deadlines(days=3)

    assert reminded(world.lan) == []
    assert reminded(world.nam) == [
        f"Sở Tư pháp: hạn lãnh đạo phê duyệt là ngày {TODAY + datetime.timedelta(days=3):%d/%m/%Y}"
    ]
    assert len(reminded(binh)) == 1  # Sở Xây dựng has not submitted


def test_an_extension_moves_the_reminder_to_the_new_date(world: Any, due_soon: Any) -> None:
    remind_deadlines(days=3)
    later = TODAY + datetime.timedelta(days=10)
    a.grant_extension(
        due_soon, world.stp, "self_assessment", later, reason="Thiếu nhân sự", actor=world.tuan
    )

    assert remind_deadlines(days=3) == 0
    assert remind_deadlines(days=3, today=later - datetime.timedelta(days=1)) == 2
    assert reminded(world.lan)[-1].endswith(f"{later:%d/%m/%Y}")


def test_items_left_unexplained_are_reminded_before_the_explanation_deadline(
    world: Any, rnd: Any
) -> None:
    stp = submit(world, rnd)
    a.approve_submission(stp, actor=world.nam)
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    entry = stp.entries.get(code="1.2")
    a.record_appraisal(
        entry,
        1,
        value=Decimal(0),
        comment="",
        needs_explanation=True,
        expected_version=entry.version,
        actor=world.minh,
    )
    a.close_appraisal_1(rnd, actor=world.tuan)
    # The explanation is due in two days (an extension only ever gives a later date).
    near = dict.fromkeys(["self_assessment", "approval", "appraisal_1", "explanation"], IN_2_DAYS)
    dates = {d.value: near.get(d.value, getattr(rnd, f"{d.value}_due")) for d in Deadline}
    a.change_deadlines(rnd, dates, reason="Gấp", actor=world.tuan)

    remind_deadlines(days=3)
    assert reminded(world.lan) == [f"Sở Tư pháp: hạn giải trình là ngày {IN_2_DAYS:%d/%m/%Y}"]
    assert reminded(world.nam) == reminded(world.lan)

    entry.refresh_from_db()
    a.submit_explanation(entry, text="Đã bổ sung", expected_version=entry.version, actor=world.lan)
    Notification.objects.all().delete()
    assert remind_deadlines(days=3) == 0


def test_the_command_says_how_many_it_sent(world: Any, due_soon: Any) -> None:
    out = StringIO()
    call_command("notify_deadlines", "--days", "3", stdout=out)
    assert out.getvalue().strip() == "Đã gửi 3 thông báo sắp đến hạn (trong 3 ngày tới)."

    out = StringIO()
    call_command("notify_deadlines", "--lang", "en", stdout=out)
    assert out.getvalue().strip() == "0 deadline reminder(s) sent (due within 3 days)."

    with pytest.raises(CommandError, match="--days phải từ 0 trở lên."):
        call_command("notify_deadlines", "--days", "-1")
