"""Invalid self-assessed values are refused with the engine's rules, naming the item."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent


def save(world: Any, rnd: Round, code: str, value: str | None, na: bool = False) -> Any:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    return a.save_self_assessment(
        stp,
        code,
        value=None if value is None else Decimal(value),
        not_applicable=na,
        justification="",
        expected_version=1,
        actor=world.lan,
    )


@pytest.mark.parametrize(
    ("code", "value", "na", "message"),
    [
        ("1.2", "4", False, "Mục 1.2 «Báo cáo CCHC»: Điểm 4 nằm ngoài khoảng từ 0 đến 3"),
        ("1.2", "-1", False, "Mục 1.2 «Báo cáo CCHC»: Điểm -1 nằm ngoài khoảng từ 0 đến 3"),
        (
            "3.1",
            "1.5",
            False,
            "Mục 3.1 «Rà soát TTHC»: Điểm 1,5 không thuộc các mức cho phép: 2; 1; 0",
        ),
        (
            "1.1",
            "2",
            False,
            "Mục 1.1 «Kế hoạch CCHC năm»: Giá trị có/không phải là 1 (có) hoặc 0 (không), "
            "nhận được 2",
        ),
        (
            "2.1",
            None,
            True,
            "Mục 2.1 «Văn bản QPPL»: Loại cơ quan 'so' không được đánh dấu không đánh giá "
            "nội dung này (chỉ: huyen)",
        ),
        (
            "1.2",
            None,
            True,
            "Mục 1.2 «Báo cáo CCHC»: Nội dung này không được đánh dấu không đánh giá",
        ),
    ],
)
def test_it_reports_an_invalid_value_naming_the_item(
    world: Any, rnd: Round, code: str, value: str | None, na: bool, message: str
) -> None:
    with pytest.raises(a.AssessmentError) as caught:
        save(world, rnd, code, value, na)
    assert str(caught.value) == message
    assert not AuditEvent.objects.filter(action="assessments.item.self_assessed").exists()


def test_it_refuses_items_scored_from_facts(world: Any, rnd: Round) -> None:
    with pytest.raises(a.AssessmentError) as caught:
        save(world, rnd, "3.2", "2")
    assert str(caught.value) == (
        "Mục 3.2 được tính từ dữ liệu dossier.on_time_rate; cơ quan không nhập điểm mục này."
    )


def test_it_saves_a_valid_draft_with_old_and_new_in_the_audit(world: Any, rnd: Round) -> None:
    entry = save(world, rnd, "3.1", "1")
    assert (entry.self_value, entry.version, entry.updated_by) == (Decimal(1), 2, world.lan)
    event = AuditEvent.objects.get(action="assessments.item.self_assessed")
    assert (event.actor, event.agency_id_ref) == (world.lan, world.stp.pk)
    assert event.data == {"value": [None, "1"]}
