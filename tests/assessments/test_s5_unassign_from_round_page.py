"""The reform office removes an appraiser from the round page: a "Remove" link per assignment
leads to a confirmation page whose POST removes it through the audited action; nobody else can,
and opening the confirmation changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import AppraiserAssignment, Round
from chiso.audit.models import AuditEvent
from tests.assessments.office_world import client_for


def _url(rnd: Round, agency: Any, field: str = "1") -> str:
    return reverse("assessments:round_unassign", args=[rnd.pk, agency.pk, field])


@pytest.fixture
def assigned(world: Any, rnd: Round) -> Round:
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    return rnd


def test_the_round_page_offers_remove_for_each_assignment_only(world: Any, assigned: Round) -> None:
    html = client_for(world.tuan).get(reverse("assessments:round", args=[assigned.pk])).content
    page = html.decode()

    assert f'href="{_url(assigned, world.stp)}"' in page
    assert 'Gỡ bỏ<span class="visually-hidden"> người thẩm định lĩnh vực 1' in page
    # Field 2 of Sở Tư pháp has nobody: nothing to remove there.
    assert _url(assigned, world.stp, "2") not in page


def test_the_reform_office_removes_it_after_confirming(world: Any, assigned: Round) -> None:
    client = client_for(world.tuan)
    confirm = client.get(_url(assigned, world.stp))
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert "Trần Văn Minh" in text and "Sở Tư pháp" in text
    assert 'name="csrfmiddlewaretoken"' in text and 'method="post"' in text

    assert f'name="appraiser" value="{world.minh.pk}"' in text  # the person named is pinned
    done = client.post(_url(assigned, world.stp), {"appraiser": world.minh.pk}, follow=True)

    assert done.redirect_chain[-1][0].endswith(
        reverse("assessments:round", args=[assigned.pk]) + "#appraisers"
    )
    assert "Trần Văn Minh không còn thẩm định lĩnh vực 1 của Sở Tư pháp." in done.content.decode()
    assert not AppraiserAssignment.objects.filter(round=assigned, agency=world.stp).exists()
    row = AuditEvent.objects.get(action="assessments.appraiser.removed")
    assert row.actor == world.tuan
    assert row.agency_id_ref == world.stp.pk
    assert row.data == {"round": assigned.pk, "field": "1", "appraiser": ["minh", None]}


def test_opening_the_confirmation_changes_nothing(world: Any, assigned: Round) -> None:
    client_for(world.tuan).get(_url(assigned, world.stp))

    assert AppraiserAssignment.objects.filter(round=assigned, agency=world.stp).exists()
    assert not AuditEvent.objects.filter(action="assessments.appraiser.removed").exists()


@pytest.mark.parametrize("persona", ["lan", "nam", "minh", "hanh", "mai", "khach"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_nobody_else_may_remove_an_appraiser(
    world: Any, assigned: Round, persona: str, method: str
) -> None:
    response = getattr(client_for(getattr(world, persona)), method)(_url(assigned, world.stp))

    assert response.status_code == 403
    assert AppraiserAssignment.objects.filter(round=assigned, agency=world.stp).exists()
    assert not AuditEvent.objects.filter(action="assessments.appraiser.removed").exists()


def test_an_anonymous_visitor_is_sent_to_log_in(world: Any, assigned: Round) -> None:
    response = client_for(None).post(_url(assigned, world.stp))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert AppraiserAssignment.objects.filter(round=assigned, agency=world.stp).exists()


def test_a_field_without_appraiser_or_an_agency_outside_the_round_is_not_found(
    world: Any, assigned: Round
) -> None:
    client = client_for(world.tuan)

    assert client.post(_url(assigned, world.stp, "2")).status_code == 404
    assert client.post(_url(assigned, world.stp_unit)).status_code == 404  # not in the round
    assert AppraiserAssignment.objects.filter(round=assigned, agency=world.stp).exists()


def test_after_appraisal_closes_the_removal_is_refused_with_the_reason(
    world: Any, assigned: Round
) -> None:
    a.close_appraisal_1(assigned, actor=world.tuan)
    a.close_explanation(assigned, actor=world.tuan)
    a.close_appraisal_2(assigned, actor=world.tuan)

    response = client_for(world.tuan).post(_url(assigned, world.stp))

    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert AppraiserAssignment.objects.filter(round=assigned, agency=world.stp).exists()
