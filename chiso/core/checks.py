"""System checks of the settings read from the environment (``chiso check``, ``manage.py
check``, every management command and ``runserver`` at start-up, and ``chiso.wsgi`` before a
WSGI server such as gunicorn, which runs no checks, serves anything).

A wrong value is refused here, naming the environment variable to correct, rather than
surfacing later as an error page (review s5, L1). The messages are in Vietnamese and English,
as the other command-line output. docs/configuration.md lists the variables.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.conf import settings
from django.core.checks import Error, register

from chiso.dossiers.workcalendar import DEFAULT_SESSIONS, Session, parse_sessions

# setting → (environment variable, check id) of the whole numbers of minutes.
MINUTES = {
    "CHISO_REPORT_JOB_TIMEOUT_MINUTES": ("CHISO_REPORT_JOB_TIMEOUT_MINUTES", "chiso.E001"),
    "DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES": ("CHISO_RECOMPUTE_TIMEOUT_MINUTES", "chiso.E002"),
}


SETTINGS_TAG = "chiso_settings"  # chiso.wsgi runs these before serving


def whole_minutes(value: Any) -> int | None:
    """``value`` when it is a whole number above 0, else ``None``."""
    valid = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value if valid else None


@register(SETTINGS_TAG)
def check_minutes(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    for name, (variable, ident) in MINUTES.items():
        value = getattr(settings, name, None)
        if value is not None and whole_minutes(value) is None:
            errors.append(
                Error(
                    f"{variable} phải là một số phút nguyên lớn hơn 0, đang là {value!r} / "
                    f"{variable} must be a whole number of minutes above 0, not {value!r}",
                    hint=f"Sửa hoặc bỏ biến môi trường {variable} / correct or unset {variable}",
                    id=ident,
                )
            )
    return errors


# A plain local time, hours and minutes: the calendar counts whole minutes in local time, so
# seconds would be dropped silently and a UTC offset ("15:00+07:00") makes a time that cannot
# be compared with the naive local times of workcalendar.py (review s5-2, L3).
PLAIN_TIME = re.compile(r"\d{2}:\d{2}")


def plain_time(text: str) -> datetime.time:
    """``text`` (``HH:MM``) as a time; ``ValueError`` for anything else."""
    if not PLAIN_TIME.fullmatch(text):
        raise ValueError(f"not a plain HH:MM time: {text!r}")
    return datetime.time.fromisoformat(text)


def office_sessions(text: str) -> tuple[Session, ...]:
    """``parse_sessions`` restricted to plain ``HH:MM`` times; ``ValueError`` otherwise."""
    for part in text.split(","):
        for moment in part.split("-"):
            plain_time(moment.strip())
    return parse_sessions(text)


@register(SETTINGS_TAG)
def check_office_hours(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """Office hours as ``07:30-11:30,13:00-17:00`` (increasing sessions) and the receipt
    cut-off as ``15:00`` within them, both optional and plain ``HH:MM`` times: read only when
    the calendar is first built, a wrong value would otherwise break every page that measures
    dossiers. Empty means the default, like unset."""
    errors = []
    sessions = DEFAULT_SESSIONS
    hours = getattr(settings, "DOSSIERS_OFFICE_HOURS", "")
    if hours:
        try:
            sessions = office_sessions(hours)
        except ValueError:
            errors.append(
                Error(
                    f"CHISO_OFFICE_HOURS không đọc được: {hours!r}; viết như "
                    f"07:30-11:30,13:00-17:00 (giờ:phút, các buổi tăng dần) / CHISO_OFFICE_HOURS "
                    f"cannot be read: {hours!r}; write it as 07:30-11:30,13:00-17:00 "
                    f"(hours:minutes, increasing)",
                    id="chiso.E003",
                )
            )
    cutoff = getattr(settings, "DOSSIERS_RECEIPT_CUTOFF", "")
    if cutoff:
        try:
            moment = plain_time(cutoff)
        except ValueError:
            errors.append(
                Error(
                    f"CHISO_RECEIPT_CUTOFF không phải giờ dạng 15:00: {cutoff!r} (giờ:phút, "
                    f"không có múi giờ) / CHISO_RECEIPT_CUTOFF is not a time like 15:00: "
                    f"{cutoff!r} (hours:minutes, no time zone)",
                    id="chiso.E004",
                )
            )
        else:
            opening, closing = sessions[0][0], sessions[-1][1]
            if not opening < moment <= closing:
                errors.append(
                    Error(
                        f"CHISO_RECEIPT_CUTOFF {cutoff} nằm ngoài giờ làm việc "
                        f"({opening:%H:%M}–{closing:%H:%M}) / CHISO_RECEIPT_CUTOFF {cutoff} is "
                        f"outside the office hours ({opening:%H:%M}–{closing:%H:%M})",
                        hint="Bỏ biến để nhận hồ sơ đến hết giờ làm việc / unset it to receive "
                        "until the close of office",
                        id="chiso.E004",
                    )
                )
    return errors
