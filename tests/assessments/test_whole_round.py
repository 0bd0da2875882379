"""A whole round through every stage, by the people who do each step."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from chiso.assessments import actions as a
from chiso.assessments.inputs import round_inputs
from chiso.assessments.models import Assessment, ItemEntry, Round, Stage
from chiso.audit.models import AuditEvent
from chiso.engine import score_block
from chiso.facts.models import Fact
from chiso.org import actions as org
from chiso.results.models import ResultSet

D = Decimal


def entry(assessment: Assessment, code: str) -> ItemEntry:
    return assessment.entries.get(code=code)


def self_assess(world: Any, assessment: Assessment, values: dict[str, str]) -> None:
    for code, value in values.items():
        e = entry(assessment, code)
        a.save_self_assessment(
            assessment,
            code,
            value=D(value),
            not_applicable=False,
            justification=f"Minh chứng cho mục {code}",
            expected_version=e.version,
            actor=world.lan,
        )


def test_it_runs_a_round_from_opening_to_finalised_results(world: Any, rnd: Round) -> None:
    # The registry of that year: Sở Tư pháp's director and a deputy in charge of field 3.
    director = org.create_person(code="stp-gd", full_name="Đỗ Văn Giám", actor=None)
    deputy = org.create_person(code="stp-pgd", full_name="Lê Văn Nam", actor=None)
    org.create_position(
        director, world.stp, role="head", start=datetime.date(2020, 1, 1), actor=None
    )
    pos = org.create_position(
        deputy, world.stp, role="deputy", start=datetime.date(2020, 1, 1), actor=None
    )
    org.set_assignment(pos, 2024, ["3"], decision="QĐ phân công", actor=None)
    Fact.objects.create(name="dossier.on_time_rate", agency=world.stp, year=2024, value=D(90))

    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    assert sorted(stp.entries.values_list("code", flat=True)) == ["1.1", "1.2", "2.1", "3.1"]

    # Lan self-assesses and submits; Nam (agency leader) approves.
    self_assess(world, stp, {"1.1": "1", "1.2": "3", "2.1": "2", "3.1": "2"})
    stp = a.submit_assessment(stp, actor=world.lan)
    assert stp.status == Stage.SUBMITTED and stp.late is False
    stp = a.approve_submission(stp, actor=world.nam)
    assert (stp.status, stp.approved_by) == (Stage.APPROVED, world.nam)

    # Tuấn assigns Minh field 3; Minh takes a point off 3.1 and asks for an explanation.
    a.assign_appraiser(rnd, world.stp, "3", world.minh, actor=world.tuan)
    e31 = entry(stp, "3.1")
    a.record_appraisal(
        e31,
        1,
        value=D(0),
        comment="Thiếu kế hoạch rà soát",
        needs_explanation=True,
        expected_version=e31.version,
        actor=world.minh,
    )
    assert Assessment.objects.get(pk=stp.pk).status == Stage.APPRAISAL_1
    a.save_adjustment(
        stp, "T1", count=D(1), note="Sáng kiến cấp tỉnh", expected_version=0, actor=world.tuan
    )
    a.save_adjustment(
        stp, "D1", count=D(1), note="Công văn phê bình", expected_version=0, actor=world.tuan
    )
    a.close_appraisal_1(rnd, actor=world.tuan)

    # Lan explains; Minh's second round gives one point back.
    e31 = entry(stp, "3.1")
    a.submit_explanation(
        e31,
        text="Kế hoạch rà soát ban hành ngày 15/02",
        expected_version=e31.version,
        actor=world.lan,
    )
    a.close_explanation(rnd, actor=world.tuan)
    e31 = entry(stp, "3.1")
    a.record_appraisal(
        e31,
        2,
        value=D(1),
        comment="Chấp nhận một phần",
        expected_version=e31.version,
        actor=world.minh,
    )
    a.close_appraisal_2(rnd, actor=world.tuan)

    # The council lowers 1.2 from the agency's 3 to 2.
    e12 = entry(stp, "1.2")
    a.record_council_decision(
        e12,
        value=D(2),
        note="Báo cáo quý III nộp trễ",
        expected_version=e12.version,
        actor=world.tuan,
    )
    assert [(e.code, e.effective_value) for e in stp.entries.order_by("order")] == [
        ("1.1", D(1)),  # self
        ("1.2", D(2)),  # council over self
        ("2.1", D(2)),  # self
        ("3.1", D(1)),  # round 2 over round 1 (0) and self (2)
    ]

    result_set = a.finalise_round(rnd, actor=world.tuan)

    # By hand: 1 + 2 + 2 + 1 + 3.2 = 2 × 90/100 = 1.80 → 7.80 / 10 = 78.00 %;
    # + bonus 1 − penalty 0.5 = 78.50, class Khá (≥ 65). The deputy in charge of field 3:
    # (1 + 1.80) / 4 = 70.00 %; 0.7 × 70.00 + 0.3 × 78.50 = 72.55.
    score = result_set.scores.get(agency=world.stp)
    assert (score.base_percent, score.bonus, score.penalty) == (D("78.00"), D(1), D("0.5"))
    assert (score.final, score.classification, score.rank) == (D("78.50"), "Khá", 1)
    assert {ld["id"]: ld["score"] for ld in score.leaders} == {
        "stp-gd": "78.50",
        "stp-pgd": "72.55",
    }
    engine = score_block(rnd.framework.to_engine(), round_inputs(rnd))
    assert next(r for r in engine.agencies if r.agency == "stp").final == score.final
    assert (result_set.status, result_set.source) == (
        ResultSet.Status.FINALISED,
        ResultSet.Source.ROUND,
    )
    rnd.refresh_from_db()
    assert rnd.stage == Stage.FINALISED
    assert set(rnd.assessments.values_list("status", flat=True)) == {Stage.FINALISED}

    actions = AuditEvent.objects.exclude(action__startswith="org.").exclude(
        action__startswith="framework."
    )
    assert list(actions.order_by("id").values_list("action", flat=True)) == [
        "assessments.round.opened",
        *["assessments.item.self_assessed"] * 4,
        "assessments.assessment.submitted",
        "assessments.assessment.approved",
        "assessments.appraiser.assigned",
        "assessments.item.appraised_1",
        "assessments.adjustment.saved",
        "assessments.adjustment.saved",
        "assessments.round.appraisal_1_closed",
        "assessments.item.explained",
        "assessments.round.explanation_closed",
        "assessments.item.appraised_2",
        "assessments.round.appraisal_2_closed",
        "assessments.item.council_decided",
        "results.computed",
        "results.finalised",
        "assessments.round.finalised",
    ]
    appraised = AuditEvent.objects.get(action="assessments.item.appraised_1")
    assert appraised.actor == world.minh and appraised.agency_id_ref == world.stp.pk
    assert appraised.data == {
        "appraised_value_1": [None, "0"],
        "appraiser_comment_1": ["", "Thiếu kế hoạch rà soát"],
        "needs_explanation": [False, True],
    }
    council = AuditEvent.objects.get(action="assessments.item.council_decided")
    assert council.data == {"value": [None, "2"], "note": ["", "Báo cáo quý III nộp trễ"]}


def test_everything_is_locked_once_the_round_is_finalised(world: Any, rnd: Round) -> None:
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)
    a.finalise_round(rnd, actor=world.tuan)
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    e = entry(stp, "1.1")
    message = "Không thể thực hiện việc này ở giai đoạn «Đã chốt»."
    for call in (
        lambda: a.save_self_assessment(
            stp,
            "1.1",
            value=D(1),
            not_applicable=False,
            justification="",
            expected_version=e.version,
            actor=world.lan,
        ),
        lambda: a.record_council_decision(
            e, value=D(1), note="", expected_version=e.version, actor=world.tuan
        ),
        lambda: a.finalise_round(rnd, actor=world.tuan),
        lambda: a.save_adjustment(
            stp, "T1", count=D(1), note="", expected_version=1, actor=world.tuan
        ),
    ):
        with pytest.raises(a.StateError) as caught:
            call()
        assert str(caught.value) == message
