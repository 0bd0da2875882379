"""Problems found in a framework or in scoring inputs, in Vietnamese and English.

The engine does not depend on Django's translation machinery, so each problem carries both
texts; :meth:`Problem.text` picks one. ``where`` names the place (node code, file row/column,
agency) so the user can find it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    code: str
    where: str
    vi: str
    en: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def make(cls, code: str, where: str, *, vi: str, en: str, **params: Any) -> Problem:
        """Build a problem; ``vi``/``en`` are ``str.format`` templates filled from ``params``."""
        return cls(code, where, vi.format(**params), en.format(**params), dict(params))

    def text(self, lang: str = "vi") -> str:
        message = self.en if lang.startswith("en") else self.vi
        return f"{self.where}: {message}" if self.where else message


class ProblemsError(ValueError):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(p.text("en") for p in problems))

    def texts(self, lang: str = "vi") -> list[str]:
        return [p.text(lang) for p in self.problems]
