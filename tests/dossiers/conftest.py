"""Fixtures shared by the dossier browser tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def dossier_site(transactional_db: Any, live_server: Any) -> str:
    """A live server over the demo's agencies and year of dossiers, with Tuấn of the reform
    office as the only user; returns its base URL."""
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role
    from chiso.demo.build import _agencies, _agency_types
    from chiso.dossiers.demo import build_dossiers

    agencies = _agencies(_agency_types())
    build_dossiers(lambda _text: None)
    user = User.objects.create_user("tuan", password=PASSWORD)
    Membership.objects.create(user=user, role=Role.REFORM_OFFICE, agency=agencies["snv"])
    return str(live_server.url)
