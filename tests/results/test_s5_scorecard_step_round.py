# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""With two rounds on the same block (a first round left behind, then a re-run under the revised
framework), the scorecard's "Tính theo" column reads the round the results were computed from,
never the other one."""

from __future__ import annotations

from typing import Any

import pytest

from chiso.assessments import actions as a
from chiso.assessments.models import Round
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.org.models import Block
from chiso.results.models import ResultSet
from tests.assessments.conftest import block, deadlines, framework, rnd, tiny_framework  # noqa: F401
from tests.assessments.test_counted_step import to_council
from tests.results.test_scorecard_counted_step import EVERY_STEP, steps_shown


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def rerun(world: Any, rnd: Round, block: Block) -> Round:
    """A second round of the same block, opened after ``rnd``, under version 2 of the framework."""
    revised = publish_framework(
        import_framework(tiny_framework() | {"version": 2}, actor=world.tuan), actor=world.tuan
    )
    return a.open_round(block, revised, deadlines(), actor=world.tuan)


def test_the_steps_come_from_the_round_the_results_were_computed_from(
    world: Any, rnd: Round, rerun: Round
) -> None:
    assert Round.objects.filter(block=rerun.block).count() == 2
    to_council(world, rerun)
    a.finalise_round(rerun, actor=world.tuan)
    assert ResultSet.objects.get(block=rerun.block).framework_id == rerun.framework_id

    # The first round never reached appraisal: read from it, the column would be empty.
    assert steps_shown(world.tuan) == EVERY_STEP
