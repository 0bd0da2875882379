# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""Review s6 M2: opening a round refuses deadlines out of stage order, asks to confirm
deadlines already past, refuses a service-index (766) framework and one with nothing to
self-assess, on the page and over the API; and the reform office corrects an open round's
deadlines, with the reason and old → new in the audit trail."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.frameworks.models import Framework
from chiso.org.models import Block
from tests.assessments.conftest import (
    TODAY,
    block,
    deadlines,
    framework,
    rnd,
    tiny_framework,
)
from tests.conftest import PASSWORD

_fixtures = (block, framework, rnd)
PERSONAS = ("tuan", "lan", "nam", "minh", "hanh", "mai", "khach")


def day(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def vi(d: datetime.date) -> str:
    return f"{d:%d/%m/%Y}"


def logged_in(world: Any, persona: str) -> Client:
    client = Client()
    assert client.login(username=getattr(world, persona).username, password=PASSWORD)
    return client


def form_data(block: Block, fw: Framework, **dates: datetime.date) -> dict[str, Any]:
    return {
        "block": block.pk,
        "framework": fw.pk,
        **{f"{k}_due": vi(v) for k, v in deadlines(**dates).items()},
    }


def other_framework(world: Any, **changes: Any) -> Framework:
    data = {**tiny_framework(), "code": "khac", **changes}
    return publish_framework(import_framework(data, actor=world.tuan), actor=world.tuan)


def test_a_deadline_before_the_stage_it_follows_is_refused_under_its_field(
    world: Any, framework: Framework, block: Block
) -> None:
    page = logged_in(world, "tuan").post(
        "/rounds/open/", form_data(block, framework, self_assessment=day(30), approval=day(20))
    )
    assert page.status_code == 200
    html = page.content.decode()
    message = (
        f"Hạn lãnh đạo phê duyệt ({vi(day(20))}) sớm hơn hạn tự đánh giá ({vi(day(30))}): "
        "mỗi hạn phải trùng hoặc sau hạn của bước trước."
    )
    assert f'id="id_approval_due_errors">{message}' in html
    assert 'aria-describedby="id_approval_due_errors"' in html
    assert not Round.objects.exists()


def test_past_deadlines_are_named_and_open_only_once_confirmed(
    world: Any, framework: Framework, block: Block
) -> None:
    client = logged_in(world, "tuan")
    data = form_data(block, framework, self_assessment=day(-30), approval=day(-20))
    page = client.post("/rounds/open/", data)
    html = page.content.decode()
    assert f"Đã qua (hôm nay là {vi(TODAY)}): Hạn tự đánh giá {vi(day(-30))}, " in html
    assert f"Hạn lãnh đạo phê duyệt {vi(day(-20))}. Mọi bài nộp sẽ bị tính là trễ hạn" in html
    assert 'name="confirm_past"' in html and "Vẫn mở đợt đánh giá dù một số hạn đã qua" in html
    assert not Round.objects.exists()
    opened = client.post("/rounds/open/", {**data, "confirm_past": "on"})
    rnd = Round.objects.get()
    assert opened.status_code == 302 and opened["Location"] == f"/rounds/{rnd.pk}/"
    assert rnd.self_assessment_due == day(-30)


def test_the_form_does_not_offer_future_deadlines_a_confirmation(
    world: Any, framework: Framework, block: Block
) -> None:
    html = logged_in(world, "tuan").get("/rounds/open/").content.decode()
    assert 'name="confirm_past"' not in html


def test_a_service_index_framework_is_neither_offered_nor_accepted(
    world: Any, framework: Framework, block: Block
) -> None:
    service = other_framework(
        world, kind="service_index", title="Bộ chỉ số phục vụ người dân, doanh nghiệp 2024"
    )
    client = logged_in(world, "tuan")
    html = client.get("/rounds/open/").content.decode()
    assert "Bộ chỉ số thử nghiệm đợt đánh giá 2024" in html
    assert "Bộ chỉ số phục vụ người dân, doanh nghiệp 2024" not in html
    page = client.post("/rounds/open/", form_data(block, service))
    assert (
        "Hãy chọn trong danh sách một bộ chỉ số cải cách hành chính (PAR) đã ban hành."
        in page.content.decode()
    )
    with pytest.raises(a.StateError) as refused:
        a.open_round(block, service, deadlines(), actor=world.tuan)
    assert str(refused.value) == (
        "Bộ chỉ số phục vụ người dân, doanh nghiệp 2024 là bộ chỉ số loại «Bộ chỉ số phục vụ "
        "người dân, doanh nghiệp (Quyết định 766)»: đợt đánh giá cần bộ chỉ số cải cách hành "
        "chính (PAR)."
    )
    assert not Round.objects.exists()


def test_a_framework_with_nothing_to_self_assess_is_refused(
    world: Any, framework: Framework, block: Block
) -> None:
    metric = {
        "code": "3.2",
        "title": "Hồ sơ đúng hạn",
        "max_points": 10,
        "rule": {"type": "metric", "metric": "dossier.on_time_rate"},
    }
    only_data = other_framework(
        world,
        title="Bộ chỉ số chỉ tính từ số liệu",
        nodes=[{"code": "1", "title": "Số liệu", "max_points": 10, "children": [metric]}],
    )
    page = logged_in(world, "tuan").post("/rounds/open/", form_data(block, only_data))
    assert (
        "Bộ chỉ số chỉ tính từ số liệu không có mục nào để các cơ quan của Khối sở, ban, ngành "
        "tự nhập: mọi mục đều được tính từ số liệu, nên không có gì để tự đánh giá."
    ) in page.content.decode()
    assert not Round.objects.exists()


def _api_post(world: Any, fw: Framework, body: dict[str, Any]) -> Any:
    client = Client(enforce_csrf_checks=False)
    client.force_login(world.tuan)
    return client.post(
        "/api/blocks/2024/so-ban-nganh/rounds",
        {"framework_id": fw.pk, **body},
        content_type="application/json",
    )


def test_the_api_makes_the_same_checks(world: Any, framework: Framework, block: Block) -> None:
    def dates(**changes: datetime.date) -> dict[str, str]:
        return {k: v.isoformat() for k, v in deadlines(**changes).items()}

    wrong_order = _api_post(world, framework, {"deadlines": dates(appraisal_1=day(10))})
    assert wrong_order.status_code == 422
    assert wrong_order.json()["detail"].startswith(
        f"Hạn thẩm định lần 1 ({vi(day(10))}) sớm hơn hạn lãnh đạo phê duyệt ({vi(day(14))})"
    )
    past = _api_post(world, framework, {"deadlines": dates(self_assessment=day(-1))})
    assert past.status_code == 422
    assert f"Hạn tự đánh giá {vi(day(-1))}" in past.json()["detail"]
    assert not Round.objects.exists()
    confirmed = _api_post(
        world,
        framework,
        {"deadlines": dates(self_assessment=day(-1)), "allow_past_deadlines": True},
    )
    assert confirmed.status_code == 201
    assert Round.objects.get().self_assessment_due == day(-1)


# Correcting an open round's deadlines.


def new_dates(rnd: Round, **changes: datetime.date) -> dict[str, str]:
    dates = {f"{k}_due": vi(getattr(rnd, f"{k}_due")) for k in deadlines()}
    dates.update({f"{k}_due": vi(v) for k, v in changes.items()})
    return dates


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_reform_office_corrects_deadlines(world: Any, rnd: Round, persona: str) -> None:
    url = f"/rounds/{rnd.pk}/deadlines/"
    client = logged_in(world, persona)
    get = client.get(url)
    post = client.post(url, {**new_dates(rnd, council=day(100)), "reason": "Gõ nhầm"})
    expected = 200 if persona == "tuan" else 403
    assert get.status_code == expected
    assert post.status_code == (302 if persona == "tuan" else 403)
    rnd.refresh_from_db()
    assert (rnd.council_due == day(100)) is (persona == "tuan")


def test_the_office_corrects_a_deadline_and_the_audit_says_old_and_new(
    world: Any, rnd: Round
) -> None:
    client = logged_in(world, "tuan")
    detail = client.get(f"/rounds/{rnd.pk}/").content.decode()
    assert f'href="/rounds/{rnd.pk}/deadlines/"' in detail and "Điều chỉnh thời hạn" in detail
    form = client.get(f"/rounds/{rnd.pk}/deadlines/").content.decode()
    assert f'value="{vi(rnd.approval_due)}"' in form
    old = rnd.approval_due
    response = client.post(
        f"/rounds/{rnd.pk}/deadlines/",
        {**new_dates(rnd, approval=day(10)), "reason": "Gõ nhầm ngày khi mở đợt"},
        follow=True,
    )
    page = response.content.decode()
    assert f"Đã thay đổi thời hạn: Hạn lãnh đạo phê duyệt {vi(old)} → {vi(day(10))}." in page
    rnd.refresh_from_db()
    assert rnd.approval_due == day(10)
    event = AuditEvent.objects.get(action="assessments.round.deadlines_changed")
    assert event.reason == "Gõ nhầm ngày khi mở đợt" and event.actor == world.tuan
    assert event.data == {"approval": [old.isoformat(), day(10).isoformat()]}


def test_a_correction_out_of_order_or_without_reason_changes_nothing(
    world: Any, rnd: Round
) -> None:
    client = logged_in(world, "tuan")
    url = f"/rounds/{rnd.pk}/deadlines/"
    page = client.post(url, {**new_dates(rnd, council=day(1)), "reason": "x"}).content.decode()
    assert 'id="id_council_due_errors">Hạn hội đồng thẩm định' in page
    no_reason = client.post(url, {**new_dates(rnd, council=day(100)), "reason": " "})
    assert no_reason.status_code == 200
    assert Round.objects.get().council_due == rnd.council_due
    assert not AuditEvent.objects.filter(action="assessments.round.deadlines_changed").exists()


def test_moving_the_self_assessment_deadline_judges_a_submission_again(
    world: Any, framework: Framework, block: Block
) -> None:
    """Sở Tư pháp submitted today against a deadline of yesterday (late); the office finds the
    deadline was typed a week too early and moves it: the submission is on time."""
    from tests.assessments.test_deadlines import fill_and_submit

    overdue = a.open_round(block, framework, deadlines(self_assessment=day(-1)), actor=world.tuan)
    stp = fill_and_submit(world, Assessment.objects.get(round=overdue, agency=world.stp))
    assert stp.late is True
    a.change_deadlines(
        overdue,
        {**deadlines(self_assessment=day(6))},
        reason="Hạn đúng là tuần sau",
        actor=world.tuan,
    )
    stp.refresh_from_db()
    assert stp.late is False
    event = AuditEvent.objects.get(action="assessments.round.deadlines_changed")
    assert event.data["late"] == {"stp": [True, False]}
