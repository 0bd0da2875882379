"""Review s7: the council weighs the difference in POINTS two values give, not the difference of
the values entered (5 points of a rate may change nothing or the whole item).

The framework is the measured one of test_s6_measured_values (1.1 yes/no, 1.2 days late tiered
≤ 0 → 3, ≤ 15 → 1,5, else 0, 2.1 a rate 2 × value / 100, 3.1 manual), with 4.1 turned into
days late too: 0 → 1 point, otherwise 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.assessments.queries import disagreements
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.frameworks.models import Framework
from tests.assessments.office_world import client_for, entry
from tests.assessments.test_s6_measured_values import measured_framework

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}
# Agency's value, appraisers' value (round 1).
VALUES = {
    "1.1": ("1", "0"),  # Có → Không: 1 point
    "1.2": ("15", "16"),  # one day more: 1,5 → 0 points
    "2.1": ("87", "92"),  # five points of a rate: 1,74 → 1,84 points
    "3.1": ("2", "1"),  # points entered directly: 1 point
    "4.1": ("3", "10"),  # seven days more, both late: 0 → 0 points
}


@pytest.fixture
def framework(world: Any) -> Framework:
    spec = measured_framework()
    spec["nodes"][3]["children"][0]["rule"] = {
        "type": "tiered",
        "unit": "ngày",
        "bands": [{"lte": D(0), "points": D(1)}, {"points": D(0)}],
    }
    fw = import_framework(spec, actor=world.tuan)
    return publish_framework(fw, actor=world.tuan)


@pytest.fixture
def disputed(world: Any, rnd: Round) -> Assessment:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    own = {"1.1": "1", "1.2": "0", "2.1": "50", "3.1": "2", "4.1": "0"}
    own |= {code: mine for code, (mine, _) in VALUES.items()}
    own |= {"4.2": "1", "4.3": "1", "4.4": "1"}
    for code, value in own.items():
        a.save_self_assessment(
            stp,
            code,
            value=D(value),
            not_applicable=False,
            justification="",
            expected_version=entry(stp, code).version,
            actor=world.lan,
        )
    a.submit_assessment(stp, actor=world.lan)
    a.approve_submission(stp, actor=world.nam)
    for field in ("1", "2", "3", "4"):
        a.assign_appraiser(rnd, world.stp, field, world.minh, actor=world.tuan)
    for code, (_, theirs) in VALUES.items():
        e = entry(stp, code)
        a.record_appraisal(
            e, 1, value=D(theirs), comment="", expected_version=e.version, actor=world.minh
        )
    return stp


def test_the_largest_difference_in_points_comes_first_not_of_values(
    world: Any, rnd: Round, disputed: Assessment
) -> None:
    rows = [(d.entry.code, d.gap, d.points_gap) for d in disagreements(rnd)]
    # 1.1 and 3.1 differ by 1 point each: they keep the item order.
    assert rows == [
        ("1.2", D(1), D("1.5")),
        ("1.1", D(1), D(1)),
        ("3.1", D(1), D(1)),
        ("2.1", D(5), D("0.1")),
        ("4.1", D(7), D(0)),
    ]
    assert [d.same_points for d in disagreements(rnd)] == [False] * 4 + [True]


def council_page(world: Any, rnd: Round, lang: str) -> str:
    client = client_for(world.tuan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client.get(reverse("assessments:council", args=[rnd.pk])).content.decode()


def test_the_council_badge_says_the_points_in_vietnamese(
    world: Any, rnd: Round, disputed: Assessment
) -> None:
    html = council_page(world, rnd, "vi")
    badges = {code: html[html.index(f"· {code}. ") :].split("</h2>")[0] for code in VALUES}
    assert "chênh 1,5 điểm" in badges["1.2"]
    assert "chênh 0,1 điểm" in badges["2.1"]  # not "chênh 5"
    assert "chênh 1 điểm" in badges["3.1"]
    assert "khác giá trị, cùng điểm" in badges["4.1"]  # 3 and 10 days late both give 0
    # The page is in the order of the points: 1.2 first, the item worth nothing more last.
    assert html.index("· 1.2. ") < html.index("· 1.1. ") < html.index("· 3.1. ")
    assert html.index("· 3.1. ") < html.index("· 2.1. ") < html.index("· 4.1. ")
    # The values themselves stay readable with what they give.
    assert "15 ngày → 1,5 điểm" in html and "16 ngày → 0 điểm" in html


def test_the_council_badge_says_the_points_in_english(
    world: Any, rnd: Round, disputed: Assessment
) -> None:
    html = council_page(world, rnd, "en")
    badges = {code: html[html.index(f"· {code}. ") :].split("</h2>")[0] for code in VALUES}
    assert "gap of 1.5 points" in badges["1.2"]
    assert "gap of 0.1 points" in badges["2.1"]
    assert "values differ, same points" in badges["4.1"]


def test_a_decision_keeps_the_points_badge_on_the_item(
    world: Any, rnd: Round, disputed: Assessment
) -> None:
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)
    e = entry(disputed, "4.1")
    response = client_for(world.tuan).post(
        reverse("assessments:council_decide", args=[e.pk]),
        {"value": "5", "note": "", "expected_version": e.version},
        **HTMX,
    )
    assert response.status_code == 200
    assert "khác giá trị, cùng điểm" in response.content.decode()
