"""Engine tests are plain pytest: no database, no Django settings (run with ``-p no:django``)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords() -> None:
    """Shadows the project-wide autouse fixture, which needs Django settings the engine lacks."""
