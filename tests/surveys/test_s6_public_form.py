"""Review s6, L5/L6: the public questionnaire asks the respondent's group once, and its focus
ring is visible (WCAG 2.2 SC 1.4.11 non-text contrast: at least 3:1)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from chiso.surveys.models import Response
from chiso.surveys.spec import SpecError, parse_questionnaire
from tests.assessments.office_world import client_for
from tests.surveys.conftest import invite

GROUP_QUESTION = "Ông/bà trả lời phiếu này với tư cách"
CSS = Path(__file__).resolve().parents[2] / "chiso/surveys/static/surveys/form.css"
# The backgrounds a focused control of the form sits on: fieldsets and the page.
BACKGROUNDS = ("#ffffff", "#f6f7f9")


def luminance(colour: str) -> float:
    """Relative luminance of "#rrggbb" or "rgb(r, g, b)" (WCAG 2.2 definition)."""
    if colour.startswith("#"):
        channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [int(c) for c in re.findall(r"\d+", colour)[:3]]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (x / 255 for x in channels)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def start_on_the_open_link(world: Any, campaign: Any, group: str) -> tuple[Client, str]:
    client = Client()
    url = f"/khao-sat/mo/{campaign.open_code}/"
    token = client.get(url).context["captcha_token"]
    answer = signing.loads(token, salt="chiso.surveys.captcha")
    started = client.post(
        url,
        {"agency": world.stp.pk, "group": group, "captcha": str(answer), "captcha_token": token},
    )
    assert started.status_code == 302
    return client, started["Location"]


def test_the_open_link_asks_the_group_once_and_fills_the_questionnaires_answer(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "organisation")
    page = client.get(form).content.decode()
    assert "Phần 1 / 7" in page
    assert GROUP_QUESTION not in page  # asked on the first page already
    # Even a forged contradicting answer cannot give the response two groups.
    saved = client.post(
        form, {"section": "0", "doi_tuong": "1", "kenh_nop": "2", "so_lan_di_lai": "1"}
    )
    assert saved.status_code == 302
    response = Response.objects.get()
    assert response.group == "organisation"
    assert response.answers["doi_tuong"] == 2  # "Đại diện tổ chức, doanh nghiệp"


def test_an_invited_citizen_is_not_asked_either(world: Any, campaign: Any) -> None:
    invitation = invite(world, campaign, "online")
    page = Client().get(f"/khao-sat/{invitation.token}/").content.decode()
    assert "Ông/bà nộp hồ sơ bằng cách nào?" in page and GROUP_QUESTION not in page


def test_the_office_preview_still_shows_the_whole_questionnaire(world: Any, campaign: Any) -> None:
    url = reverse("surveys:questionnaire_preview", args=[campaign.open_questionnaire.pk])
    page = client_for(world.tuan).get(url).content.decode()
    assert GROUP_QUESTION in page


def test_an_option_naming_an_unknown_group_is_refused_in_vietnamese() -> None:
    doc = {
        "code": "thu",
        "version": 1,
        "title": "Phiếu thử",
        "sections": [
            {
                "code": "a",
                "title": "Phần A",
                "questions": [
                    {
                        "code": "tu_cach",
                        "type": "single",
                        "text": "Tư cách",
                        "options": [
                            {"value": 1, "text": "Cá nhân", "group": "nguoi_dan"},
                            {"value": 2, "text": "Tổ chức", "group": "organisation"},
                        ],
                    }
                ],
            }
        ],
    }
    with pytest.raises(SpecError) as caught:
        parse_questionnaire(doc)
    assert any(
        "phương án 1: «group» phải là một trong citizen, organisation" in m
        for m in caught.value.messages
    )


def test_the_focus_ring_colour_has_3_to_1_contrast_on_every_background() -> None:
    rule = re.search(
        r":focus-visible\s*\{[^}]*outline:\s*\d+px solid (#[0-9a-fA-F]{6})", CSS.read_text()
    )
    assert rule is not None
    for background in BACKGROUNDS:
        assert contrast(rule[1], background) >= 3, background


@pytest.mark.browser
def test_a_keyboard_user_sees_where_the_focus_is(
    page: Any, transactional_db: Any, live_server: Any, world: Any, campaign: Any
) -> None:
    from tests.surveys.test_browser import shot

    invitation = invite(world, campaign, "online")
    page.set_viewport_size({"width": 360, "height": 640})
    page.goto(f"{live_server.url}/khao-sat/{invitation.token}/")
    radio = page.get_by_label("Trực tuyến trên Cổng Dịch vụ công")
    radio.focus()
    page.keyboard.press("Space")  # keyboard use: the ring is drawn for :focus-visible
    ring = radio.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth,"
        " s.outlineColor, getComputedStyle(el.closest('fieldset')).backgroundColor]; }"
    )
    style, width, colour, fieldset = ring
    assert style == "solid" and float(width.removesuffix("px")) >= 2
    assert contrast(colour, fieldset) >= 3 and contrast(colour, "#f6f7f9") >= 3
    shot(page, "survey-focus-ring")
