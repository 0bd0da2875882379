"""``chiso results``: list publication snapshots and verify them.

    chiso results list [--json]
    chiso results verify [--json] [--lang en]

``verify`` exits with status 1 when it finds any problem and prints each one (the result set,
the agency and the number that differs); see docs/cli.md.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiso.results.models import PublishedSnapshot
from chiso.results.snapshots import verify_snapshots


class Command(BaseCommand):
    help = "List the publication snapshots or verify them against the stored results."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        listing = sub.add_parser("list", help="list the publication snapshots")
        listing.add_argument("--json", action="store_true")
        verify = sub.add_parser("verify", help="check the hash chain and the stored results")
        verify.add_argument("--json", action="store_true")
        verify.add_argument("--lang", choices=["vi", "en"], default="vi")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "list":
            self._list(options["json"])
            return
        lang = options["lang"]
        problems = verify_snapshots()
        count = PublishedSnapshot.objects.count()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": not problems,
                        "snapshots": count,
                        "problems": [p.as_dict(lang) for p in problems],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for problem in problems:
                self.stderr.write(problem.text(lang))
        if problems:
            raise CommandError(
                f"{len(problems)} vấn đề: kết quả đã công bố không còn nguyên vẹn."
                if lang == "vi"
                else f"{len(problems)} problem(s): the published results are not intact."
            )
        if not options["json"]:
            self.stdout.write(
                f"Toàn vẹn: {count} ảnh chụp công bố, chuỗi mã băm và điểm số khớp."
                if lang == "vi"
                else f"Intact: {count} snapshot(s); the hash chain and the scores match."
            )

    def _list(self, as_json: bool) -> None:
        rows: list[dict[str, Any]] = [
            {
                "sequence": s.sequence,
                "published_at": s.published_at.isoformat(),
                "year": s.result_set.year,
                "block": s.result_set.block.code,
                "framework": s.result_set.framework.key,
                "hash": s.hash,
                "previous_hash": s.previous_hash,
            }
            for s in PublishedSnapshot.objects.select_related(
                "result_set__block", "result_set__framework"
            )
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for r in rows:
            self.stdout.write(
                f"#{r['sequence']:<4} {r['published_at'][:10]}  {r['year']}  "
                f"{r['block']:<16} {r['framework']:<28} {r['hash'][:16]}"
            )
