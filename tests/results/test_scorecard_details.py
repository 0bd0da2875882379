"""The scorecard lists the bonus and penalty items that counted and the data figures by name."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chiso.engine import AgencyInput
from chiso.results.actions import compute_result_set
from tests.assessments.conftest import block, framework  # noqa: F401 - fixtures
from tests.assessments.office_world import client_for


@pytest.fixture
def scored(world: Any, framework: Any, block: Any) -> Any:  # noqa: F811
    values = {"1.1": Decimal(1), "1.2": Decimal("2.5"), "2.1": Decimal(2), "3.1": Decimal(2)}
    stp = AgencyInput(
        "stp",
        values=values,
        facts={"dossier.on_time_rate": Decimal("91.1000")},
        adjustments={"T1": Decimal(1), "D1": Decimal(1)},
    )
    others = [AgencyInput(code, values=values) for code in ("snv", "sxd")]
    return compute_result_set(block, framework, [stp, *others], actor=world.tuan, source="import")


def page(world: Any) -> str:
    return str(client_for(world.tuan).get("/results/2024/so-ban-nganh/stp/").content.decode())


def test_bonus_and_penalty_items_are_listed_with_their_points(world: Any, scored: Any) -> None:
    html = page(world).split('id="adjustments"')[1].split("</table>")[0]
    assert "<td>T1</td><td>Sáng kiến</td>" in html and "+1,00" in html
    assert "<td>D1</td><td>Bị phê bình</td>" in html and "−0,50" in html


def test_facts_show_their_label_and_a_short_number(world: Any, scored: Any) -> None:
    html = page(world)
    assert "dossier.on_time_rate =" not in html and "91,1000" not in html
    facts = html.split('id="facts"')[1].split("</table>")[0]
    assert 'title="dossier.on_time_rate"' in facts and "91,1%" in facts


def test_an_agency_without_adjustments_says_so(world: Any, scored: Any) -> None:
    html = str(client_for(world.tuan).get("/results/2024/so-ban-nganh/sxd/").content.decode())
    assert 'id="adjustments"' not in html and 'id="facts"' not in html
