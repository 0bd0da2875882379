"""The round of tests/assessments (a tiny framework, the 2024 block of Sở Nội vụ, Sở Tư pháp and
Sở Xây dựng), plus e-mail addresses and a focal officer of Sở Xây dựng, Bình, so that every
test can tell who was told and who was not."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from chiso.accounts.models import Membership, Role
from tests.assessments.conftest import block, deadlines, framework, rnd  # noqa: F401
from tests.conftest import PASSWORD

__all__ = ["block", "deadlines", "framework", "rnd"]


@pytest.fixture
def binh(world: Any) -> Any:
    user = User.objects.create_user(
        "binh", password=PASSWORD, first_name="Đặng Văn Bình", email="binh@sxd.example.vn"
    )
    Membership.objects.create(user=user, role=Role.FOCAL_OFFICER, agency=world.sxd)
    return user


@pytest.fixture
def emails(world: Any, binh: Any) -> dict[str, str]:
    """Everybody gets an address, so an e-mail to the wrong person would show."""
    addresses = {}
    for name, user in world.users.items():
        user.email = f"{name}@example.vn"
        user.save(update_fields=["email"])
        addresses[name] = user.email
    return {**addresses, "binh": binh.email}
