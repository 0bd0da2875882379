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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
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
def _media_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Uploaded and demo evidence files go to a folder of this run, never to the checkout's
    var/media (a session fixture, so files written while building a shared demo stay readable)."""
    from django.conf import settings

    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return Path(settings.MEDIA_ROOT)


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


class SharedDemo:
    """The demo province (``chiso.demo.build.build``), built once per test process and kept in a
    transaction that stays open while the tests that read it run.

    A build takes 5–10 s and some sixty tests read the demo. The first of them opens a
    transaction and builds the demo in it; each test's own transaction (pytest-django's ``db``)
    then nests inside as a savepoint, so whatever a test changes is rolled back before the next
    one. Before any test that does not ask for this demo the transaction is rolled back
    (``pytest_runtest_setup`` below): the other tests start from the empty database they expect,
    and no TransactionTestCase or live server ever runs inside it.

    Two variants: ``demo`` (without the year of dossiers, 20 s more to build) and
    ``demo_with_dossiers`` (what ``chiso demo`` builds); one is open at a time.
    """

    def __init__(self) -> None:
        self._atomic: Any = None
        self._blocker: Any = None
        self.dossiers: bool | None = None  # the variant that is open, None when none is

    @property
    def is_open(self) -> bool:
        return self._atomic is not None

    def open(self, blocker: Any, media_root: Path, *, dossiers: bool) -> None:
        from django.db import transaction
        from django.test.utils import override_settings

        from chiso.demo.build import build

        with blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                # The same demo whichever test builds it: the settings the build reads are fixed
                # here, not taken from the first test's own settings.
                with override_settings(
                    CHISO_DEMO_DOSSIERS=dossiers,
                    MEDIA_ROOT=media_root,
                    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                ):
                    build(progress=lambda _: None)
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self._atomic, self._blocker, self.dossiers = atomic, blocker, dossiers

    def close(self) -> None:
        """Roll the demo back (nothing to do when it is not built)."""
        from django.db import transaction

        if self._atomic is None:
            return
        atomic, self._atomic, self.dossiers = self._atomic, None, None
        with self._blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


SHARED_DEMO = SharedDemo()


def _demo_variant(item: pytest.Item) -> bool | None:
    """Whether ``item`` reads the shared demo with dossiers (True), without (False), or not at
    all (None: live-server and transactional tests never run inside the shared demo)."""
    names = getattr(item, "fixturenames", ())
    if "transactional_db" in names or "live_server" in names:
        return None
    if "demo_with_dossiers" in names:
        return True
    return False if "demo" in names else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that read a shared demo run last, grouped by variant, so that each test process
    builds each variant once (the order within each group is kept). The few readers of the
    dossiers variant (30 s to build) come first: pytest-xdist then tends to send them to one
    worker in one chunk, where at the very end it would hand them out two by two."""
    order = {None: 0, True: 1, False: 2}
    items.sort(key=lambda item: order[_demo_variant(item)])
    for item in items:
        # The demo fixtures ask for ``db`` only when they run, too late for pytest-django, which
        # creates the test database only if a collected test names ``db`` (or a django_db
        # marker); a run of demo readers alone would otherwise build the demo in the real
        # database. Named last, ``db`` is still set up after the demo.
        if _demo_variant(item) is not None and "db" not in item.fixturenames:
            item.fixturenames.append("db")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if _demo_variant(item) != SHARED_DEMO.dossiers:
        SHARED_DEMO.close()


@pytest.fixture(scope="session")
def _shared_demo(django_db_setup: Any) -> Iterator[SharedDemo]:
    """Rolls the shared demo back before the test database is destroyed."""
    yield SHARED_DEMO
    SHARED_DEMO.close()


def _use_shared_demo(request: pytest.FixtureRequest, *, dossiers: bool) -> None:
    from django.db import connection

    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        raise pytest.UsageError(
            "The shared demo lives inside a transaction: a live-server or transactional test "
            "builds its own demo with chiso.demo.build.build()."
        )
    # Only the shared demo's own transaction may be open here, or this test's would be outside.
    if len(connection.atomic_blocks) > (1 if SHARED_DEMO.is_open else 0):
        raise pytest.UsageError(
            "The shared demo must be set up before the test's transaction: ask for it "
            "before `db` and without the django_db marker."
        )
    if SHARED_DEMO.dossiers != dossiers:
        SHARED_DEMO.open(
            request.getfixturevalue("django_db_blocker"),
            request.getfixturevalue("_media_in_a_temporary_folder"),
            dossiers=dossiers,
        )
    request.getfixturevalue("db")


@pytest.fixture
def demo(request: pytest.FixtureRequest, _shared_demo: SharedDemo) -> None:
    """The demo province as ``chiso demo`` builds it, without dossiers: published 2022 and 2023
    results, the open 2024 round, plans and surveys; among its users tuan, lan, nam, minh, hanh,
    mai and admin (password ``chiso.demo.build.DEMO_PASSWORD``). Built once and shared (see
    ``SharedDemo``); the test itself runs in its own transaction, as with ``db``."""
    _use_shared_demo(request, dossiers=False)


@pytest.fixture
def demo_with_dossiers(request: pytest.FixtureRequest, _shared_demo: SharedDemo) -> None:
    """``demo`` with its year of dossiers, exactly as ``chiso demo`` builds it."""
    _use_shared_demo(request, dossiers=True)
