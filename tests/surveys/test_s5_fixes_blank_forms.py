"""Paper keying refuses a form keyed without any answer, and asks the operator to confirm a
form blank for more than half of its questions before saving it (review s5, M1 and L5): a
stray Enter after the form number, or answers typed into the wrong boxes, must not become a
keying that the second operator can repeat."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.surveys.actions import MostlyBlank, SurveyError, key_form
from tests.conftest import PASSWORD
from tests.surveys.conftest import sipas_answers


@pytest.fixture
def mai(world: Any) -> Client:
    client = Client()
    assert client.login(username="mai", password=PASSWORD)
    return client


def _post(client: Client, campaign: Any, world: Any, form: Any, **answers: str) -> Any:
    data = {
        "agency": world.stp.pk,
        "questionnaire": campaign.open_questionnaire.pk,
        "form_number": form.form_number,
        **answers,
    }
    return client.post(f"/surveys/{campaign.pk}/entry/", data, follow=True)


def test_a_form_with_no_answer_is_refused_and_nothing_is_saved(
    world: Any, campaign: Any, form: Any, mai: Client
) -> None:
    page = _post(mai, campaign, world, form)

    assert page.status_code == 400
    assert (
        f"Phiếu {form.form_number} chưa có câu trả lời nào: chưa lưu gì." in page.content.decode()
    )
    assert not form.entries.exists()
    assert not AuditEvent.objects.filter(action="surveys.paper.keyed").exists()


def test_a_mostly_blank_form_is_saved_only_after_the_operator_confirms(
    world: Any, campaign: Any, form: Any, mai: Client
) -> None:
    answers = {"doi_tuong": "1", "kenh_nop": "2", "tc_noi_lam_viec": "4"}

    asked = _post(mai, campaign, world, form, **answers)

    text = asked.content.decode()
    assert asked.status_code == 200
    assert "17 trên 20 câu hỏi đang để trống. Hãy xem lại phiếu giấy" in text
    assert 'name="confirm_blanks" value="1" autofocus' in text
    assert 'value="4"' in text  # what was keyed is still in the boxes
    assert not form.entries.exists()

    saved = _post(mai, campaign, world, form, confirm_blanks="1", **answers)

    assert f"Đã lưu phiếu {form.form_number}; phiếu chờ lần nhập thứ hai." in (
        saved.content.decode()
    )
    assert form.entries.get().answers == {"doi_tuong": 1, "kenh_nop": 2, "tc_noi_lam_viec": 4}


def test_a_form_with_most_answers_keyed_needs_no_confirmation(
    world: Any, campaign: Any, form: Any, mai: Client
) -> None:
    answers = sipas_answers()
    answers.pop("can_cai_thien")
    saved = _post(mai, campaign, world, form, **answers)

    assert f"Đã lưu phiếu {form.form_number}; phiếu chờ lần nhập thứ hai." in (
        saved.content.decode()
    )
    assert form.entries.count() == 1


def test_the_action_itself_refuses_without_the_confirmation(
    world: Any, campaign: Any, form: Any
) -> None:
    number = form.form_number
    with pytest.raises(SurveyError, match="chưa có câu trả lời nào"):
        key_form(
            campaign, actor=world.mai, agency=world.stp, number=number, raw={"y_kien_khac": ""}
        )
    with pytest.raises(MostlyBlank) as refused:
        key_form(campaign, actor=world.mai, agency=world.stp, number=number, raw={"tt_phi": "3"})
    assert (refused.value.blank, refused.value.asked) == (19, 20)
    assert not form.entries.exists()


@pytest.mark.browser
def test_mai_confirms_a_mostly_blank_form_with_the_keyboard(
    page: Any, transactional_db: Any, live_server: Any, world: Any, campaign: Any
) -> None:
    from playwright.sync_api import expect

    from tests.surveys.test_browser import open_paper_entry, shot

    form = open_paper_entry(page, str(live_server.url), world, campaign)
    page.get_by_label("Số phiếu (Sở Tư pháp)").fill(form.form_number)
    page.keyboard.press("Tab")
    page.keyboard.type("1")
    page.keyboard.press("Enter")  # one answer of 20: the page asks first

    confirm = page.get_by_role("button", name="Lưu phiếu với các câu để trống này")
    expect(confirm).to_be_focused()
    expect(page.locator("#blanks")).to_contain_text("19 trên 20 câu hỏi đang để trống")
    shot(page, "survey-keying-blanks")
    assert not form.entries.exists()
    page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text(
        f"Đã lưu phiếu {form.form_number}; phiếu chờ lần nhập thứ hai."
    )
    assert form.entries.get().answers == {"doi_tuong": 1}
