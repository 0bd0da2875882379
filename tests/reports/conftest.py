"""The demo province, built once per test database, and its users by persona name."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chiso.demo.build import build


@pytest.fixture
def demo(db: Any) -> None:
    """The demo province: published 2022 and 2023 results; users tuan, lan, nam, minh, hanh…

    ``khach`` (an account without a role) is added, as in tests/conftest.py.
    """
    build(progress=lambda _: None)
    User.objects.create_user("khach", password="x", first_name="Khách")


def client_as(persona: str | None) -> Client:
    client = Client()
    if persona:
        client.force_login(User.objects.get(username=persona))
    return client
