# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""Review s7 L6: the English council badge of a one-point gap says "1 point", not "1 points"."""

from __future__ import annotations

from typing import Any

from chiso.assessments.models import Assessment, Round
from tests.assessments.test_s7_council_points_gap import (  # noqa: F401
    council_page,
    disputed,
    framework,
)


def test_the_council_badge_says_one_point_in_english(
    world: Any, rnd: Round, disputed: Assessment
) -> None:
    html = council_page(world, rnd, "en")
    assert "gap of 1 point<" in html[html.index("· 3.1. ") :].split("</h2>")[0]
    assert "gap of 1.5 points<" in html[html.index("· 1.2. ") :].split("</h2>")[0]
    vi = council_page(world, rnd, "vi")
    assert "chênh 1 điểm" in vi[vi.index("· 3.1. ") :].split("</h2>")[0]
