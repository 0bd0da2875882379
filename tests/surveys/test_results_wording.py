"""The survey results page names each question by its text, in the page's language, with the
code only as a small secondary label; sections and options follow the language too."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.test import Client

from tests.surveys.test_views import _answered


def results(user: Any, campaign: Any, lang: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = client.get(f"/surveys/{campaign.pk}/results/")
    assert response.status_code == 200
    return response.content.decode()


def question_cell(html: str, code: str) -> str:
    """The table cell that names the question ``code``."""
    return html.split(code)[0].rsplit("<td>", 1)[1] + code


def test_hanh_reads_the_question_text_first_and_the_code_as_a_small_label(
    world: Any, campaign: Any
) -> None:
    for i in range(2):
        _answered(campaign, world.stp, "4", f"10.0.0.{i}")

    html = results(world.hanh, campaign, "vi")

    cell = question_cell(html, "tc_noi_lam_viec")
    assert cell.startswith("Nơi tiếp nhận hồ sơ dễ tìm, có chỗ ngồi chờ và đủ tiện nghi <small")
    assert "<code>tc_noi_lam_viec</code>" not in html


def test_the_english_page_shows_the_english_wording(world: Any, campaign: Any) -> None:
    for i in range(2):
        _answered(campaign, world.stp, "4", f"10.0.0.{i}")

    html = results(world.hanh, campaign, "en")

    assert question_cell(html, "tc_noi_lam_viec").startswith(
        "The place where applications are received is easy to find, with seating and facilities"
    )
    assert "Access to the service" in html  # a section (element) heading
    assert "Expectations: What should the agency improve first? (choose up to 3)" in html
    assert "Fewer papers, simpler procedures" in html  # an option of the ranking
    assert "Nơi tiếp nhận hồ sơ dễ tìm" not in html
