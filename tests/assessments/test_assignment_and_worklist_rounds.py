"""A locked account is never made an appraiser, and the worklist keeps only rounds at which
appraisers have something to do."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import AppraiserAssignment, Round
from chiso.assessments.queries import worklist_rounds
from tests.assessments.office_world import client_for


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_the_round_page_refuses_to_assign_a_locked_account(world: Any, rnd: Round) -> None:
    world.minh.is_active = False
    world.minh.save(update_fields=["is_active"])
    page = client_for(world.tuan).post(
        reverse("assessments:round_assign", args=[rnd.pk]),
        {"agency": world.stp.pk, "field": "1", "user": world.minh.pk},
        follow=True,
    )
    assert "Trần Văn Minh" in page.content.decode()
    assert not AppraiserAssignment.objects.exists()


def test_worklist_rounds_leave_out_rounds_where_appraisers_can_do_nothing(
    world: Any, rnd: Round
) -> None:
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    assert list(worklist_rounds(world.minh)) == [rnd]  # appraisal round 1
    a.close_appraisal_1(rnd, actor=world.tuan)
    assert list(worklist_rounds(world.minh)) == []  # agencies explain
    a.close_explanation(rnd, actor=world.tuan)
    assert list(worklist_rounds(world.minh)) == [rnd]  # appraisal round 2
    a.close_appraisal_2(rnd, actor=world.tuan)
    assert list(worklist_rounds(world.minh)) == []  # the council decides
    assert list(worklist_rounds(world.lan)) == []
