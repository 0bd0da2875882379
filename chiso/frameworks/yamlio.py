"""Framework files in YAML, read and written exactly.

Numbers with a fractional part are read as :class:`~decimal.Decimal` from their text, never
through ``float`` (0.1 + 0.2 must stay 0.3 in a points table). Writing puts Decimals back as
plain YAML numbers and keeps Vietnamese text readable (``allow_unicode``), so a file written here
reads back to an equal dict and writes back to the same bytes. No Django import.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from chiso.engine.problems import Problem, ProblemsError

__all__ = ["dump_yaml", "load_yaml"]


class _Loader(yaml.SafeLoader):
    """SafeLoader with Decimal floats and an error on duplicate keys (PyYAML keeps the last)."""


class _DuplicateKey(yaml.constructor.ConstructorError):
    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"duplicate key {key!r}", mark)
        self.key = key


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Decimal:
    text = str(loader.construct_scalar(node)).replace("_", "")
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        # Decimal spells these differently; parse_framework reports them as not finite.
        return Decimal(lowered.replace(".inf", "Infinity").replace(".nan", "NaN"))
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the resolver only sends numbers here
        raise yaml.constructor.ConstructorError(
            None, None, f"bad number {text!r}", node.start_mark
        ) from exc


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise _DuplicateKey(key, key_node.start_mark)
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # never write &id001 anchors, even for shared lists

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value.normalize(), "f")
    if text == "-0":
        text = "0"
    tag = "tag:yaml.org,2002:float" if "." in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _represent_decimal)


def load_yaml(text: str | bytes) -> Any:
    """Parse YAML text; syntax errors become a :class:`ProblemsError` naming line and column."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except _DuplicateKey as exc:
        mark = exc.problem_mark
        raise ProblemsError(
            [
                Problem.make(
                    "yaml_duplicate_key",
                    "",
                    vi='Tệp YAML, dòng {line}: khóa "{key}" bị lặp trong cùng một bảng',
                    en='YAML file, line {line}: key "{key}" appears twice in one mapping',
                    line=mark.line + 1 if mark else 0,
                    key=str(exc.key),
                )
            ]
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        column = mark.column + 1 if mark else 0
        detail = str(exc.problem or exc.context or exc)
        raise ProblemsError(
            [
                Problem.make(
                    "yaml_syntax",
                    "",
                    vi="Tệp YAML, dòng {line}, cột {column}: lỗi cú pháp ({detail})",
                    en="YAML file, line {line}, column {column}: syntax error ({detail})",
                    line=line,
                    column=column,
                    detail=detail,
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        raise ProblemsError(
            [
                Problem.make(
                    "yaml_syntax",
                    "",
                    vi="Tệp YAML không đọc được: {detail}",
                    en="The YAML file cannot be read: {detail}",
                    detail=str(exc),
                )
            ]
        ) from exc


def dump_yaml(data: Any) -> str:
    """Write ``data`` as YAML: key order kept, short lists/maps inline, no line wrapping."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=None,
        width=10_000,
        indent=2,
    )
