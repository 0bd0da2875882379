"""Indicator frameworks as plain data: the canonical dict ⇄ the engine's dataclasses.

The canonical dict is what YAML and Excel files hold and what the database stores; its format is
described in docs/framework-format.md. :func:`parse_framework` validates it completely and
reports every problem at once (never just the first); :func:`dump_framework` writes it back with
a stable key order and defaults omitted, so that ``parse_framework(dump_framework(fw)) == fw``.

Nothing here imports Django. Numbers may be given as ``int``, :class:`~decimal.Decimal`, numeric
strings (as JSON columns store them) or floats (converted through their shortest text); they are
always returned as ``Decimal``.

The modules: ``schema`` (keys and allowed values), ``messages`` (every problem in Vietnamese and
English), ``validate`` (single values), ``settings``, ``nodes`` and ``rules`` (the parts of a
framework), ``parse`` and ``dump`` (the two directions).
"""

from __future__ import annotations

from chiso.engine.model import TIE_BREAK_KEYS, iter_nodes

from .dump import dump_framework
from .messages import fmt_decimal
from .parse import parse_framework
from .rules import fact_names
from .schema import KINDS, RULE_TYPES

__all__ = [
    "KINDS",
    "RULE_TYPES",
    "TIE_BREAK_KEYS",
    "dump_framework",
    "fact_names",
    "fmt_decimal",
    "iter_nodes",
    "parse_framework",
]
