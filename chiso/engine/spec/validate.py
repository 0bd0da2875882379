"""Checks of single values in the canonical dict, collecting every problem instead of stopping.

A :class:`Checker` is handed through the whole parse: each method returns the value read, or after
reporting returns None (or a harmless default) so that parsing goes on and finds every problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from decimal import Decimal, InvalidOperation
from typing import Any

from chiso.engine.problems import Problem

from .messages import framework_problem
from .schema import FACT_NAME


class Checker:
    """The problems found so far, and the fact names rules may read (None: any well-formed)."""

    def __init__(self, known_facts: Set[str] | None) -> None:
        self.problems: list[Problem] = []
        self.known_facts = known_facts

    def report(self, key: str, where: str, /, **params: Any) -> None:
        """Add the problem of :data:`~chiso.engine.spec.messages.MESSAGES` ``key``."""
        self.problems.append(framework_problem(key, where, **params))

    def unknown_keys(self, raw: Mapping[str, Any], allowed: Iterable[str], where: str) -> None:
        allowed = set(allowed)
        for key in raw:
            if key not in allowed:
                self.report("unknown_key", where or str(key), key=str(key))

    def mapping(self, value: Any, where: str) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.report("not_mapping", where)
        return None

    def sequence(self, value: Any, where: str) -> list[Any] | None:
        if isinstance(value, list | tuple):
            return list(value)
        self.report("not_list", where)
        return None

    def number(self, value: Any, where: str) -> Decimal | None:
        """A finite number, or None after reporting why not."""
        result: Decimal | None = None
        if isinstance(value, bool):
            result = None
        elif isinstance(value, Decimal | int):
            result = Decimal(value)
        elif isinstance(value, float):
            result = Decimal(repr(value))
        elif isinstance(value, str):
            try:
                result = Decimal(value.strip())
            except InvalidOperation:
                result = None
        if result is not None and result.is_finite():
            return result
        self.report("not_number", where, value=str(value))
        return None

    def optional_number(self, raw: Mapping[str, Any], key: str, where: str) -> Decimal | None:
        """``raw[key]`` as a number at ``where.key``; None, unreported, when it is absent."""
        return self.number(raw[key], f"{where}.{key}") if raw.get(key) is not None else None

    def positive(self, value: Any, where: str, key: str = "not_positive") -> Decimal | None:
        """A number > 0; otherwise None after reporting ``key``."""
        d = self.number(value, where)
        if d is not None and d <= 0:
            self.report(key, where, value=d)
            return None
        return d

    def within(
        self, d: Decimal | None, where: str, top: Decimal | None, key: str = "points_out_of_range"
    ) -> None:
        """Report ``key`` for points outside [0, top]; top None: the node's max is itself bad."""
        if d is None or top is None:
            return
        if d < 0 or d > top:
            self.report(key, where, value=d, max=top)

    def integer(self, value: Any, where: str, lo: int, hi: int, key: str) -> int | None:
        """A whole number in [lo, hi]; otherwise None after reporting ``key``."""
        if isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi:
            return value
        if isinstance(value, Decimal) and value == value.to_integral_value() and lo <= value <= hi:
            return int(value)
        if isinstance(value, str) and value.strip().isdigit() and lo <= int(value) <= hi:
            return int(value)
        self.report(key, where, value=str(value), lo=lo, hi=hi)
        return None

    def text(self, value: Any, where: str, *, required: bool = True) -> str:
        if value is None or value == "":
            if required:
                self.report("missing", where)
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return str(value)  # YAML turns an unquoted 2023 or 1.1 into a number
        self.report("not_text", where)
        return ""

    def boolean(self, value: Any, where: str) -> bool:
        if isinstance(value, bool):
            return value
        self.report("not_bool", where, value=str(value))
        return False

    def fact(self, name: str, where: str) -> None:
        if not FACT_NAME.match(name):
            self.report("bad_fact_name", where, name=name)
        elif self.known_facts is not None and name not in self.known_facts:
            self.report("unknown_fact", where, name=name)
