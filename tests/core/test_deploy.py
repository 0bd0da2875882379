"""Production settings pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_for_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "-a-long-random-production-key-for-the-check",
        "ALLOWED_HOSTS": "cchc.example.gov.vn",
        "CHISO_DATA_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by conftest for the browser tests only
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "DJANGO_SETTINGS_MODULE": "chiso.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = {**os.environ, "DEBUG": "0", "CHISO_DATA_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env={**env, "DJANGO_SETTINGS_MODULE": "chiso.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
