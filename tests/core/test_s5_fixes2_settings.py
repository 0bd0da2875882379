"""Review s5-2, L3 and L4: the clock's times are plain HH:MM (no UTC offset, no seconds) and a
cut-off lies within the office hours; an environment variable set but empty means the default,
for the timeouts as for the office hours."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from tests.core.test_s5_fixes_settings_checks import _run


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DOSSIERS_RECEIPT_CUTOFF", "15:00+07:00", "CHISO_RECEIPT_CUTOFF is not a time like 15:00"),
        ("DOSSIERS_RECEIPT_CUTOFF", "15:00:30", "CHISO_RECEIPT_CUTOFF is not a time like 15:00"),
        ("DOSSIERS_RECEIPT_CUTOFF", "1500", "CHISO_RECEIPT_CUTOFF is not a time like 15:00"),
        ("DOSSIERS_RECEIPT_CUTOFF", "03:00", "CHISO_RECEIPT_CUTOFF 03:00 is outside the office"),
        ("DOSSIERS_RECEIPT_CUTOFF", "23:00", "outside the office hours \\(07:30–17:00\\)"),
        ("DOSSIERS_OFFICE_HOURS", "07:30+07:00-11:30+07:00", "CHISO_OFFICE_HOURS cannot be read"),
        ("DOSSIERS_OFFICE_HOURS", "07:30:45-11:30", "CHISO_OFFICE_HOURS cannot be read"),
    ],
)
def test_times_that_the_clock_cannot_use_are_refused(
    settings: Any, name: str, value: str, message: str
) -> None:
    setattr(settings, name, value)

    with pytest.raises(SystemCheckError, match=message):
        call_command("check")


def test_a_cut_off_within_the_provinces_own_hours_is_accepted(settings: Any) -> None:
    settings.DOSSIERS_OFFICE_HOURS = "07:00-11:00,13:30-17:30"
    settings.DOSSIERS_RECEIPT_CUTOFF = "17:30"
    call_command("check")  # no SystemCheckError


def test_empty_variables_mean_the_defaults_alike() -> None:
    empty = {
        "CHISO_RECOMPUTE_TIMEOUT_MINUTES": "",
        "CHISO_REPORT_JOB_TIMEOUT_MINUTES": " ",
        "CHISO_OFFICE_HOURS": "",
        "CHISO_RECEIPT_CUTOFF": "",
    }
    read = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES, s.CHISO_REPORT_JOB_TIMEOUT_MINUTES, "
            "repr(s.DOSSIERS_OFFICE_HOURS), repr(s.DOSSIERS_RECEIPT_CUTOFF))",
        ],
        **empty,
    )
    assert read.stdout.split() == ["60", "30", "''", "''"], read.stderr

    checked = _run(["-m", "django", "check"], **empty)
    assert checked.returncode == 0, checked.stderr
    assert "E001" not in checked.stderr and "E002" not in checked.stderr
