"""Reading framework files and finding stored frameworks, for the views, the CLI and scoring.

No writes here: importing goes through :mod:`chiso.frameworks.actions`.
"""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path
from typing import Any

from chiso.engine.model import Framework as EngineFramework
from chiso.engine.problems import Problem, ProblemsError
from chiso.engine.spec import parse_framework
from chiso.frameworks.facts import KNOWN_FACTS
from chiso.frameworks.models import Framework
from chiso.frameworks.xlsxio import load_xlsx
from chiso.frameworks.yamlio import load_yaml

__all__ = ["find_framework", "load_engine_framework", "read_framework_file"]

YAML_SUFFIXES = (".yaml", ".yml")
XLSX_SUFFIXES = (".xlsx",)


def _problem(code: str, vi: str, en: str, **params: Any) -> ProblemsError:
    return ProblemsError([Problem.make(code, "", vi=vi, en=en, **params)])


def read_framework_file(
    name: str, content: bytes, *, known_facts: Set[str] | None = KNOWN_FACTS
) -> dict[str, Any]:
    """The framework dict in a YAML or XLSX file (by ``name``'s extension), fully validated.

    Raises :class:`ProblemsError` with every problem; Excel problems name sheet, row, column.
    """
    suffix = Path(name).suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return load_xlsx(content, known_facts=known_facts)
    if suffix not in YAML_SUFFIXES:
        raise _problem(
            "bad_file_type",
            'Tệp "{name}" không phải YAML (.yaml, .yml) hay Excel (.xlsx)',
            'File "{name}" is neither YAML (.yaml, .yml) nor Excel (.xlsx)',
            name=name,
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _problem(
            "not_utf8",
            'Tệp "{name}" phải được lưu với bảng mã UTF-8',
            'File "{name}" must be saved as UTF-8',
            name=name,
        ) from exc
    data = load_yaml(text)
    if not isinstance(data, dict):
        raise _problem(
            "not_framework",
            'Tệp "{name}" không chứa một bộ chỉ số (cần các khóa code, year, title, nodes…)',
            'File "{name}" holds no framework (expected keys code, year, title, nodes…)',
            name=name,
        )
    parse_framework(data, known_facts=known_facts)
    return data


def find_framework(ref: str | int) -> Framework:
    """A stored framework by database id or ``CODE:YEAR:VERSION``; ProblemsError if none."""
    text = str(ref).strip()
    found: Framework | None = None
    if text.isdigit():
        found = Framework.objects.filter(pk=int(text)).first()
    elif text.count(":") == 2:
        code, year, version = text.split(":")
        if year.isdigit() and version.isdigit():
            found = Framework.objects.filter(
                code=code, year=int(year), version=int(version)
            ).first()
    if found is None:
        raise _problem(
            "framework_not_found",
            'Không tìm thấy bộ chỉ số "{ref}" (ghi số id hoặc MÃ:NĂM:PHIÊN BẢN)',
            'No framework "{ref}" (give an id or CODE:YEAR:VERSION)',
            ref=text,
        )
    return found


def load_engine_framework(ref: str) -> EngineFramework:
    """The engine framework from a file path (YAML/XLSX), a database id or CODE:YEAR:VERSION."""
    path = Path(ref)
    if path.suffix.lower() in YAML_SUFFIXES + XLSX_SUFFIXES:
        if not path.exists():
            raise _problem(
                "file_not_found",
                "Không tìm thấy tệp {name}",
                "File not found: {name}",
                name=str(path),
            )
        return parse_framework(read_framework_file(path.name, path.read_bytes()))
    return find_framework(ref).to_engine()
