#!/usr/bin/env python
"""Django's manage.py; the same as the ``chiso`` console command."""

from chiso.cli import main

if __name__ == "__main__":
    main()
