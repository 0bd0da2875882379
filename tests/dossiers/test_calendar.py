"""The working calendar, worked by hand with a wall calendar of 2024.

Office hours 07:30–11:30 and 13:00–17:00 (8 working hours a day). Tết 2024: Thursday 08/02 to
Wednesday 14/02 off. The 30/4 bridge: Monday 29/4 off, Saturday 04/5 worked (an announced swap
shipped with the code, ``ANNOUNCED_SWAPS``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from chiso.dossiers.conf import current_calendar
from chiso.dossiers.models import CalendarDay
from chiso.dossiers.workcalendar import build_calendar, parse_sessions

PLAIN = build_calendar()
SWAPPED = build_calendar([(dt.date(2024, 5, 4), True)])


def at(day: str, hm: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hm}")


def test_a_limit_of_two_days_received_on_friday_crosses_the_weekend() -> None:
    # Fri 05/01 09:00 → Mon 08/01 09:00 (1 day) → Tue 09/01 09:00 (2 days).
    assert PLAIN.add_working_days(at("2024-01-05"), 2) == at("2024-01-09")
    assert PLAIN.working_days(at("2024-01-05"), at("2024-01-09")) == 2


def test_tet_2024_adds_no_working_time() -> None:
    # Wed 07/02 09:00 + 3 days: Thu 15/02, Fri 16/02, Mon 19/02 (Tết and the weekends skipped).
    assert PLAIN.add_working_days(at("2024-02-07"), 3) == at("2024-02-19")
    assert PLAIN.working_minutes(at("2024-02-08"), at("2024-02-14", "17:00")) == 0
    assert not PLAIN.is_working_day(dt.date(2024, 2, 12))  # a Monday of Tết


def test_the_swapped_saturday_is_worked_and_the_bridge_monday_is_not() -> None:
    assert not PLAIN.is_working_day(dt.date(2024, 4, 29))  # holidays.VN knows the day off
    assert not PLAIN.is_working_day(dt.date(2024, 5, 4))
    assert SWAPPED.is_working_day(dt.date(2024, 5, 4))
    # Thu 02/5 09:00 + 3 days: Fri 03/5, Sat 04/5 (worked), Mon 06/5.
    assert SWAPPED.add_working_days(at("2024-05-02"), 3) == at("2024-05-06")
    assert PLAIN.add_working_days(at("2024-05-02"), 3) == at("2024-05-07")


def test_after_hours_receipt_counts_from_the_next_working_morning() -> None:
    assert PLAIN.clock_start(at("2024-01-05", "18:10")) == at("2024-01-08", "07:30")
    assert PLAIN.clock_start(at("2024-01-06", "10:00")) == at("2024-01-08", "07:30")  # Saturday
    assert PLAIN.clock_start(at("2024-01-05", "06:50")) == at("2024-01-05", "07:30")
    assert PLAIN.clock_start(at("2024-01-05", "15:30")) == at("2024-01-05", "15:30")


def test_the_receipt_cutoff_is_a_setting() -> None:
    cal = build_calendar(cutoff=dt.time(15, 0))
    assert cal.clock_start(at("2024-01-05", "15:30")) == at("2024-01-08", "07:30")
    assert cal.clock_start(at("2024-01-05", "14:59")) == at("2024-01-05", "14:59")


def test_a_one_day_limit_from_the_opening_ends_at_closing_time_and_lunch_is_not_counted() -> None:
    assert PLAIN.add_working_days(at("2024-01-08", "07:30"), 1) == at("2024-01-08", "17:00")
    assert PLAIN.working_minutes(at("2024-01-08", "11:00"), at("2024-01-08", "13:30")) == 60
    assert PLAIN.add_working_minutes(at("2024-01-08", "11:00"), 60) == at("2024-01-08", "13:30")


def test_office_hours_are_configurable() -> None:
    cal = build_calendar(sessions=parse_sessions("08:00-12:00,13:30-17:30"))
    assert cal.day_minutes == 480
    assert cal.clock_start(at("2024-01-05", "07:45")) == at("2024-01-05", "08:00")
    with pytest.raises(ValueError):
        parse_sessions("13:00-12:00")


@pytest.mark.django_db
def test_the_database_calendar_holds_the_shipped_swap_and_follows_new_rows() -> None:
    assert current_calendar().is_working_day(dt.date(2024, 5, 4))
    CalendarDay.objects.create(date=dt.date(2024, 12, 31), is_working=False, note="nghỉ thêm")
    assert not current_calendar().is_working_day(dt.date(2024, 12, 31))


def test_the_reform_office_declares_a_swap_and_it_is_audited(world: Any) -> None:
    from chiso.audit.models import AuditEvent
    from chiso.dossiers.actions import set_calendar_day

    set_calendar_day(dt.date(2026, 1, 3), is_working=True, note="làm bù", actor=world.tuan)
    assert current_calendar().is_working_day(dt.date(2026, 1, 3))
    call_command("dossiers", "calendar-day", "03/01/2026", "--ordinary")
    assert not current_calendar().is_working_day(dt.date(2026, 1, 3))
    assert AuditEvent.objects.filter(action__startswith="dossiers.calendar").count() == 2
    with pytest.raises(PermissionDenied):
        set_calendar_day(dt.date(2026, 1, 3), is_working=False, actor=world.lan)


@pytest.mark.django_db
def test_the_saturdays_worked_in_exchange_come_from_the_holiday_calendar() -> None:
    # Each bridge day off of the holidays package ("Day off (substituted from …)") has its
    # Saturday worked: 04/05/2024 for Mon 29/04/2024, 26/04/2025 for Fri 02/05/2025, and
    # 22/08/2026 for Mon 31/08/2026 (Quốc khánh 2026), which no one typed in.
    cal = current_calendar()
    for worked, off in (
        (dt.date(2024, 5, 4), dt.date(2024, 4, 29)),
        (dt.date(2025, 4, 26), dt.date(2025, 5, 2)),
        (dt.date(2026, 8, 22), dt.date(2026, 8, 31)),
    ):
        assert worked.weekday() == 5 and cal.is_working_day(worked)
        assert not cal.is_working_day(off)
    assert not cal.is_working_day(dt.date(2026, 8, 29))  # an ordinary Saturday
