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
        "CHISO_BASE_URL": "https://cchc.example.gov.vn",
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


# Security review (session 3), moved here from tests/security: with DEBUG=0 and no
# EMAIL_BACKEND / CHISO_BASE_URL set, production kept the console e-mail backend and a loopback
# base URL: invitation e-mails (addresses, personal answer links) went to the server's stdout,
# marked as sent, each link pointing at http://127.0.0.1:8000.
PROBE = "import chiso.settings as s; print(s.EMAIL_BACKEND); print(s.CHISO_BASE_URL)"


def _probe(**extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DEBUG": "0",
        "SECRET_KEY": "review-only",
        "ALLOWED_HOSTS": "chiso.example.vn",
        **extra,
    }
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_settings_do_not_fall_back_to_console_mail_and_a_loopback_link() -> None:
    done = _probe()

    if done.returncode != 0:  # refusing to start without them is a fine answer too
        assert "ImproperlyConfigured" in done.stderr, done.stderr
        return
    backend, base_url = done.stdout.split()
    assert backend != "django.core.mail.backends.console.EmailBackend", (
        "DEBUG=0 still prints invitation e-mails (addresses, personal links) to stdout"
    )
    assert "127.0.0.1" not in base_url and "localhost" not in base_url, base_url


def test_production_refuses_to_start_without_a_base_url_and_sends_mail_by_smtp() -> None:
    refused = _probe()
    assert refused.returncode != 0 and "CHISO_BASE_URL" in refused.stderr, refused.stderr

    done = _probe(CHISO_BASE_URL="https://chiso.example.vn")

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "https://chiso.example.vn",
    ]
