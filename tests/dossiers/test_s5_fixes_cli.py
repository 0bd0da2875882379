"""``chiso dossiers``: a refused calendar day is a one-line message, not a traceback, and the
progress lines group thousands the Vietnamese way (84.088), as their words are Vietnamese
(review s5, L7)."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chiso.dossiers.management.commands.dossiers import ProgressBar
from chiso.dossiers.models import CalendarDay


def test_a_day_outside_the_calendar_is_refused_with_a_message(db: Any) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("dossiers", "calendar-day", "01/01/2050", "--off")

    assert str(refused.value) == (
        "Ngày 01/01/2050 nằm ngoài lịch làm việc, lịch chỉ có các năm từ 2015 đến 2035."
    )
    assert not CalendarDay.objects.filter(date=datetime.date(2050, 1, 1)).exists()


def test_a_note_too_long_is_refused_with_a_message(db: Any) -> None:
    with pytest.raises(CommandError, match="tối đa 255"):
        call_command("dossiers", "calendar-day", "02/01/2026", "--off", "--note", "x" * 300)
    assert not CalendarDay.objects.filter(date=datetime.date(2026, 1, 2)).exists()


def test_back_to_ordinary_on_a_day_without_an_entry_says_nothing_changed(db: Any) -> None:
    out = io.StringIO()
    call_command("dossiers", "calendar-day", "05/01/2026", "--ordinary", stdout=out)
    assert "không có gì thay đổi" in out.getvalue()
    call_command("dossiers", "calendar-day", "05/01/2026", "--off", stdout=io.StringIO())
    out = io.StringIO()
    call_command("dossiers", "calendar-day", "05/01/2026", "--ordinary", stdout=out)
    assert out.getvalue().startswith("Đã ghi lịch ngày 05/01/2026")
    assert not CalendarDay.objects.filter(date=datetime.date(2026, 1, 5)).exists()


def test_the_progress_line_groups_thousands_with_a_dot() -> None:
    out = io.StringIO()
    bar = ProgressBar("recompute", out)

    bar(84_088, 168_176)

    line = out.getvalue()
    assert " 50,0% 84.088/168.176 dòng, " in line
    assert "," not in line.split("dòng, ")[1]  # the rate: 1.234.567 dòng/s, never 1,234,567


def test_the_progress_line_ends_once_when_the_end_is_reported_twice() -> None:
    """The import reports its last batch, then the end of the file: one finished line, not two
    (review s8, re-walk)."""
    out = io.StringIO()
    bar = ProgressBar("d.jsonl", out)

    bar(2, 4)
    bar(4, 4)
    bar(4, 4)

    assert out.getvalue().count("100,0% 4/4 dòng") == 1 and out.getvalue().endswith("\n")
