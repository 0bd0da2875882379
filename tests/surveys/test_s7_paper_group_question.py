"""Review s7, L5: in paper keying the question asking the respondent's group (SIPAS
``doi_tuong``) left blank is answered from the form's group on every keying, so two operators
never differ on it; a contradicting answer is refused with a banner saying so, not "cannot be
read"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chiso.surveys.actions import FieldErrors, MostlyBlank, SurveyError, key_form, reconcile_form
from chiso.surveys.models import PaperEntry, Response
from tests.conftest import PASSWORD
from tests.surveys.conftest import sipas_answers

CONTRADICTS = "Có câu trả lời trái với nhóm đối tượng của phiếu; xem câu được đánh dấu."
BOTH = (
    "Có câu trả lời không đọc được và có câu trả lời trái với nhóm đối tượng của phiếu; "
    "xem các câu được đánh dấu."
)


def keyed(world: Any, campaign: Any, form: Any, operator: Any, **overrides: Any) -> Any:
    return key_form(
        campaign,
        actor=operator,
        agency=world.stp,
        number=form.form_number,
        raw=sipas_answers(**overrides),
    )


def entry_page(world: Any, campaign: Any, form: Any, **answers: str) -> Any:
    client = Client()
    assert client.login(username="mai", password=PASSWORD)
    return client.post(
        f"/surveys/{campaign.pk}/entry/",
        {
            "agency": world.stp.pk,
            "questionnaire": campaign.open_questionnaire.pk,
            "form_number": form.form_number,
            **answers,
        },
    )


def test_one_operator_leaving_the_group_blank_and_one_keying_it_agree(
    world: Any, campaign: Any, form: Any, operator2: Any
) -> None:
    first = keyed(world, campaign, form, world.mai, doi_tuong="")
    second = keyed(world, campaign, form, operator2, doi_tuong="1")

    assert first.entry.answers["doi_tuong"] == 1
    assert second.state == "matched"
    assert Response.objects.get().answers["doi_tuong"] == 1


def test_both_leaving_it_blank_store_the_forms_group(
    world: Any, campaign: Any, form: Any, operator2: Any
) -> None:
    keyed(world, campaign, form, world.mai, doi_tuong="")
    assert keyed(world, campaign, form, operator2, doi_tuong=" ").state == "matched"
    response = Response.objects.get()
    assert (response.group, response.answers["doi_tuong"]) == ("citizen", 1)


def test_a_first_keying_stored_blank_before_still_matches(
    world: Any, campaign: Any, form: Any, operator2: Any
) -> None:
    """A keying saved before this change kept the blank: the second one is compared as if it had
    been filled, instead of sending the form to reconciliation over an answer the system knows."""
    old = keyed(world, campaign, form, world.mai).entry.answers
    old.pop("doi_tuong")
    PaperEntry.objects.filter(invitation=form).update(answers=old)

    assert keyed(world, campaign, form, operator2, doi_tuong="").state == "matched"
    assert Response.objects.get().answers["doi_tuong"] == 1


def test_the_filled_group_answer_is_no_answer_of_the_operator(
    world: Any, campaign: Any, form: Any
) -> None:
    """A stray Enter after the form number is still refused, and the blanks are counted as the
    operator left them on the page (19 of 20, the group question among them)."""
    with pytest.raises(SurveyError, match="chưa có câu trả lời nào"):
        key_form(campaign, actor=world.mai, agency=world.stp, number=form.form_number, raw={})
    with pytest.raises(MostlyBlank) as refused:
        key_form(
            campaign,
            actor=world.mai,
            agency=world.stp,
            number=form.form_number,
            raw={"tt_phi": "3"},
        )
    assert (refused.value.blank, refused.value.asked) == (19, 20)
    assert not form.entries.exists()


def test_reconciliation_fills_a_blank_group_answer(
    world: Any, campaign: Any, form: Any, operator2: Any
) -> None:
    keyed(world, campaign, form, world.mai)
    assert keyed(world, campaign, form, operator2, tt_phi="5").state == "mismatch"

    response = reconcile_form(form, actor=world.tuan, raw=sipas_answers(doi_tuong=""))

    assert response.answers["doi_tuong"] == 1


def test_a_contradiction_is_named_as_such_in_the_banner(
    world: Any, campaign: Any, form: Any
) -> None:
    page = entry_page(world, campaign, form, **sipas_answers(doi_tuong="2"))

    body = page.content.decode()
    assert page.status_code == 400
    assert CONTRADICTS in body and "không đọc được" not in body
    assert "trái với nhóm đối tượng của phiếu là người dân («Cá nhân»)" in body
    assert f'value="{form.form_number}"' in body  # what was keyed stays on the page
    assert not form.entries.exists()


def test_a_contradiction_with_an_unreadable_answer_names_both(
    world: Any, campaign: Any, form: Any
) -> None:
    with pytest.raises(FieldErrors) as refused:
        keyed(world, campaign, form, world.mai, doi_tuong="2", tt_phi="9")
    assert str(refused.value) == BOTH
    assert set(refused.value.errors) == {"doi_tuong", "tt_phi"}
    assert refused.value.errors["tt_phi"] == "không có phương án 9"


def test_the_page_says_a_blank_group_question_takes_the_forms_group(
    world: Any, campaign: Any
) -> None:
    client = Client()
    assert client.login(username="mai", password=PASSWORD)
    page = client.get(
        f"/surveys/{campaign.pk}/entry/",
        {"agency": world.stp.pk, "questionnaire": campaign.open_questionnaire.pk},
    )
    body = page.content.decode()
    hint = body.split('id="h_doi_tuong">', 1)[1].split("</td>", 1)[0]
    assert "1 Cá nhân" in hint
    assert "để trống: lấy nhóm đối tượng của phiếu, nếu có trong danh sách" in hint
    assert "để trống" not in body.split('id="h_kenh_nop">', 1)[1].split("</td>", 1)[0]
