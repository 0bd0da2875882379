"""Double entry of paper forms by two operators, reconciliation by a third person."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chiso.audit.models import AuditEvent
from chiso.surveys.actions import (
    FieldErrors,
    SurveyError,
    key_form,
    reconcile_form,
)
from chiso.surveys.models import Response
from tests.surveys.conftest import sipas_answers


def test_two_matching_keyings_make_a_counted_response(
    world: Any, campaign: Any, form: Any, operator2: Any
) -> None:
    first = key_form(
        campaign, actor=world.mai, agency=world.stp, number=form.form_number, raw=sipas_answers()
    )
    assert first.state == "first" and not Response.objects.exists()
    second = key_form(
        campaign,
        actor=operator2,
        agency=world.stp,
        number=form.form_number.lower(),
        raw=sipas_answers(),
    )
    assert second.state == "matched"
    response = Response.objects.get()
    assert response.channel == "paper" and response.status == "submitted"
    assert response.answers["tc_thong_tin"] == 4


def test_a_form_is_refused_under_the_wrong_agency(world: Any, campaign: Any, form: Any) -> None:
    with pytest.raises(SurveyError) as error:
        key_form(campaign, actor=world.mai, agency=world.sxd, number=form.form_number, raw={})
    assert str(error.value) == (
        f"Phiếu {form.form_number} thuộc Sở Tư pháp, không phải Sở Xây dựng: kiểm tra lại "
        "số phiếu hoặc cơ quan đang nhập."
    )


def test_the_same_operator_cannot_key_a_form_twice_and_others_cannot_key(
    world: Any, campaign: Any, form: Any
) -> None:
    raw = sipas_answers()
    key_form(campaign, actor=world.mai, agency=world.stp, number=form.form_number, raw=raw)
    with pytest.raises(SurveyError, match="đã nhập phiếu"):
        key_form(campaign, actor=world.mai, agency=world.stp, number=form.form_number, raw=raw)
    with pytest.raises(PermissionDenied):
        key_form(campaign, actor=world.lan, agency=world.stp, number=form.form_number, raw={})


def test_unreadable_answers_are_named_and_nothing_is_stored(
    world: Any, campaign: Any, form: Any
) -> None:
    with pytest.raises(FieldErrors) as error:
        key_form(
            campaign,
            actor=world.mai,
            agency=world.stp,
            number=form.form_number,
            raw={"tc_thong_tin": "7", "can_cai_thien": "1,2,3,4"},
        )
    assert error.value.errors == {
        "tc_thong_tin": "không có phương án 7",
        "can_cai_thien": "chọn tối đa 3 phương án",
    }
    assert not form.entries.exists()


def test_a_mismatch_waits_for_a_third_person_who_reconciles_it(
    world: Any, campaign: Any, form: Any, operator2: Any
) -> None:
    key_form(
        campaign, actor=world.mai, agency=world.stp, number=form.form_number, raw=sipas_answers()
    )
    outcome = key_form(
        campaign,
        actor=operator2,
        agency=world.stp,
        number=form.form_number,
        raw=sipas_answers(tt_phi="2"),
    )
    assert outcome.state == "mismatch" and not Response.objects.exists()
    from chiso.surveys.actions.paper import differences

    assert differences(form) == {"tt_phi": (4, 2)}
    with pytest.raises(SurveyError, match="không nhập phiếu này"):
        reconcile_form(form, actor=world.mai, raw=sipas_answers())
    response = reconcile_form(form, actor=world.tuan, raw=sipas_answers(tt_phi="5"))
    assert response.answers["tt_phi"] == 5 and response.reconciled_by == world.tuan
    event = AuditEvent.objects.get(action="surveys.paper.reconciled")
    assert event.data["old"][1]["tt_phi"] == 2 and event.data["new"]["tt_phi"] == 5


def test_operator_throughput_and_error_rates(
    world: Any, campaign: Any, form: Any, operator2: Any
) -> None:
    from chiso.surveys.queries import mismatched_forms, operator_stats

    key_form(
        campaign,
        actor=world.mai,
        agency=world.stp,
        number=form.form_number,
        raw=sipas_answers(),
        seconds=90,
    )
    key_form(
        campaign,
        actor=operator2,
        agency=world.stp,
        number=form.form_number,
        raw=sipas_answers(tt_phi="2"),
        seconds=60,
    )
    assert list(mismatched_forms(campaign)) == [form]
    reconcile_form(form, actor=world.tuan, raw=sipas_answers())
    assert not mismatched_forms(campaign).exists()
    stats = {s.operator.username: s for s in operator_stats(campaign)}
    assert stats["mai"].error_rate == 0 and stats["mai"].forms_per_hour == 40
    assert stats["thu"].error_rate == 100 and stats["thu"].forms_per_hour == 60
