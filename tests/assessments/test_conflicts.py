"""Two people editing the same item: the second save is refused, never silently applied."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent


def test_a_stale_version_raises_a_conflict_and_writes_nothing(world: Any, rnd: Round) -> None:
    colleague = type(world.lan).objects.create_user("thu", first_name="Phan Thị Thu")
    Membership.objects.create(user=colleague, role=Role.FOCAL_OFFICER, agency=world.stp)
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    loaded = stp.entries.get(code="1.2")  # both open the page at version 1

    saved = a.save_self_assessment(
        stp,
        "1.2",
        value=Decimal(2),
        not_applicable=False,
        justification="Báo cáo năm",
        expected_version=loaded.version,
        actor=world.lan,
    )
    assert saved.version == 2
    events = AuditEvent.objects.count()
    with pytest.raises(a.ConflictError) as caught:
        a.save_self_assessment(
            stp,
            "1.2",
            value=Decimal(3),
            not_applicable=False,
            justification="",
            expected_version=loaded.version,
            actor=colleague,
        )
    when = timezone.localtime(saved.updated_at)
    assert str(caught.value) == (
        f"Mục này vừa được Nguyễn Thị Lan sửa lúc {when:%H:%M %d/%m/%Y}; hãy tải lại."
    )
    stored = stp.entries.get(code="1.2")
    assert (stored.self_value, stored.justification, stored.version) == (
        Decimal(2),
        "Báo cáo năm",
        2,
    )
    assert AuditEvent.objects.count() == events


def test_appraisers_and_the_council_are_held_to_the_version_too(world: Any, rnd: Round) -> None:
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)
    entry = Assessment.objects.get(round=rnd, agency=world.stp).entries.get(code="3.1")
    a.record_council_decision(
        entry, value=Decimal(1), note="", expected_version=1, actor=world.tuan
    )
    with pytest.raises(a.ConflictError, match="Trương Ngọc Tuấn"):
        a.record_council_decision(
            entry, value=Decimal(2), note="", expected_version=1, actor=world.tuan
        )
    entry.refresh_from_db()
    assert entry.council_value == Decimal(1)
