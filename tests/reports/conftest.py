"""The shared demo province (tests/conftest.py), plus ``khach``, and its users by persona name."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.fixture
def demo(demo: None) -> None:
    """The demo province: published 2022 and 2023 results; users tuan, lan, nam, minh, hanh…

    ``khach`` (an account without a role) is added, as in tests/conftest.py.
    """
    User.objects.create_user("khach", password="x", first_name="Khách")


def client_as(persona: str | None) -> Client:
    client = Client()
    if persona:
        client.force_login(User.objects.get(username=persona))
    return client
