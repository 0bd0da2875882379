"""The round tells the right people, and only them: opened, returned for explanation,
finalised, published; in the app and by e-mail, once per event."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.notifications.models import Notification
from chiso.results.actions import publish_result_set
from tests.assessments.conftest import deadlines

TODAY = datetime.date.today()


def notes(user: Any, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind))


def day(d: datetime.date) -> str:
    return f"{d:%d/%m/%Y}"


def test_opening_a_round_tells_each_agency_its_own_deadlines(
    world: Any,
    binh: Any,
    emails: dict[str, str],
    framework: Any,
    block: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    due = deadlines()
    with django_capture_on_commit_callbacks(execute=True):
        rnd = a.open_round(block, framework, due, actor=world.tuan)

    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    sxd = Assessment.objects.get(round=rnd, agency=world.sxd)
    title = "Đã mở đợt đánh giá cải cách hành chính năm 2024: Khối sở, ban, ngành"
    for person in (world.lan, world.nam):
        [note] = notes(person, "round_opened")
        assert note.title == title
        assert note.link == f"/rounds/assessment/{stp.pk}/"
        assert note.body.startswith("Sở Tư pháp: tự chấm điểm")
        assert f"trước hết ngày {day(due['self_assessment'])}" in note.body
        assert f"phê duyệt trước hết ngày {day(due['approval'])}" in note.body
    [note] = notes(binh, "round_opened")
    assert note.link == f"/rounds/assessment/{sxd.pk}/"
    for person in (world.tuan, world.minh, world.hanh, world.mai, world.khach):
        assert not Notification.objects.filter(user=person).exists()
    assert sorted(to for m in mailoutbox for to in m.to) == sorted(
        [emails["lan"], emails["nam"], emails["binh"]]
    )
    assert {m.subject for m in mailoutbox} == {title}
    assert f"http://127.0.0.1:8000/rounds/assessment/{stp.pk}/" in next(
        m.body for m in mailoutbox if m.to == [emails["lan"]]
    )
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 3


def test_a_rolled_back_action_notifies_nobody(
    world: Any,
    emails: dict[str, str],
    framework: Any,
    block: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            a.open_round(block, framework, deadlines(), actor=world.tuan)
            raise RuntimeError("something failed after the round was opened")

    assert not Round.objects.exists()
    assert not Notification.objects.exists()
    assert mailoutbox == []


def mark_for_explanation(world: Any, rnd: Round, codes: list[str]) -> Assessment:
    """Lan submits, Nam approves, Minh (field 1) marks ``codes`` of Sở Tư pháp."""
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    for code, value in {"1.1": "1", "1.2": "3", "2.1": "2", "3.1": "2"}.items():
        entry = stp.entries.get(code=code)
        a.save_self_assessment(
            stp,
            code,
            value=Decimal(value),
            not_applicable=False,
            justification="",
            expected_version=entry.version,
            actor=world.lan,
        )
    a.submit_assessment(stp, actor=world.lan)
    a.approve_submission(stp, actor=world.nam)
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    for code in codes:
        entry = stp.entries.get(code=code)
        a.record_appraisal(
            entry,
            1,
            value=Decimal(0),
            comment="Thiếu minh chứng",
            needs_explanation=True,
            expected_version=entry.version,
            actor=world.minh,
        )
    return stp


def test_closing_appraisal_1_asks_only_the_marked_agencies_focal_officers_to_explain(
    world: Any,
    binh: Any,
    emails: dict[str, str],
    rnd: Round,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    stp = mark_for_explanation(world, rnd, ["1.1", "1.2"])
    a.grant_extension(
        rnd,
        world.stp,
        "explanation",
        TODAY + datetime.timedelta(days=60),
        reason="Chờ số liệu quý IV",
        actor=world.tuan,
    )

    with django_capture_on_commit_callbacks(execute=True):
        a.close_appraisal_1(rnd, actor=world.tuan)

    [note] = notes(world.lan, "explanation_requested")
    assert note.title == "Sở Tư pháp: 2 tiêu chí cần giải trình"
    assert note.body == (
        "Tổ thẩm định đề nghị Sở Tư pháp giải trình 2 tiêu chí của đợt đánh giá năm 2024. "
        "Hãy giải trình và bổ sung tài liệu kiểm chứng trước hết ngày "
        f"{day(TODAY + datetime.timedelta(days=60))}."
    )
    assert note.link == f"/rounds/assessment/{stp.pk}/"
    for person in (world.nam, binh, world.minh, world.tuan):
        assert notes(person, "explanation_requested") == []
    assert [(m.to, m.subject) for m in mailoutbox] == [([emails["lan"]], note.title)]


def test_finalising_and_publishing_tell_every_agency_of_the_block(
    world: Any,
    binh: Any,
    emails: dict[str, str],
    rnd: Round,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)

    with django_capture_on_commit_callbacks(execute=True):
        result_set = a.finalise_round(rnd, actor=world.tuan)
    finalised = "Đã chốt kết quả đánh giá năm 2024 của Khối sở, ban, ngành"
    assert {m.subject for m in mailoutbox} == {finalised}
    assert sorted(to for m in mailoutbox for to in m.to) == sorted(
        [emails["lan"], emails["nam"], emails["binh"]]
    )
    [note] = notes(binh, "round_finalised")
    sxd = Assessment.objects.get(round=rnd, agency=world.sxd)
    assert (note.title, note.link) == (finalised, f"/rounds/assessment/{sxd.pk}/")

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publish_result_set(result_set, actor=world.tuan)
    published = "Đã công bố Chỉ số cải cách hành chính năm 2024 của Khối sở, ban, ngành"
    for person in (world.lan, world.nam, binh):
        [note] = notes(person, "results_published")
        assert (note.title, note.link) == (published, "/results/2024/so-ban-nganh/")
        assert note.body == "Bảng xếp hạng và phiếu điểm của từng cơ quan đã được công khai."
    assert sorted(to for m in mailoutbox for to in m.to) == sorted(
        [emails["lan"], emails["nam"], emails["binh"]]
    )
    assert not Notification.objects.filter(user__in=[world.tuan, world.hanh, world.minh]).exists()


def test_a_round_finalised_again_after_reopening_is_announced_again(world: Any, rnd: Round) -> None:
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)
    a.finalise_round(rnd, actor=world.tuan)
    a.reopen_round(rnd, reason="Sai điểm mục 1.2", actor=world.tuan)
    a.finalise_round(rnd, actor=world.tuan)

    assert len(notes(world.lan, "round_finalised")) == 2


def test_people_without_an_address_are_notified_in_the_app_only(
    world: Any,
    framework: Any,
    block: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        a.open_round(block, framework, deadlines(), actor=world.tuan)

    assert len(notes(world.lan, "round_opened")) == 1
    assert mailoutbox == []
