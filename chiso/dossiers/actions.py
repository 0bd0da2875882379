"""Writes to the working calendar (the announced swaps) and requests to recompute, audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.audit.actions import record
from chiso.dossiers.models import CalendarDay, RecomputeJob
from chiso.dossiers.workcalendar import FIRST_YEAR, LAST_YEAR

NOTE_LENGTH = CalendarDay._meta.get_field("note").max_length or 255
ACTIVE = (RecomputeJob.Status.PENDING, RecomputeJob.Status.RUNNING)


class CalendarDayRefused(ValueError):
    """The day cannot be written: ``field`` (``date`` or ``note``) is wrong, the message says
    why in the user's language."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _check_day(day: datetime.date, note: str) -> None:
    # The calendar is built for FIRST_YEAR–LAST_YEAR only (workcalendar.py): a row outside
    # would be stored but never counted.
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise CalendarDayRefused(
            "date",
            _(
                "%(date)s is outside the working calendar, which covers the years "
                "%(first)s to %(last)s."
            )
            % {"date": f"{day:%d/%m/%Y}", "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    if len(note) > NOTE_LENGTH:
        raise CalendarDayRefused(
            "note",
            _("The note is %(length)s characters long; at most %(most)s are allowed.")
            % {"length": len(note), "most": NOTE_LENGTH},
        )


@transaction.atomic
def set_calendar_day(
    day: datetime.date, *, is_working: bool | None, note: str = "", actor: Any
) -> CalendarDay | None:
    """Declare ``day`` a working day (làm bù, ``True``), a day off (nghỉ bù, ``False``) or an
    ordinary day again (``None``: the row is removed). Reform office or command line only.
    A day outside the calendar's years, or a note longer than the column, raises
    :class:`CalendarDayRefused` (for ``None`` too: the note is then ignored). Returns the row
    as stored; for ``None``, the row removed (no longer stored), or ``None`` when the province
    had no entry for the day and nothing changed. Recompute afterwards so that dossiers are
    measured again (``chiso dossiers recompute`` or ``/dossiers/recompute/``)."""
    if actor is not None:
        scope.require_reform_office(actor)
    _check_day(day, "" if is_working is None else note)
    row = CalendarDay.objects.filter(date=day).first()
    old = None if row is None else {"is_working": row.is_working, "note": row.note}
    if is_working is None:
        if row is not None:
            row.delete()
            record("dossiers.calendar.removed", actor=actor, data={"date": day, "old": old})
        return row
    new = {"is_working": is_working, "note": note}
    if row is None:
        row = CalendarDay.objects.create(date=day, **new)
    elif old != new:
        row.is_working, row.note = is_working, note
        row.save()
    else:
        return row
    record("dossiers.calendar.set", actor=actor, obj=row, data={"old": old, "new": new})
    return row


def request_recompute(*, open_only: bool, actor: Any) -> tuple[RecomputeJob, bool]:
    """Record a recompute job waiting to run (reform office only; the command line runs
    ``chiso dossiers recompute`` itself) and return ``(job, True)``; when a job is already
    waiting or running, return ``(that job, False)`` instead: only one runs at a time.

    The database's unique index decides between two requests at the same moment: the second
    insert fails and gets the first one's job."""
    scope.require_reform_office(actor)
    active = RecomputeJob.objects.filter(status__in=ACTIVE).first()
    if active is not None:
        return active, False
    try:
        with transaction.atomic():
            job = RecomputeJob.objects.create(
                requested_by=actor, open_only=open_only, created_at=timezone.now()
            )
            record(
                "dossiers.recompute.requested",
                actor=actor,
                obj=job,
                data={"open_only": open_only},
            )
    except IntegrityError:
        winner = RecomputeJob.objects.filter(status__in=ACTIVE).first()
        return winner or RecomputeJob.objects.latest("created_at", "pk"), False
    return job, True
