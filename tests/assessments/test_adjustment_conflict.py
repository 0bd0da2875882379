"""Two reform office users saving the same bonus/penalty count: the second is told, not lost."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as a
from chiso.assessments.models import AdjustmentEntry, Assessment, Round
from tests.assessments.office_world import client_for


def second_officer(world: Any) -> Any:
    user = get_user_model().objects.create_user("thu", first_name="Đỗ Thị Thu")
    Membership.objects.create(user=user, role=Role.REFORM_OFFICE, agency=world.snv)
    return user


def form_version(html: str, code: str) -> str:
    form = html[html.index(f'id="adj-{code}"') :]
    found = re.search(r'name="expected_version" value="(-?\d+)"', form)
    assert found is not None
    return found.group(1)


def test_a_stale_adjustment_form_is_refused_and_keeps_the_other_users_count(
    world: Any, rnd: Round
) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    thu = second_officer(world)
    url = reverse("assessments:adjustments", args=[stp.pk])
    tuan, other = client_for(world.tuan), client_for(thu)
    # Both open the page before anything is saved.
    seen_by_tuan = form_version(tuan.get(url).content.decode(), "D1")
    seen_by_thu = form_version(other.get(url).content.decode(), "D1")
    assert seen_by_tuan == seen_by_thu == "0"

    saved = tuan.post(
        url, {"code": "D1", "count": "2", "note": "Hai công văn", "expected_version": seen_by_tuan}
    )
    assert saved.status_code == 302
    late = other.post(
        url, {"code": "D1", "count": "1", "note": "Một công văn", "expected_version": seen_by_thu}
    )
    assert late.status_code == 400
    html = late.content.decode()
    assert "Trương Ngọc Tuấn" in html  # who changed it, so Thu knows whom to ask
    entry = AdjustmentEntry.objects.get(assessment=stp, code="D1")
    assert (entry.count, entry.note, entry.version) == (Decimal(2), "Hai công văn", 1)
    # The refused form keeps the old version: saving again still refuses until reloaded.
    assert form_version(html, "D1") == "0"
    fresh = form_version(other.get(url).content.decode(), "D1")
    assert fresh == "1"
    again = other.post(
        url, {"code": "D1", "count": "3", "note": "Ba công văn", "expected_version": fresh}
    )
    assert again.status_code == 302
    entry.refresh_from_db()
    assert (entry.count, entry.version) == (Decimal(3), 2)


def test_save_adjustment_refuses_a_stale_version(world: Any, rnd: Round) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    a.save_adjustment(stp, "T1", count=Decimal(1), note="", expected_version=0, actor=world.tuan)
    with pytest.raises(a.ConflictError):
        a.save_adjustment(
            stp, "T1", count=Decimal(0), note="", expected_version=0, actor=world.tuan
        )
    assert AdjustmentEntry.objects.get(assessment=stp, code="T1").count == Decimal(1)
