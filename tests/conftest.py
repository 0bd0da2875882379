"""Shared fixtures: a small province and the people who use chiso, by name.

The personas come from ../shared/reference/users.md, so a test reads like a user's journey:

- Tuấn  — Director of the Department of Home Affairs: the reform office, sees and changes all.
- Lan   — CCHC focal officer of the Department of Justice (Sở Tư pháp): her agency only.
- Nam   — deputy director of the Department of Justice: agency leader, his agency only.
- Minh  — appraiser at the Department of Home Affairs: sees the province, changes no registry.
- Hạnh  — Vice-Chair of the Provincial People's Committee: reads everything, changes nothing.
- Mai   — survey operator at the provincial post office: no registry access.
- Khách — has an account but no role yet: sees nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded and demo evidence files go to a folder of this run, never to the checkout's
    var/media (a session fixture, so files written while building a shared demo stay readable)."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _demo_without_dossiers(settings: Any) -> None:
    """The demo's 24 000 dossiers take 20 s; tests/dossiers builds them where it needs them."""
    settings.CHISO_DEMO_DOSSIERS = False


@dataclass
class World:
    """The agencies and users every permission test starts from."""

    snv: Any  # Sở Nội vụ — home of the reform office and of Minh
    stp: Any  # Sở Tư pháp — Lan's and Nam's agency
    stp_unit: Any  # a unit under Sở Tư pháp, visible to Lan through her agency
    sxd: Any  # Sở Xây dựng — an agency Lan must never see
    tuan: Any
    lan: Any
    nam: Any
    minh: Any
    hanh: Any
    mai: Any
    khach: Any

    @property
    def users(self) -> dict[str, Any]:
        return {
            name: getattr(self, name)
            for name in ("tuan", "lan", "nam", "minh", "hanh", "mai", "khach")
        }


PASSWORD = "chiso-test-pass"


@pytest.fixture
def world(db: Any) -> World:
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role
    from chiso.org.models import Agency, AgencyType

    so = AgencyType.objects.create(code="so", name="Sở, ban, ngành")
    unit = AgencyType.objects.create(code="don-vi-truc-thuoc", name="Đơn vị trực thuộc")
    snv = Agency.objects.create(code="snv", name="Sở Nội vụ", type=so)
    stp = Agency.objects.create(code="stp", name="Sở Tư pháp", type=so)
    stp_unit = Agency.objects.create(
        code="stp-tgpl", name="Trung tâm Trợ giúp pháp lý", type=unit, parent=stp
    )
    sxd = Agency.objects.create(code="sxd", name="Sở Xây dựng", type=so)

    def user(username: str, full: str, role: str | None, agency: Any = None) -> Any:
        u = User.objects.create_user(username, password=PASSWORD, first_name=full)
        if role:
            Membership.objects.create(user=u, role=role, agency=agency)
        return u

    return World(
        snv=snv,
        stp=stp,
        stp_unit=stp_unit,
        sxd=sxd,
        tuan=user("tuan", "Trương Ngọc Tuấn", Role.REFORM_OFFICE, snv),
        lan=user("lan", "Nguyễn Thị Lan", Role.FOCAL_OFFICER, stp),
        nam=user("nam", "Lê Văn Nam", Role.AGENCY_LEADER, stp),
        minh=user("minh", "Trần Văn Minh", Role.APPRAISER, snv),
        hanh=user("hanh", "Phạm Thị Hạnh", Role.VIEWER),
        mai=user("mai", "Võ Thị Mai", Role.SURVEY_OPERATOR),
        khach=user("khach", "Khách", None),
    )
