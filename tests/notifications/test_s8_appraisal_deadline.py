"""Session 8: a deadline correction that moves an appraisal deadline tells the round's
appraisers too (in the app and by e-mail, once per correction), with the old and new dates;
one that moves only the agencies' deadlines does not concern them.

The appraisal deadlines are rounds 1 and 2 (the appraisers' own work); the explanation is the
agencies' and the council's decisions are recorded by the reform office.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as a
from chiso.assessments.models import Deadline, Round
from chiso.notifications.models import Notification
from tests.assessments.office_world import client_for
from tests.conftest import PASSWORD

REASON = "Gõ nhầm năm khi mở đợt"


def vi(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def later(value: datetime.date, days: int) -> datetime.date:
    return value + datetime.timedelta(days=days)


def correct_on_the_page(world: Any, rnd: Round, **changes: datetime.date) -> None:
    """Tuấn corrects the round's deadlines through the deadlines page."""
    form = {f"{d.value}_due": vi(getattr(rnd, f"{d.value}_due")) for d in Deadline}
    form.update({f"{stage}_due": vi(day) for stage, day in changes.items()})
    response = client_for(world.tuan).post(
        f"/rounds/{rnd.pk}/deadlines/", {**form, "reason": REASON}
    )
    assert response.status_code == 302
    rnd.refresh_from_db()


def told(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind="deadlines_changed").order_by("pk"))


def assign(world: Any, rnd: Round, agency: Any, field: str, user: Any) -> None:
    a.assign_appraiser(rnd, agency, field, user, actor=world.tuan)


def test_moving_the_appraisal_deadline_tells_the_appraiser_the_new_date(
    world: Any,
    rnd: Round,
    emails: dict[str, str],
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    assign(world, rnd, world.stp, "1", world.minh)
    assign(world, rnd, world.sxd, "3", world.minh)
    old = rnd.appraisal_1_due
    new = later(old, 3)

    with django_capture_on_commit_callbacks(execute=True):
        correct_on_the_page(world, rnd, appraisal_1=new)

    [note] = told(world.minh)
    assert note.title == (
        "Đã điều chỉnh thời hạn thẩm định đợt đánh giá cải cách hành chính năm 2024: "
        "Khối sở, ban, ngành"
    )
    assert f"hạn thẩm định lần 1: {vi(old)} → {vi(new)}" in note.body
    assert note.link == "/rounds/appraisal/"
    # One e-mail for Minh (assigned two agencies: one notification), the agencies keep theirs.
    assert [m.subject for m in mailoutbox if emails["minh"] in m.to] == [note.title]
    [lan_note] = told(world.lan)
    assert f"{vi(old)} → {vi(new)}" in lan_note.body
    assert told(world.tuan) == [] and told(world.hanh) == []


def test_correcting_only_the_self_assessment_deadline_does_not_tell_the_appraiser(
    world: Any, rnd: Round
) -> None:
    assign(world, rnd, world.stp, "1", world.minh)

    correct_on_the_page(world, rnd, self_assessment=later(rnd.self_assessment_due, 2))

    assert told(world.minh) == []
    assert len(told(world.lan)) == 1


def test_only_the_appraisers_of_the_round_are_told_once_per_correction(
    world: Any, rnd: Round
) -> None:
    # Khoa is an appraiser too, but has nothing to appraise in this round.
    khoa = User.objects.create_user("khoa", password=PASSWORD, first_name="Đỗ Văn Khoa")
    Membership.objects.create(user=khoa, role=Role.APPRAISER, agency=world.snv)
    assign(world, rnd, world.stp, "1", world.minh)
    first = later(rnd.appraisal_2_due, 1)

    correct_on_the_page(world, rnd, appraisal_2=first)
    correct_on_the_page(world, rnd, appraisal_2=later(first, 1), council=later(first, 5))

    assert told(khoa) == []
    bodies = [n.body for n in told(world.minh)]
    assert len(bodies) == 2
    assert f"hạn thẩm định lần 2: {vi(later(first, -1))} → {vi(first)}" in bodies[0]
    # The council's date is not the appraisers' to be told of.
    assert "hạn hội đồng thẩm định" not in bodies[1] and "→" in bodies[1]
    assert bodies[1].count("→") == 1


def test_an_agency_whose_appraisal_extension_is_later_is_named_with_its_date(
    world: Any, rnd: Round
) -> None:
    assign(world, rnd, world.stp, "1", world.minh)
    extended = later(rnd.appraisal_1_due, 10)
    a.grant_extension(rnd, world.stp, "appraisal_1", extended, reason="Lũ", actor=world.tuan)

    correct_on_the_page(world, rnd, appraisal_1=later(rnd.appraisal_1_due, 2))

    [note] = told(world.minh)
    assert f"(hạn đã gia hạn cho Sở Tư pháp đến {vi(extended)} vẫn giữ nguyên)" in note.body
