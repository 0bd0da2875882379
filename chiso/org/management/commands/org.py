"""``chiso org``: import and export the organisation registry (docs/cli.md).

    chiso org import FILE [--kind agencies|people] [--year Y] [--dry-run] [--json] [--lang en]
    chiso org export --kind agencies|people [--format xlsx|csv] -o FILE [--year Y] [--lang en]

A file with errors prints every error and exits with status 1, having written nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from chiso.org.actions import import_registry
from chiso.org.exporting import KINDS, export_registry
from chiso.org.tabular import FORMATS


class Command(BaseCommand):
    help = "Import or export the organisation registry (agencies, leaders) as XLSX or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        load = commands.add_parser("import", help="Check and import an agencies or people file.")
        load.add_argument("file", type=Path)
        load.add_argument("--kind", choices=KINDS, help="default: guessed from the headers")
        load.add_argument("--year", type=int, help="year of blocks and assignments")
        load.add_argument("--dry-run", action="store_true", help="check and count, save nothing")
        load.add_argument("--json", action="store_true", help="print a JSON summary")
        load.add_argument("--lang", choices=["vi", "en"], default="vi")
        dump = commands.add_parser("export", help="Write agencies or people to a file.")
        dump.add_argument("--kind", choices=KINDS, required=True)
        dump.add_argument("--format", choices=list(FORMATS), dest="fmt")
        dump.add_argument("-o", "--output", type=Path, required=True)
        dump.add_argument("--year", type=int, help="year of blocks and assignments")
        dump.add_argument("--lang", choices=["vi", "en"], default="vi", help="header language")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(options["lang"]):
            if options["command"] == "import":
                self.load(options)
            else:
                self.dump(options)

    def load(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as e:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": e}
            ) from e
        report = import_registry(
            data,
            actor=None,
            filename=path.name,
            kind=options["kind"],
            year=options["year"],
            lang=options["lang"],
            dry_run=options["dry_run"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            for problem in report.problems:
                self.stderr.write(str(problem))
            if report.ok:
                self.stdout.write(report.summary())
        if not report.ok:
            raise CommandError(report.summary(), returncode=1)

    def dump(self, options: dict[str, Any]) -> None:
        path: Path = options["output"]
        fmt = options["fmt"] or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
        data = export_registry(options["kind"], fmt, year=options["year"], lang=options["lang"])
        try:
            path.write_bytes(data)
        except OSError as e:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": path, "error": e}
            ) from e
        self.stdout.write(_("Wrote %(file)s.") % {"file": path})
