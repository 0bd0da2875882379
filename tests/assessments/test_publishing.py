"""Publishing a finalised round: results public, round and assessments at «published», viewers
read the assessments, and nothing reopens or publishes twice."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round, Stage
from chiso.audit.models import AuditEvent
from chiso.results.models import ResultSet
from tests.assessments.office_world import approved_stp, client_for


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def finalised(world: Any, rnd: Round) -> Assessment:
    stp = approved_stp(world, rnd)
    a.close_appraisal_1(rnd, actor=world.tuan)
    a.close_explanation(rnd, actor=world.tuan)
    a.close_appraisal_2(rnd, actor=world.tuan)
    a.finalise_round(rnd, actor=world.tuan)
    return stp


def test_publishing_from_the_round_page_opens_the_assessments_to_viewers(
    world: Any, rnd: Round
) -> None:
    stp = finalised(world, rnd)
    hanh = client_for(world.hanh)
    url = reverse("assessments:assessment", args=[stp.pk])
    assert hanh.get(url).status_code == 404  # finalised is not public yet
    tuan = client_for(world.tuan)
    publish = reverse("assessments:round_step", args=[rnd.pk, "publish"])
    assert publish in tuan.get(reverse("assessments:round", args=[rnd.pk])).content.decode()

    done = tuan.post(publish, follow=True)
    assert done.status_code == 200
    rnd.refresh_from_db()
    assert rnd.stage == Stage.PUBLISHED
    assert set(rnd.assessments.values_list("status", flat=True)) == {Stage.PUBLISHED}
    result_set = ResultSet.objects.get(block=rnd.block, framework=rnd.framework)
    assert result_set.status == ResultSet.Status.PUBLISHED
    row = AuditEvent.objects.get(action="assessments.round.published")
    assert row.actor == world.tuan and row.data["stage"] == ["finalised", "published"]
    # The button is gone, and a second POST changes nothing.
    page = tuan.get(reverse("assessments:round", args=[rnd.pk])).content.decode()
    assert publish not in page
    tuan.post(publish)
    assert AuditEvent.objects.filter(action="assessments.round.published").count() == 1

    # Hạnh (viewer, whole province) now reads the assessment and finds it in her list.
    opened = hanh.get(url)
    assert opened.status_code == 200 and "Đã thực hiện mục 2.1" in opened.content.decode()
    assert url in hanh.get(reverse("assessments:mine")).content.decode()


def test_publish_round_refuses_others_early_rounds_and_reopening_after(
    world: Any, rnd: Round
) -> None:
    with pytest.raises(a.StateError):
        a.publish_round(rnd, actor=world.tuan)  # still at self-assessment
    finalised(world, rnd)
    for name in ("lan", "nam", "minh", "hanh", "mai", "khach"):
        with pytest.raises(PermissionDenied):
            a.publish_round(rnd, actor=getattr(world, name))
    a.publish_round(rnd, actor=world.tuan)
    with pytest.raises(a.StateError):
        a.reopen_round(rnd, reason="Xem lại", actor=world.tuan)
    with pytest.raises(a.StateError):
        a.publish_round(rnd, actor=world.tuan)
    assert Round.objects.get(pk=rnd.pk).stage == Stage.PUBLISHED
