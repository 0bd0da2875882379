"""An appraiser never appraises their own agency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as a
from chiso.assessments.models import AppraiserAssignment, Assessment, Round
from chiso.audit.models import AuditEvent


def test_it_refuses_to_assign_an_appraiser_to_their_home_unit(world: Any, rnd: Round) -> None:
    with pytest.raises(a.AssessmentError) as caught:
        a.assign_appraiser(rnd, world.snv, "3", world.minh, actor=world.tuan)
    assert str(caught.value) == (
        "Trần Văn Minh không được thẩm định cơ quan của chính mình (Sở Nội vụ)."
    )
    assert not AppraiserAssignment.objects.exists()
    assert not AuditEvent.objects.filter(action="assessments.appraiser.assigned").exists()


def test_it_refuses_an_agency_the_appraiser_also_acts_for(world: Any, rnd: Round) -> None:
    Membership.objects.create(user=world.minh, role=Role.FOCAL_OFFICER, agency=world.sxd)
    with pytest.raises(a.AssessmentError, match="cơ quan của chính mình \\(Sở Xây dựng\\)"):
        a.assign_appraiser(rnd, world.sxd, "1", world.minh, actor=world.tuan)


def test_it_refuses_the_appraisal_when_the_appraiser_joined_the_agency_since(
    world: Any, rnd: Round
) -> None:
    a.assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    Membership.objects.create(user=world.minh, role=Role.AGENCY_LEADER, agency=world.stp)
    world.minh = type(world.minh).objects.get(pk=world.minh.pk)  # forget the cached roles
    entry = Assessment.objects.get(round=rnd, agency=world.stp).entries.get(code="3.1")
    with pytest.raises(PermissionDenied):
        a.record_appraisal(
            entry, 1, value=Decimal(1), comment="", expected_version=1, actor=world.minh
        )


def test_only_appraisers_are_assigned(world: Any, rnd: Round) -> None:
    with pytest.raises(a.AssessmentError) as caught:
        a.assign_appraiser(rnd, world.stp, "3", world.hanh, actor=world.tuan)
    assert str(caught.value) == "Phạm Thị Hạnh không phải là thẩm định viên."
