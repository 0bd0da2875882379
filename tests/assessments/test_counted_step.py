"""Each item of the assessment page says which step's value counts for scoring: the agency's
own, appraisal round 1 or 2, or the council (``chiso.assessments.inputs.counted``)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.inputs import ValueStep, counted, round_inputs
from chiso.assessments.models import Round
from tests.assessments.office_world import appraise, approved_stp, client_for, entry


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def badges(html: str) -> dict[str, str]:
    """Item code → the text of its "counted from" badge."""
    out = {}
    for section in re.findall(r'<section class="card mb-3 item".*?</h3>', html, re.S):
        code = re.search(r"\s(\d\.\d)\. ", section)
        badge = re.search(r'class="badge text-bg-primary counted"[^>]*>([^<]+)<', section)
        if code and badge:
            out[code.group(1)] = " ".join(badge.group(1).split())
    return out


def to_council(world: Any, rnd: Round) -> Any:
    """Sở Tư pháp: 1.1 lowered in round 1, 1.2 changed in round 2 then by the council."""
    stp = approved_stp(world, rnd)
    appraise(world, stp, "1.1", "0", comment="Thiếu kế hoạch")
    appraise(world, stp, "1.2", "2")
    a.close_appraisal_1(rnd, actor=world.tuan)
    a.close_explanation(rnd, actor=world.tuan)
    stp.refresh_from_db()
    appraise(world, stp, "1.2", "1")
    a.close_appraisal_2(rnd, actor=world.tuan)
    item = entry(stp, "1.2")
    a.record_council_decision(
        item,
        value=Decimal(3),
        note="Chấp nhận phụ lục",
        expected_version=item.version,
        actor=world.tuan,
    )
    return stp


def test_after_a_council_decision_the_badge_says_council(world: Any, rnd: Round) -> None:
    stp = to_council(world, rnd)
    url = reverse("assessments:assessment", args=[stp.pk])

    html = client_for(world.tuan).get(url).content.decode()
    office = badges(html)

    assert office == {
        "1.1": "Tính theo: Thẩm định lần 1",
        "1.2": "Tính theo: Hội đồng thẩm định",
        "2.1": "Tính theo: Tự đánh giá",
        "3.1": "Tính theo: Tự đánh giá",
    }
    # In the item's table of steps, the row that counts stands out.
    assert '<tr class="table-primary"><th scope="row">Hội đồng thẩm định</th>' in html


def test_the_agency_learns_the_council_counted_once_finalised(world: Any, rnd: Round) -> None:
    stp = to_council(world, rnd)
    url = reverse("assessments:assessment", args=[stp.pk])
    lan = client_for(world.lan)

    before = badges(lan.get(url).content.decode())
    a.finalise_round(rnd, actor=world.tuan)
    after = badges(lan.get(url).content.decode())

    assert before["1.2"] == "Tính theo: Thẩm định lần 2"
    assert after["1.2"] == "Tính theo: Hội đồng thẩm định"


def test_no_badge_before_appraisal_begins(world: Any, rnd: Round) -> None:
    stp = approved_stp(world, rnd)

    html = client_for(world.tuan).get(reverse("assessments:assessment", args=[stp.pk]))

    assert badges(html.content.decode()) == {}


def test_the_scored_value_is_the_one_the_badge_names(world: Any, rnd: Round) -> None:
    stp = to_council(world, rnd)

    [*_, stp_input, _sxd] = round_inputs(rnd)
    chosen = {e.code: counted(e) for e in stp.entries.all()}

    assert chosen["1.2"].step == ValueStep.COUNCIL
    assert stp_input.values == {code: c.value for code, c in chosen.items()}
