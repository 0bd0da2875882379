"""Reminders of overdue and due-soon tasks reach the agency, once."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.core import mail
from django.core.management import call_command

from chiso.notifications.models import Notification
from chiso.plans import actions
from chiso.plans.reminders import send_reminders

D = datetime.date


def test_overdue_and_due_soon_tasks_are_reminded_once_in_the_app_and_by_email(
    world: Any, plans: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.lan.email = "lan@stp.example"
    world.lan.save()
    actions.save_task(
        plans.plan,
        actor=world.tuan,
        number="9",
        title="Sắp đến hạn",
        lead_agency=world.stp,
        deadline=D(2024, 9, 5),
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders(D(2024, 9, 1), within=7)
    # Sở Tư pháp (Lan, Nam): task 9 due soon; Sở Xây dựng (nobody): task 3 overdue.
    titles = sorted(Notification.objects.filter(user=world.lan).values_list("title", flat=True))
    assert titles == ["Nhiệm vụ sắp đến hạn: 9. Sắp đến hạn"]
    assert sent == 2  # Lan and Nam
    assert [m.to for m in mail.outbox] == [["lan@stp.example"]]
    assert send_reminders(D(2024, 9, 1), within=7) == 0
    # A month later task 1 (30/09) is overdue too
    send_reminders(D(2024, 10, 2))
    assert Notification.objects.filter(user=world.lan, kind="plans.overdue").count() == 2


def test_the_remind_command_reports_what_it_sent(world: Any, plans: Any) -> None:
    out = io.StringIO()
    call_command("plans", "remind", "--days", "3", stdout=out)
    # today is long after 2024: every open task of Sở Tư pháp is overdue (task 1) → Lan, Nam
    assert out.getvalue().strip() == "Đã gửi 2 thông báo nhắc việc."
