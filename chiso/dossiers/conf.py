"""Settings of the dossier rules and the working calendar, read from Django settings.

``DOSSIERS_OFFICE_HOURS`` ("07:30-11:30,13:00-17:00"), ``DOSSIERS_RECEIPT_CUTOFF`` ("15:00"
or unset: after office hours only), ``DOSSIERS_MULTIPLE_SUPPLEMENTS_LATE`` (True),
``DOSSIERS_SUBTRACT_FINANCIAL_WAIT`` (False), ``DOSSIERS_PORTAL_VIEW`` ("extended").
Defaults follow the national portal (rules.py).
"""

from __future__ import annotations

import datetime

from django.conf import settings

from chiso.dossiers.rules import RuleSettings
from chiso.dossiers.workcalendar import (
    ANNOUNCED_SWAPS,
    DEFAULT_SESSIONS,
    WorkCalendar,
    build_calendar,
    parse_sessions,
)

_cache: dict[tuple[object, ...], WorkCalendar] = {}


def rule_settings() -> RuleSettings:
    return RuleSettings(
        multiple_supplements_late=getattr(settings, "DOSSIERS_MULTIPLE_SUPPLEMENTS_LATE", True),
        subtract_financial_wait=getattr(settings, "DOSSIERS_SUBTRACT_FINANCIAL_WAIT", False),
        portal_view=getattr(settings, "DOSSIERS_PORTAL_VIEW", "extended"),
    )


def current_calendar() -> WorkCalendar:
    """The calendar with the announced swaps, the ``CalendarDay`` exceptions and the configured
    office hours; cached until an exception or a setting changes."""
    from chiso.dossiers.models import CalendarDay

    hours = getattr(settings, "DOSSIERS_OFFICE_HOURS", "")
    sessions = parse_sessions(hours) if hours else DEFAULT_SESSIONS
    cutoff_text = getattr(settings, "DOSSIERS_RECEIPT_CUTOFF", "")
    cutoff = datetime.time.fromisoformat(cutoff_text) if cutoff_text else None
    days = dict(ANNOUNCED_SWAPS)
    days.update(CalendarDay.objects.values_list("date", "is_working"))  # local rows win
    rows = tuple(sorted(days.items()))
    key = (sessions, cutoff, rows)
    if key not in _cache:
        _cache.clear()
        _cache[key] = build_calendar(rows, sessions=sessions, cutoff=cutoff)
    return _cache[key]
