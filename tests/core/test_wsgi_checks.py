"""A WSGI server (gunicorn) runs no system checks: ``chiso.wsgi`` refuses to load with a setting
``chiso check`` reports as an error, naming the variable, instead of serving 500 pages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_wsgi(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "chiso.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", "import chiso.wsgi; print('serving')"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CHISO_OFFICE_HOURS", "8h-12h"),
        ("CHISO_RECEIPT_CUTOFF", "25:00"),
        ("CHISO_RECOMPUTE_TIMEOUT_MINUTES", "0"),
        ("CHISO_REPORT_JOB_TIMEOUT_MINUTES", "soon"),
    ],
)
def test_a_bad_setting_stops_the_wsgi_application_naming_it(variable: str, value: str) -> None:
    loaded = load_wsgi(**{variable: value})
    assert loaded.returncode != 0 and "serving" not in loaded.stdout
    assert "ImproperlyConfigured" in loaded.stderr and variable in loaded.stderr


def test_good_settings_serve() -> None:
    loaded = load_wsgi(CHISO_OFFICE_HOURS="07:00-11:30,13:30-17:00", CHISO_RECEIPT_CUTOFF="16:00")
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "serving"
