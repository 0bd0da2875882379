"""The demo hashes its accounts' passwords at a lighter Argon2 cost; logging in still works and
brings the hash up to the installation's full cost."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chiso.accounts import actions as accounts
from chiso.demo.build import DEMO_PASSWORD
from chiso.demo.passwords import demo_password_hashing

pytestmark = pytest.mark.django_db

INSTALLED = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def _create(username: str) -> User:
    return accounts.create_user(
        username=username, full_name="Người dùng demo", password=DEMO_PASSWORD, actor=None
    )


def test_demo_accounts_log_in_and_get_the_full_cost_hash_on_first_login(settings: Any) -> None:
    settings.PASSWORD_HASHERS = INSTALLED  # the installation's own list (chiso/settings.py)
    with demo_password_hashing():
        user = _create("demo1")
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")

    assert Client().login(username="demo1", password=DEMO_PASSWORD)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    assert Client().login(username="demo1", password=DEMO_PASSWORD)
    assert not Client().login(username="demo1", password="sai-mat-khau")


def test_outside_the_demo_and_on_other_hashers_nothing_changes(settings: Any) -> None:
    settings.PASSWORD_HASHERS = INSTALLED
    assert _create("thuong").password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with demo_password_hashing():
        assert _create("kiemthu").password.startswith("md5$")
