"""``chiso framework import|export|validate|diff|list|publish|clone`` — frameworks from the shell.

Every subcommand takes ``--json`` (machine-readable output on stdout) and ``--lang vi|en``
(messages in Vietnamese by default) and exits non-zero on any error. Writes go through
:mod:`chiso.frameworks.actions` with ``actor=None``, recorded as "CLI (<os user>)".
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from chiso.engine.problems import ProblemsError
from chiso.engine.spec import dump_framework, iter_nodes, parse_framework
from chiso.frameworks import actions
from chiso.frameworks.block_names import block_names
from chiso.frameworks.diff import diff_frameworks
from chiso.frameworks.loading import XLSX_SUFFIXES, YAML_SUFFIXES, find_framework
from chiso.frameworks.loading import read_framework_file as read_file
from chiso.frameworks.models import Framework, FrameworkLocked
from chiso.frameworks.xlsxio import write_xlsx
from chiso.frameworks.yamlio import dump_yaml


class Command(BaseCommand):
    help = "Import, export, validate, compare, list, publish and clone indicator frameworks."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)

        def command(name: str, help_text: str) -> Any:
            p = sub.add_parser(name, help=help_text)
            p.add_argument("--json", action="store_true", help="print JSON on stdout")
            p.add_argument("--lang", choices=["vi", "en"], default="vi", help="message language")
            return p

        p = command("import", "import a YAML or XLSX file as a draft")
        p.add_argument("file", type=Path)
        p.add_argument("--publish", action="store_true", help="publish it right away")
        p.add_argument("--replace-draft", action="store_true", help="replace an existing draft")
        p = command("export", "write a stored framework as YAML or XLSX")
        p.add_argument("ref", help="id or CODE:YEAR:VERSION")
        p.add_argument("--format", choices=["yaml", "xlsx"], default="yaml")
        p.add_argument("-o", "--output", type=Path, help="file to write (YAML: stdout if absent)")
        p = command("validate", "check a YAML or XLSX file without writing anything")
        p.add_argument("file", type=Path)
        p = command("diff", "compare two frameworks (files or stored ids / CODE:YEAR:VERSION)")
        p.add_argument("a")
        p.add_argument("b")
        p = command("list", "list stored frameworks")
        p.add_argument("--year", type=int)
        p.add_argument("--status", choices=[s for s, _label in Framework.Status.choices])
        p = command("publish", "publish a draft (it becomes immutable)")
        p.add_argument("ref", help="id or CODE:YEAR:VERSION")
        p = command("clone", "copy a framework into a new draft")
        p.add_argument("ref", help="id or CODE:YEAR:VERSION")
        p.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        self.lang: str = options["lang"]
        self.as_json: bool = options["json"]
        with translation.override(self.lang):
            try:
                result = getattr(self, f"do_{options['subcommand']}")(options)
            except ProblemsError as error:
                self.fail(error.texts(self.lang))
            except (actions.FrameworkStateError, FrameworkLocked) as error:
                self.fail([str(error)])
        if self.as_json:
            self.stdout.write(json.dumps({"ok": True, **result}, ensure_ascii=False, default=str))

    # -- output

    def say(self, vi: str, en: str) -> str:
        return en if self.lang == "en" else vi

    def fail(self, errors: list[str]) -> None:
        if self.as_json:
            self.stdout.write(json.dumps({"ok": False, "errors": errors}, ensure_ascii=False))
        else:
            for text in errors:
                self.stderr.write(f"- {text}")
        raise CommandError(
            self.say(
                f"{len(errors)} lỗi, không có gì được ghi.",
                f"{len(errors)} error(s), nothing written.",
            ),
            returncode=1,
        )

    def info(self, text: str) -> None:
        if not self.as_json:
            self.stdout.write(text)

    # -- loading

    def read(self, path: Path) -> dict[str, Any]:
        if not path.exists():
            self.fail([self.say(f"Không tìm thấy tệp {path}", f"File not found: {path}")])
        return read_file(path.name, path.read_bytes())

    def dict_of(self, ref: str) -> dict[str, Any]:
        """A canonical dict from a file path or a stored framework reference."""
        path = Path(ref)
        if path.suffix.lower() in YAML_SUFFIXES + XLSX_SUFFIXES:
            return dump_framework(parse_framework(self.read(path)))
        return find_framework(ref).to_dict()

    # -- subcommands

    def do_validate(self, options: dict[str, Any]) -> dict[str, Any]:
        engine = parse_framework(self.read(options["file"]))
        leaves = sum(1 for n in iter_nodes(engine.nodes) if n.is_leaf)
        self.info(
            self.say(
                f"Hợp lệ: {engine.code} năm {engine.year}, phiên bản {engine.version}: "
                f"{len(engine.nodes)} lĩnh vực, {leaves} tiêu chí chấm điểm, "
                f"tổng {engine.total_points} điểm.",
                f"Valid: {engine.code} {engine.year} version {engine.version}: "
                f"{len(engine.nodes)} fields, {leaves} scored criteria, "
                f"{engine.total_points} points in all.",
            )
        )
        return {
            "code": engine.code,
            "year": engine.year,
            "version": engine.version,
            "fields": len(engine.nodes),
            "leaves": leaves,
            "total_points": str(engine.total_points),
        }

    def do_import(self, options: dict[str, Any]) -> dict[str, Any]:
        data = self.read(options["file"])
        fw = actions.import_framework(data, actor=None, replace_draft=options["replace_draft"])
        if options["publish"]:
            fw = actions.publish_framework(fw, actor=None)
        self.info(
            self.say(
                f"Đã nhập {fw.key} (id {fw.pk}), trạng thái: {fw.get_status_display()}.",
                f"Imported {fw.key} (id {fw.pk}), status: {fw.get_status_display()}.",
            )
        )
        return {"id": fw.pk, "key": fw.key, "status": fw.status}

    def do_export(self, options: dict[str, Any]) -> dict[str, Any]:
        fw = find_framework(options["ref"])
        data = fw.to_dict()
        output: Path | None = options["output"]
        if options["format"] == "xlsx":
            if output is None:
                self.fail(
                    [self.say("Xuất Excel cần tùy chọn -o TỆP", "Excel export needs -o FILE")]
                )
                raise AssertionError  # fail() raises; this keeps type checkers informed
            output.write_bytes(write_xlsx(data))
        elif output is None:
            if self.as_json:
                return {"id": fw.pk, "key": fw.key, "yaml": dump_yaml(data)}
            sys.stdout.flush()
            self.stdout.write(dump_yaml(data), ending="")
            return {}
        else:
            output.write_text(dump_yaml(data), encoding="utf-8")
        self.info(self.say(f"Đã ghi {output}", f"Wrote {output}"))
        return {"id": fw.pk, "key": fw.key, "file": str(output)}

    def do_diff(self, options: dict[str, Any]) -> dict[str, Any]:
        a, b = self.dict_of(options["a"]), self.dict_of(options["b"])
        changes = diff_frameworks(a, b, block_names(b.get("year")))
        for change in changes:
            self.info(change.text(self.lang))
        if not changes:
            self.info(self.say("Hai bộ chỉ số giống nhau.", "The two frameworks are identical."))
        return {
            "changes": [
                {
                    "kind": c.kind,
                    "scope": c.scope,
                    "key": c.key,
                    "fields": list(c.fields),
                    "text": c.text(self.lang),
                }
                for c in changes
            ]
        }

    def do_list(self, options: dict[str, Any]) -> dict[str, Any]:
        qs = Framework.objects.all()
        if options["year"]:
            qs = qs.filter(year=options["year"])
        if options["status"]:
            qs = qs.filter(status=options["status"])
        rows = [
            {
                "id": fw.pk,
                "key": fw.key,
                "status": fw.status,
                "kind": fw.kind,
                "blocks": fw.block_codes,
                "title": fw.title,
            }
            for fw in qs
        ]
        for r in rows:
            self.info(f"{r['id']:>4}  {r['key']:<28} {r['status']:<10} {r['title']}")
        return {"frameworks": rows}

    def do_publish(self, options: dict[str, Any]) -> dict[str, Any]:
        fw = actions.publish_framework(find_framework(options["ref"]), actor=None)
        self.info(self.say(f"Đã công bố {fw.key}.", f"Published {fw.key}."))
        return {"id": fw.pk, "key": fw.key, "status": fw.status}

    def do_clone(self, options: dict[str, Any]) -> dict[str, Any]:
        clone = actions.clone_framework(
            find_framework(options["ref"]), year=options["year"], actor=None
        )
        self.info(
            self.say(
                f"Đã tạo bản nháp {clone.key} (id {clone.pk}).",
                f"Created draft {clone.key} (id {clone.pk}).",
            )
        )
        return {"id": clone.pk, "key": clone.key, "status": clone.status}
