"""The round page's appraiser choice for an agency leaves out the appraisers whose own agency
it is: the reform office is never offered a choice that the save would refuse."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.assessments.models import Round
from tests.assessments.office_world import client_for


def offered(html: str, agency_pk: int) -> set[int]:
    """The user ids offered in the first field's select of one agency."""
    select = re.search(rf'<select[^>]*id="assign-{agency_pk}-1">(.*?)</select>', html, re.S)
    assert select is not None, agency_pk
    return {int(v) for v in re.findall(r'<option value="(\d+)"', select.group(1))}


def test_an_appraiser_is_not_offered_for_their_own_agency(world: Any, rnd: Round) -> None:
    # Bình appraises from Sở Tư pháp; Minh from Sở Nội vụ.
    binh = User.objects.create_user("binh", first_name="Đỗ Thanh Bình")
    Membership.objects.create(user=binh, role=Role.APPRAISER, agency=world.stp)

    html = client_for(world.tuan).get(reverse("assessments:round", args=[rnd.pk])).content.decode()

    assert offered(html, world.snv.pk) == {binh.pk}
    assert offered(html, world.stp.pk) == {world.minh.pk}
    assert offered(html, world.sxd.pk) == {world.minh.pk, binh.pk}


def test_every_offered_choice_is_accepted_by_the_save(world: Any, rnd: Round) -> None:
    client = client_for(world.tuan)
    html = client.get(reverse("assessments:round", args=[rnd.pk])).content.decode()

    for agency in (world.snv, world.stp, world.sxd):
        for user_pk in offered(html, agency.pk):
            response = client.post(
                reverse("assessments:round_assign", args=[rnd.pk]),
                {"agency": agency.pk, "field": "1", "user": user_pk},
                follow=True,
            )
            assert "không được thẩm định cơ quan của chính mình" not in response.content.decode()
            assert rnd.appraisers.filter(agency=agency, field_code="1", user_id=user_pk).exists()
