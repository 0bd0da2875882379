"""Lighter Argon2 parameters while the demo creates its accounts.

The demo creates 31 accounts; with Django's Argon2 parameters (100 MiB, 2 passes, 8 lanes) each
hash took 0.19 s, a third of the whole build. Their passwords are either the demo's published
shared password or 18 random bytes nobody knows, so a costlier hash protects nothing more. The
parameters used here are OWASP's recommended minimum for Argon2id (19 MiB, 2 passes, 1 lane;
OWASP Password Storage Cheat Sheet), about 8 times cheaper. The hashes remain ordinary
``argon2$…`` hashes that the configured hasher verifies; Django re-hashes each one with the full
parameters at that account's first successful login (``must_update``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher
from django.test.utils import override_settings

HASHER = "chiso.demo.passwords.DemoArgon2PasswordHasher"


class DemoArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum recommended cost (see the module docstring)."""

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


@contextmanager
def demo_password_hashing() -> Iterator[None]:
    """New passwords are hashed with :class:`DemoArgon2PasswordHasher` inside the block when the
    installation hashes with Argon2; any other configuration (tests use MD5) is left alone."""
    if get_hasher().algorithm != Argon2PasswordHasher.algorithm:
        yield
        return
    with override_settings(PASSWORD_HASHERS=[HASHER, *settings.PASSWORD_HASHERS]):
        yield
