"""Settings from the environment are checked at start-up, naming the variable to correct
(review s5, L1; the calendar's settings): ``chiso check`` fails on a bad value instead of a
page failing later, and the dossier clock's settings come from CHISO_* variables."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

ROOT = Path(__file__).resolve().parents[2]


def _run(code: list[str], **variables: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **variables, "DJANGO_SETTINGS_MODULE": "chiso.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, *code], env=env, cwd=ROOT, capture_output=True, text=True
    )


def test_chiso_check_refuses_bad_values_naming_each_variable() -> None:
    result = _run(
        ["-m", "django", "check"],
        CHISO_REPORT_JOB_TIMEOUT_MINUTES="0",
        CHISO_RECOMPUTE_TIMEOUT_MINUTES="một giờ",
        CHISO_OFFICE_HOURS="7h30-11h30",
        CHISO_RECEIPT_CUTOFF="3pm",
    )

    assert result.returncode != 0
    for variable in (
        "CHISO_REPORT_JOB_TIMEOUT_MINUTES phải là một số phút nguyên lớn hơn 0, đang là 0",
        "CHISO_RECOMPUTE_TIMEOUT_MINUTES phải là một số phút nguyên lớn hơn 0, đang là 'một giờ'",
        "CHISO_OFFICE_HOURS không đọc được: '7h30-11h30'",
        "CHISO_RECEIPT_CUTOFF không phải giờ dạng 15:00: '3pm'",
    ):
        assert variable in result.stderr
    assert "Traceback" not in result.stderr


def test_the_dossier_clock_is_read_from_the_environment() -> None:
    result = _run(
        [
            "-c",
            "from django.conf import settings as s; import django; django.setup(); "
            "print(s.DOSSIERS_OFFICE_HOURS, s.DOSSIERS_RECEIPT_CUTOFF, "
            "s.DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES, s.CHISO_REPORT_JOB_TIMEOUT_MINUTES)",
        ],
        CHISO_OFFICE_HOURS="07:00-11:00,13:30-17:30",
        CHISO_RECEIPT_CUTOFF="15:00",
        CHISO_RECOMPUTE_TIMEOUT_MINUTES="90",
        CHISO_REPORT_JOB_TIMEOUT_MINUTES="45",
    )

    assert result.stdout.split() == ["07:00-11:00,13:30-17:30", "15:00", "90", "45"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES", -1, "CHISO_RECOMPUTE_TIMEOUT_MINUTES must be"),
        ("DOSSIERS_OFFICE_HOURS", "13:00-17:00,07:30-11:30", "CHISO_OFFICE_HOURS cannot be read"),
        ("DOSSIERS_RECEIPT_CUTOFF", "25:00", "CHISO_RECEIPT_CUTOFF is not a time like 15:00"),
    ],
)
def test_each_bad_value_is_named(settings: Any, name: str, value: Any, message: str) -> None:
    setattr(settings, name, value)

    with pytest.raises(SystemCheckError, match=message):
        call_command("check")


def test_good_values_pass(settings: Any) -> None:
    settings.DOSSIERS_OFFICE_HOURS = "07:00-11:00,13:30-17:30"
    settings.DOSSIERS_RECEIPT_CUTOFF = "15:30"
    settings.DOSSIERS_RECOMPUTE_TIMEOUT_MINUTES = 30

    out = io.StringIO()
    call_command("check", stdout=out)

    assert "System check identified no issues" in out.getvalue()
