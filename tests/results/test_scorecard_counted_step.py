# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""The results scorecard says, for each item, which step of the evaluation round its value came
from, as the assessment page does ("Tính theo: Hội đồng thẩm định"), with the same visibility
rules and only for the value the results were computed on."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import Round
from chiso.results.models import ResultSet
from tests.assessments.conftest import block, framework, rnd  # noqa: F401
from tests.assessments.office_world import client_for, entry
from tests.assessments.test_counted_step import to_council

URL = reverse("results:scorecard", args=[2024, "so-ban-nganh", "stp"])
EVERY_STEP = {
    "1.1": "Thẩm định lần 1",
    "1.2": "Hội đồng thẩm định",
    "2.1": "Tự đánh giá",
    "3.1": "Tự đánh giá",
}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def steps_shown(user: Any) -> dict[str, str]:
    """Item code → the "counted from" badge of its row on Sở Tư pháp's scorecard."""
    response = client_for(user).get(URL)
    assert response.status_code == 200
    out = {}
    for row in re.findall(
        r"<tr[^>]*>\s*<td>([\d.]+)</td>(.*?)</tr>", response.content.decode(), re.S
    ):
        badge = re.search(r'class="badge text-bg-primary counted">([^<]+)<', row[1])
        if badge:
            out[row[0]] = badge.group(1).strip()
    return out


def finalised(world: Any, rnd: Round) -> None:
    to_council(world, rnd)
    a.finalise_round(rnd, actor=world.tuan)


def test_the_reform_office_sees_which_step_counted_for_each_item(world: Any, rnd: Round) -> None:
    finalised(world, rnd)

    html = client_for(world.tuan).get(URL).content.decode()

    assert steps_shown(world.tuan) == EVERY_STEP
    assert '<th scope="col" title="Bước của đợt đánh giá có giá trị được tính">Tính theo</th>' in (
        html
    )


def test_the_agency_and_the_viewer_see_the_council_once_published(world: Any, rnd: Round) -> None:
    finalised(world, rnd)
    assert client_for(world.lan).get(URL).status_code == 404  # finalised: not yet theirs

    a.publish_round(rnd, actor=world.tuan)

    assert steps_shown(world.lan) == EVERY_STEP
    assert steps_shown(world.nam) == EVERY_STEP
    assert steps_shown(world.hanh) == EVERY_STEP


def test_a_value_changed_after_the_results_is_not_credited_to_its_step(
    world: Any, rnd: Round
) -> None:
    finalised(world, rnd)
    a.reopen_round(rnd, reason="Hội đồng xem lại mục 1.2", actor=world.tuan)
    item = entry(rnd.assessments.get(agency=world.stp), "1.2")
    a.record_council_decision(
        item, value=Decimal(2), note="", expected_version=item.version, actor=world.tuan
    )

    shown = steps_shown(world.tuan)

    # The draft results still hold the council's first value (3): 1.2 names no step until the
    # round is finalised again; the other items are unchanged.
    assert shown == {k: v for k, v in EVERY_STEP.items() if k != "1.2"}


def test_results_not_from_a_round_show_no_step_column(world: Any, rnd: Round) -> None:
    finalised(world, rnd)
    ResultSet.objects.update(source=ResultSet.Source.IMPORT)

    html = client_for(world.tuan).get(URL).content.decode()

    assert steps_shown(world.tuan) == {}
    assert "Tính theo" not in html and "Counted from" not in html


def test_an_appraiser_sees_the_steps_of_the_fields_assigned_only(world: Any, rnd: Round) -> None:
    finalised(world, rnd)

    # Minh appraises fields 1 and 3 of Sở Tư pháp, as on the assessment page.
    assert steps_shown(world.minh) == {k: v for k, v in EVERY_STEP.items() if k != "2.1"}
