# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""Review s7 M2, M3: correcting a round's deadlines.

M2: an agency's deadline is the later of the round's and its extension, so a round moved after
an extension never leaves the agency given more time with less. M3: a correction moving a
deadline into the past is refused unless confirmed (page and API), and the agencies are told
the new dates, as they were told at the opening.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from chiso.accounts.models import Membership, Role
from chiso.api.actions import create_token
from chiso.assessments import actions as a
from chiso.assessments import queries
from chiso.assessments.models import Assessment, Deadline, Round
from chiso.audit.models import AuditEvent
from chiso.notifications.models import Notification
from chiso.notifications.reminders import remind_deadlines
from tests.api.conftest import bearer
from tests.assessments.conftest import TODAY
from tests.assessments.office_world import client_for, submitted_stp

REASON = "Gõ nhầm năm khi mở đợt"


def day(days: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=days)


def vi(value: datetime.date) -> str:
    return f"{value:%d/%m/%Y}"


def dates(rnd: Round, **changes: datetime.date) -> dict[str, datetime.date]:
    out = {d.value: getattr(rnd, f"{d.value}_due") for d in Deadline}
    out.update(changes)
    return out


def move(rnd: Round, world: Any, allow_past: bool = False, **changes: datetime.date) -> Any:
    return a.change_deadlines(
        rnd, dates(rnd, **changes), reason=REASON, actor=world.tuan, allow_past=allow_past
    )


def submit_stp(world: Any, rnd: Round) -> Assessment:
    return submitted_stp(world, rnd)


def test_a_round_moved_past_an_extension_gives_the_agency_the_round_date(
    world: Any, rnd: Round
) -> None:
    # The review's case, relative to today: the round's self-assessment deadline was past, Sở
    # Tư pháp had an extension to yesterday and submitted today (late); the round then moves
    # to a date after the extension: its deadline is the round's and the submission on time.
    move(rnd, world, allow_past=True, self_assessment=day(-5))
    a.grant_extension(rnd, world.stp, "self_assessment", day(-1), reason="Lũ", actor=world.tuan)
    stp = submit_stp(world, rnd)
    assert stp.late
    assert world.stp in [x.agency for x in queries.late(rnd)]

    move(rnd, world, self_assessment=day(5))

    rnd.refresh_from_db()
    stp.refresh_from_db()
    assert rnd.deadline(Deadline.SELF_ASSESSMENT, world.stp.pk) == day(5)
    assert not stp.late
    assert queries.late(rnd) == []
    event = AuditEvent.objects.filter(action="assessments.round.deadlines_changed").latest("pk")
    assert event.data["late"] == {"stp": [True, False]}
    page = client_for(world.tuan).get(f"/rounds/{rnd.pk}/").content.decode()
    row = page[page.index("Sở Tư pháp</th>") :].split("</tr>")[0]
    assert vi(day(5)) in row and vi(day(-1)) not in row
    assert "badge text-bg-secondary" not in row  # no "extended" badge on the round's date
    english = client_for(world.tuan)
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    listed = english.get(f"/rounds/{rnd.pk}/").content.decode().split('id="extensions"')[1]
    assert "the round's deadline is now later and applies" in listed.split("</ul>")[0]


def test_an_extension_later_than_the_corrected_round_still_counts(world: Any, rnd: Round) -> None:
    a.grant_extension(rnd, world.stp, "self_assessment", day(30), reason="Lũ", actor=world.tuan)

    move(rnd, world, self_assessment=day(10))

    rnd.refresh_from_db()
    assert rnd.deadline(Deadline.SELF_ASSESSMENT, world.stp.pk) == day(30)
    assert rnd.deadline(Deadline.SELF_ASSESSMENT, world.sxd.pk) == day(10)
    # Told of the round's new date, and that its own later date stands.
    note = Notification.objects.get(kind="deadlines_changed", user=world.lan)
    assert vi(day(10)) in note.body and vi(day(30)) in note.body
    page = client_for(world.tuan).get(f"/rounds/{rnd.pk}/").content.decode()
    row = page[page.index("Sở Tư pháp</th>") :].split("</tr>")[0]
    assert vi(day(30)) in row and "badge text-bg-secondary" in row


def test_no_reminder_for_an_extension_the_round_has_overtaken(world: Any, rnd: Round) -> None:
    move(rnd, world, self_assessment=day(0))
    a.grant_extension(rnd, world.stp, "self_assessment", day(2), reason="Lũ", actor=world.tuan)
    move(rnd, world, self_assessment=day(10))

    remind_deadlines(days=3)

    assert not Notification.objects.filter(kind="deadline_near", user=world.lan).exists()


def test_an_extension_before_the_rounds_deadline_is_refused(world: Any, rnd: Round) -> None:
    with translation.override("en"), pytest.raises(a.AssessmentError) as refused:
        a.grant_extension(rnd, world.stp, "self_assessment", day(1), reason="Lũ", actor=world.tuan)
    assert vi(rnd.self_assessment_due) in str(refused.value)
    assert "must be after the round's deadline" in str(refused.value)
    assert not rnd.extensions.exists()


def test_a_correction_into_the_past_is_refused_unless_confirmed(world: Any, rnd: Round) -> None:
    submit_stp(world, rnd)
    before = rnd.self_assessment_due

    with translation.override("en"), pytest.raises(a.PastDeadlinesError) as refused:
        move(rnd, world, self_assessment=day(-30))

    message = str(refused.value)
    assert vi(day(-30)) in message and vi(TODAY) in message
    assert "1 submission made on time would become late" in message
    assert refused.value.stage == "self_assessment"
    rnd.refresh_from_db()
    assert rnd.self_assessment_due == before
    assert not Assessment.objects.get(round=rnd, agency=world.stp).late
    assert not AuditEvent.objects.filter(action="assessments.round.deadlines_changed").exists()
    assert not Notification.objects.filter(kind="deadlines_changed").exists()

    move(rnd, world, allow_past=True, self_assessment=day(-30))
    assert Assessment.objects.get(round=rnd, agency=world.stp).late


def test_a_past_deadline_that_does_not_change_needs_no_confirmation(world: Any, rnd: Round) -> None:
    move(rnd, world, allow_past=True, self_assessment=day(-2))
    old = rnd.council_due

    changed = move(rnd, world, council=day(100))

    assert changed == {"council": [old, day(100)]}


def test_the_page_asks_to_confirm_a_past_date(world: Any, rnd: Round) -> None:
    client = client_for(world.tuan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = f"/rounds/{rnd.pk}/deadlines/"
    form = {f"{k}_due": vi(v) for k, v in dates(rnd, approval=day(-1)).items()}
    form["self_assessment_due"] = vi(day(-1))
    form["reason"] = REASON

    refused = client.post(url, form)

    text = refused.content.decode()
    assert refused.status_code == 200
    assert 'name="confirm_past"' in text and "Already past" in text and "is-invalid" in text
    rnd.refresh_from_db()
    assert rnd.self_assessment_due != day(-1)

    done = client.post(url, {**form, "confirm_past": "on"})

    assert done.status_code == 302
    rnd.refresh_from_db()
    assert (rnd.self_assessment_due, rnd.approval_due) == (day(-1), day(-1))


def test_the_api_refuses_a_past_date_without_allow_past_deadlines(world: Any, rnd: Round) -> None:
    token = create_token(world.tuan, name="tuan-system", actor=None)[1]
    body: dict[str, Any] = {
        **{k: v.isoformat() for k, v in dates(rnd, self_assessment=day(-3)).items()},
        "reason": REASON,
    }

    def put(payload: dict[str, Any]) -> Any:
        return Client().put(
            f"/api/rounds/{rnd.pk}/deadlines",
            data=payload,
            content_type="application/json",
            headers={**bearer(token), "Accept-Language": "en"},
        )

    refused = put(body)
    assert refused.status_code == 422
    assert vi(day(-3)) in refused.json()["detail"]
    rnd.refresh_from_db()
    assert rnd.self_assessment_due != day(-3)

    done = put({**body, "allow_past_deadlines": True})
    assert done.status_code == 200
    assert done.json()["self_assessment"][1] == day(-3).isoformat()


def test_the_agencies_are_told_of_a_correction_with_old_and_new_dates(
    world: Any, rnd: Round, django_capture_on_commit_callbacks: Any
) -> None:
    world.lan.email = "lan@stp.example"
    world.lan.save(update_fields=["email"])
    old = rnd.self_assessment_due
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        move(rnd, world, self_assessment=day(12), approval=day(13))

    told = Notification.objects.filter(kind="deadlines_changed")
    # As at the opening: the focal officer and the leader of each agency of the round.
    opened = Notification.objects.filter(kind="round_opened")
    assert sorted(told.values_list("user__username", flat=True)) == sorted(
        opened.values_list("user__username", flat=True)
    )
    note = told.get(user=world.lan)
    assert f"{vi(old)} → {vi(day(12))}" in note.body
    assert "Sở Tư pháp" in note.body and str(rnd.year) in note.title
    assert (
        note.link == f"/rounds/assessment/{Assessment.objects.get(round=rnd, agency=world.stp).pk}/"
    )
    assert [m.to for m in mail.outbox] == [["lan@stp.example"]]
    assert f"{vi(old)} → {vi(day(12))}" in mail.outbox[0].body

    # A second correction is a new message, not swallowed by the first one's key.
    move(rnd, world, council=day(100))
    assert told.filter(user=world.lan).count() == 2


def test_someone_working_for_two_agencies_of_the_round_is_told_for_each(
    world: Any, rnd: Round
) -> None:
    Membership.objects.create(user=world.lan, agency=world.sxd, role=Role.FOCAL_OFFICER)
    move(rnd, world, self_assessment=day(12))
    told = Notification.objects.filter(kind="deadlines_changed", user=world.lan)
    assert sorted(n.body.split(":")[0] for n in told) == ["Sở Tư pháp", "Sở Xây dựng"]


def test_an_extension_is_checked_against_the_rounds_current_date(world: Any, rnd: Round) -> None:
    stale = Round.objects.get(pk=rnd.pk)  # a page loaded before the correction
    move(rnd, world, self_assessment=day(12))
    with pytest.raises(a.AssessmentError):
        a.grant_extension(
            stale, world.stp, "self_assessment", day(10), reason="Lũ", actor=world.tuan
        )
    assert not rnd.extensions.exists()
