"""The engine stays framework-free: importing every module of it loads no Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import importlib, pkgutil, sys
assert "django" not in sys.modules
import chiso.engine
for module in pkgutil.walk_packages(chiso.engine.__path__, "chiso.engine."):
    importlib.import_module(module.name)
loaded = sorted(name for name in sys.modules if name.split(".")[0] == "django")
assert not loaded, loaded
"""


def test_engine_imports_without_django():
    # A fresh interpreter: this test process may already have Django loaded by pytest-django.
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
