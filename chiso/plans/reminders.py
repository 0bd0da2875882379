"""Reminders of overdue and due-soon tasks, in the app and by e-mail.

Each task is reminded once per state and deadline (``dedup_key``), so the job can run every day
(cron) without repeating itself; a new deadline gives a new reminder.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from chiso.accounts.models import AGENCY_ROLES
from chiso.notifications.actions import notify
from chiso.plans.deadlines import DUE_SOON_DAYS, days_late, days_left
from chiso.plans.models import Task
from chiso.plans.queries import due_soon, overdue
from chiso.plans.workdays import counts_working_days, plans_calendar


def recipients(task: Task) -> list[Any]:
    """The lead agency's focal officers and leaders, and the officer in charge's account."""
    users = list(
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role__in=list(AGENCY_ROLES),
            memberships__agency=task.lead_agency_id,
        )
        .distinct()
    )
    if task.officer_user is not None:
        users.append(task.officer_user)
    return users


def send_reminders(today: datetime.date, within: int = DUE_SOON_DAYS) -> int:
    """Notify about every overdue task and every task due within ``within`` days (working days
    unless ``PLANS_DEADLINE_DAYS`` says calendar days); return the
    number of notifications created (0 when run again the same day)."""
    sent = 0
    calendar, working = plans_calendar(), counts_working_days()
    tasks = Task.objects.select_related("lead_agency", "officer_user")
    with override("vi"):
        for task in overdue(tasks, today):
            late = days_late(task.deadline, None, today, calendar)
            sent += len(
                notify(
                    recipients(task),
                    kind="plans.overdue",
                    title=_("Overdue task: %(number)s. %(title)s")
                    % {"number": task.number, "title": task.title[:120]},
                    body=(
                        _("The deadline was %(deadline)s (%(days)s working days ago).")
                        if working
                        else _("The deadline was %(deadline)s (%(days)s days ago).")
                    )
                    % {"deadline": task.deadline.strftime("%d/%m/%Y"), "days": late},
                    link=reverse("plans:task", args=[task.pk]),
                    dedup_key=f"plans.overdue.{task.pk}.{task.deadline.isoformat()}",
                )
            )
        for task in due_soon(tasks, today, within, calendar):
            sent += len(
                notify(
                    recipients(task),
                    kind="plans.due_soon",
                    title=_("Task due soon: %(number)s. %(title)s")
                    % {"number": task.number, "title": task.title[:120]},
                    body=(
                        _("The deadline is %(deadline)s (in %(days)s working days).")
                        if working
                        else _("The deadline is %(deadline)s (in %(days)s days).")
                    )
                    % {
                        "deadline": task.deadline.strftime("%d/%m/%Y"),
                        "days": days_left(task.deadline, today, calendar),
                    },
                    link=reverse("plans:task", args=[task.pk]),
                    dedup_key=f"plans.due_soon.{task.pk}.{task.deadline.isoformat()}",
                )
            )
    return sent
