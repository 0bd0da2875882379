"""Writes to the working calendar (the announced swaps), audited."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from chiso.accounts import scope
from chiso.audit.actions import record
from chiso.dossiers.models import CalendarDay


@transaction.atomic
def set_calendar_day(
    day: datetime.date, *, is_working: bool | None, note: str = "", actor: Any
) -> CalendarDay | None:
    """Declare ``day`` a working day (làm bù, ``True``), a day off (nghỉ bù, ``False``) or an
    ordinary day again (``None``: the row is removed). Reform office or command line only.
    Run ``chiso dossiers recompute`` afterwards so that dossiers are measured again."""
    if actor is not None:
        scope.require_reform_office(actor)
    row = CalendarDay.objects.filter(date=day).first()
    old = None if row is None else {"is_working": row.is_working, "note": row.note}
    if is_working is None:
        if row is not None:
            row.delete()
            record("dossiers.calendar.removed", actor=actor, data={"date": day, "old": old})
        return None
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
