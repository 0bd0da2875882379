"""Who may call each action: every action × every persona.

Permission is checked before the stage, so every action is called on a freshly opened round:
the persona allowed gets past the permission check (success or a stage error), everyone else
gets PermissionDenied and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chiso.assessments import actions as a
from chiso.assessments.models import AppraiserAssignment, Assessment, Deadline, Round
from chiso.audit.models import AuditEvent
from tests.assessments.conftest import TODAY, deadlines

Call = Callable[[Any, Round, Any], object]


def stp(rnd: Round, world: Any) -> Assessment:
    return Assessment.objects.get(round=rnd, agency=world.stp)


def item(rnd: Round, world: Any) -> Any:
    return stp(rnd, world).entries.get(code="3.1")


ACTIONS: dict[str, tuple[set[str], Call]] = {
    "open_round": (
        {"tuan"},
        lambda w, r, u: a.open_round(r.block, r.framework, deadlines(), actor=u),
    ),
    "grant_extension": (
        {"tuan"},
        lambda w, r, u: a.grant_extension(
            r, w.stp, Deadline.SELF_ASSESSMENT, TODAY, reason="Ốm", actor=u
        ),
    ),
    "assign_appraiser": (
        {"tuan"},
        lambda w, r, u: a.assign_appraiser(r, w.stp, "3", w.minh, actor=u),
    ),
    "save_self_assessment": (
        {"lan"},
        lambda w, r, u: a.save_self_assessment(
            stp(r, w),
            "3.1",
            value=Decimal(1),
            not_applicable=False,
            justification="",
            expected_version=1,
            actor=u,
        ),
    ),
    "submit_assessment": ({"lan"}, lambda w, r, u: a.submit_assessment(stp(r, w), actor=u)),
    "approve_submission": ({"nam"}, lambda w, r, u: a.approve_submission(stp(r, w), actor=u)),
    "record_appraisal": (
        {"minh"},
        lambda w, r, u: a.record_appraisal(
            item(r, w), 1, value=Decimal(1), comment="", expected_version=1, actor=u
        ),
    ),
    "submit_explanation": (
        {"lan"},
        lambda w, r, u: a.submit_explanation(item(r, w), text="…", expected_version=1, actor=u),
    ),
    "save_adjustment": (
        {"tuan"},
        lambda w, r, u: a.save_adjustment(
            stp(r, w), "T1", count=Decimal(1), note="", expected_version=0, actor=u
        ),
    ),
    "close_appraisal_1": ({"tuan"}, lambda w, r, u: a.close_appraisal_1(r, actor=u)),
    "close_explanation": ({"tuan"}, lambda w, r, u: a.close_explanation(r, actor=u)),
    "close_appraisal_2": ({"tuan"}, lambda w, r, u: a.close_appraisal_2(r, actor=u)),
    "record_council_decision": (
        {"tuan"},
        lambda w, r, u: a.record_council_decision(
            item(r, w), value=Decimal(1), note="", expected_version=1, actor=u
        ),
    ),
    "finalise_round": ({"tuan"}, lambda w, r, u: a.finalise_round(r, actor=u)),
    "reopen_round": ({"tuan"}, lambda w, r, u: a.reopen_round(r, reason="Sai sót", actor=u)),
}
PERSONAS = ("tuan", "lan", "nam", "minh", "hanh", "mai", "khach")


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_it_lets_only_the_right_person_act(world: Any, rnd: Round, action: str) -> None:
    AppraiserAssignment.objects.create(round=rnd, agency=world.stp, field_code="3", user=world.minh)
    allowed, call = ACTIONS[action]
    before = AuditEvent.objects.count()
    for persona in (p for p in PERSONAS if p not in allowed):
        with pytest.raises(PermissionDenied):
            call(world, rnd, getattr(world, persona))
        assert AuditEvent.objects.count() == before, persona
    for persona in allowed:  # last: their call may change the round
        try:
            call(world, rnd, getattr(world, persona))
        except a.AssessmentError:
            pass  # past the permission check, stopped by the stage or a rule: allowed


def test_agency_people_act_only_for_their_own_agency(world: Any, rnd: Round) -> None:
    sxd = Assessment.objects.get(round=rnd, agency=world.sxd)
    with pytest.raises(PermissionDenied):
        a.save_self_assessment(
            sxd,
            "3.1",
            value=Decimal(1),
            not_applicable=False,
            justification="",
            expected_version=1,
            actor=world.lan,
        )
    with pytest.raises(PermissionDenied):
        a.approve_submission(sxd, actor=world.nam)


def test_an_appraiser_acts_only_on_the_field_assigned(world: Any, rnd: Round) -> None:
    a.assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    e11 = stp(rnd, world).entries.get(code="1.1")
    with pytest.raises(PermissionDenied):
        a.record_appraisal(
            e11, 1, value=Decimal(1), comment="", expected_version=1, actor=world.minh
        )
