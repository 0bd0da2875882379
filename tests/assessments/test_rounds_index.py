"""``/rounds/``: each persona finds the evaluation rounds that concern them, with their stage
and the pages they may open; nobody sees a round of a block outside their scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments.actions import open_round
from chiso.assessments.models import Assessment, Round
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.org.models import Block
from tests.assessments.conftest import deadlines, tiny_framework
from tests.assessments.office_world import approved_stp, client_for

INDEX = "/rounds/"
# Who opens the index: every role that takes part in a round; the survey operator and a user
# without a role are refused.
STATUS = {"tuan": 200, "lan": 200, "nam": 200, "minh": 200, "hanh": 200, "mai": 403, "khach": 403}


@pytest.fixture
def other_round(world: Any) -> Round:
    """A round of a block without Sở Tư pháp: Lan and Nam must not see it."""
    data = tiny_framework() | {"code": "vong-khac", "blocks": ["khoi-khac"]}
    fw = publish_framework(import_framework(data, actor=world.tuan), actor=world.tuan)
    block = Block.objects.create(code="khoi-khac", year=2024, name="Khối xây dựng")
    block.agencies.set([world.sxd])
    return open_round(block, fw, deadlines(), actor=world.tuan)


def page(user: Any) -> str:
    response = client_for(user).get(INDEX)
    assert response.status_code == 200
    return response.content.decode()


def test_the_index_is_at_rounds_and_answers_each_persona_by_role(world: Any, rnd: Round) -> None:
    assert reverse("assessments:index") == INDEX
    assert client_for(None).get(INDEX).status_code == 302  # to the login page
    for name, expected in STATUS.items():
        assert client_for(getattr(world, name)).get(INDEX).status_code == expected, name


def test_the_reform_office_sees_every_round_with_its_stage_and_page(
    world: Any, rnd: Round, other_round: Round
) -> None:
    html = page(world.tuan)

    assert 'id="year-2024"' in html
    for r in (rnd, other_round):
        assert f'href="{reverse("assessments:round", args=[r.pk])}"' in html
        assert r.block.name in html
    assert "Đang tự đánh giá" in html  # the stage of both rounds
    assert f'href="{reverse("assessments:round_open")}"' in html
    assert f'href="{reverse("assessments:rounds")}"' in html  # the detailed progress table


def test_hanh_reads_the_rounds_but_cannot_open_one(
    world: Any, rnd: Round, other_round: Round
) -> None:
    html = page(world.hanh)

    assert f'href="{reverse("assessments:round", args=[rnd.pk])}"' in html
    assert f'href="{reverse("assessments:round", args=[other_round.pk])}"' in html
    assert reverse("assessments:round_open") not in html


@pytest.mark.parametrize("name", ["lan", "nam"])
def test_agency_users_see_only_their_agencys_rounds_and_assessment(
    world: Any, rnd: Round, other_round: Round, name: str
) -> None:
    html = page(getattr(world, name))
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    sxd = Assessment.objects.get(round=rnd, agency=world.sxd)

    assert f'href="{reverse("assessments:assessment", args=[stp.pk])}"' in html
    assert f'href="{reverse("assessments:assessment", args=[sxd.pk])}"' not in html
    assert other_round.block.name not in html
    # The administration of the round is the reform office's.
    assert reverse("assessments:round", args=[rnd.pk]) not in html


def test_minh_sees_a_round_once_he_appraises_in_it(world: Any, rnd: Round) -> None:
    before = page(world.minh)
    assert rnd.block.name not in before
    assert reverse("assessments:worklist") not in before.split("<main")[-1]

    approved_stp(world, rnd)  # assigns Minh fields 1 and 3 of Sở Tư pháp
    after = page(world.minh)

    assert rnd.block.name in after
    assert f'href="{reverse("assessments:worklist")}"' in after.split("<main")[-1]
    assert reverse("assessments:round", args=[rnd.pk]) not in after


def test_the_navigation_leads_to_the_index(world: Any, rnd: Round) -> None:
    for name in ("tuan", "hanh", "lan", "minh"):
        html = client_for(getattr(world, name)).get("/").content.decode()
        nav = html.split('class="main-nav')[1].split("</nav>")[0]
        assert f'href="{INDEX}"' in nav, name
    html = client_for(world.mai).get("/").content.decode()
    assert f'href="{INDEX}"' not in html.split('class="main-nav')[1].split("</nav>")[0]
