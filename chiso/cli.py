"""The ``chiso`` console command: Django's management commands with chiso's settings.

Domain subcommands (``chiso framework``, ``chiso org``, ``chiso score``, ``chiso demo``) are
management commands of the apps; ``chiso --help`` lists them all. See docs/cli.md.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chiso.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
