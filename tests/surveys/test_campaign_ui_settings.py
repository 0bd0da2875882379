"""The open link's limits come from the environment (docs/configuration.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django; django.setup(); "
    "from django.conf import settings; "
    "from chiso.surveys.actions.online import open_link_limit; "
    "print(open_link_limit(), settings.SURVEY_TRUSTED_PROXIES)"
)


def _read(**env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CHISO_SURVEY_")}
    clean.pop("DEBUG", None)
    clean |= {"DJANGO_SETTINGS_MODULE": "chiso.settings", **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_open_link_limits_have_their_defaults() -> None:
    assert _read() == "20 0"  # development: no proxy in front, X-Forwarded-For ignored
    assert (
        _read(DEBUG="0", SECRET_KEY="x" * 50, CHISO_BASE_URL="https://cchc.example.gov.vn")
        == "20 1"
    )  # production: behind the TLS proxy


def test_environment_variables_change_the_open_link_limits() -> None:
    assert _read(CHISO_SURVEY_OPEN_LINK_PER_HOUR="5", CHISO_SURVEY_TRUSTED_PROXIES="2") == "5 2"
    assert (
        _read(
            DEBUG="0",
            SECRET_KEY="x" * 50,
            CHISO_BASE_URL="https://cchc.example.gov.vn",
            CHISO_SURVEY_TRUSTED_PROXIES="0",
        )
        == "20 0"
    )
