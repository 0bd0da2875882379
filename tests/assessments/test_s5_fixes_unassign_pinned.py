"""The remove-appraiser confirmation removes the person it named, never whoever a colleague
assigned in between (review s5, L6): the page carries the appraiser's id, and a POST naming
someone else is refused with the current name, nothing removed."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import AppraiserAssignment, Round
from chiso.audit.models import AuditEvent
from tests.assessments.office_world import client_for


@pytest.fixture
def hoa(db: Any) -> Any:
    """A second appraiser of the reform office."""
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role

    user = User.objects.create_user("hoa", first_name="Phạm Thị Hoa")
    Membership.objects.create(user=user, role=Role.APPRAISER)
    return user


@pytest.fixture
def assigned(world: Any, rnd: Round) -> Round:
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    return rnd


def _url(rnd: Round, agency: Any) -> str:
    return reverse("assessments:round_unassign", args=[rnd.pk, agency.pk, "1"])


def test_a_reassignment_after_the_page_was_shown_is_not_removed(
    world: Any, assigned: Round, hoa: Any
) -> None:
    client = client_for(world.tuan)
    assert (
        f'name="appraiser" value="{world.minh.pk}"'
        in client.get(_url(assigned, world.stp)).content.decode()
    )
    # A colleague gives the field to Hoa meanwhile.
    a.assign_appraiser(assigned, world.stp, "1", hoa, actor=world.tuan)

    page = client.post(_url(assigned, world.stp), {"appraiser": world.minh.pk})

    text = page.content.decode()
    assert page.status_code == 200 and 'role="alert"' in text
    assert "Người thẩm định lĩnh vực 1 của Sở Tư pháp đã thay đổi" in text
    assert AppraiserAssignment.objects.get(round=assigned, agency=world.stp).user == hoa
    assert not AuditEvent.objects.filter(action="assessments.appraiser.removed").exists()
    # The page now names, and pins, the appraiser assigned now.
    assert "bây giờ là Phạm Thị Hoa" in text
    assert f'name="appraiser" value="{hoa.pk}"' in text


def test_a_form_without_the_pinned_appraiser_removes_nothing(world: Any, assigned: Round) -> None:
    page = client_for(world.tuan).post(_url(assigned, world.stp))

    assert "Trang này đã cũ" in page.content.decode()
    assert AppraiserAssignment.objects.filter(round=assigned, agency=world.stp).exists()


def test_the_action_refuses_when_the_shown_appraiser_is_not_the_one_assigned(
    world: Any, assigned: Round
) -> None:
    with pytest.raises(a.AssessmentError):
        a.unassign_appraiser(assigned, world.stp, "1", actor=world.tuan, shown=world.lan.pk)
    a.unassign_appraiser(assigned, world.stp, "1", actor=world.tuan, shown=world.minh.pk)
    assert not AppraiserAssignment.objects.filter(round=assigned, agency=world.stp).exists()
