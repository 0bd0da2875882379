"""Units of framework items ("ngày", "người") are stored as the official texts write them and
shown in the page's language: an English page asks for the "Number of days", not "ngày"."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from chiso.assessments.actions import open_round
from chiso.assessments.models import Assessment
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.frameworks.describe import describe_rule, unit_label
from chiso.frameworks.models import Framework
from chiso.org.models import Block
from tests.assessments.conftest import deadlines, tiny_framework

# Item 2.1 measured in days: the plan issued on time, or within 15 days late for half the point.
DAYS_RULE = {
    "type": "tiered",
    "unit": "ngày",
    "bands": [
        {"lte": Decimal(0), "points": Decimal(2)},
        {"lte": Decimal(15), "points": Decimal(1)},
        {"points": Decimal(0)},
    ],
}


@pytest.fixture
def days_framework(world: Any) -> Framework:
    data = tiny_framework()
    data["nodes"][1]["children"][0] = {
        "code": "2.1",
        "title": "Ban hành kế hoạch đúng hạn",
        "max_points": Decimal(2),
        "rule": DAYS_RULE,
    }
    return publish_framework(import_framework(data, actor=world.tuan), actor=world.tuan)


def client_in(user: Any, lang: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def test_lan_is_asked_for_a_number_of_days_in_english_and_so_ngay_in_vietnamese(
    world: Any, days_framework: Framework, block: Block
) -> None:
    rnd = open_round(block, days_framework, deadlines(), actor=world.tuan)
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    url = reverse("assessments:assessment", args=[stp.pk])

    english = client_in(world.lan, "en").get(url).content.decode()
    vietnamese = client_in(world.lan, "vi").get(url).content.decode()

    assert "Number of days" in english and "Number of ngày" not in english
    assert "≤ 15 days → 1 point" in english
    assert "Số ngày" in vietnamese and "≤ 15 ngày → 1 điểm" in vietnamese


def test_the_framework_page_in_english_writes_the_bands_in_days(
    world: Any, days_framework: Framework
) -> None:
    url = reverse("frameworks:detail", args=[days_framework.pk])

    html = client_in(world.tuan, "en").get(url).content.decode()

    assert "≤ 0 days → 2 points; ≤ 15 days → 1 point; otherwise → 0 points" in html
    assert "15 ngày" not in html


def test_known_units_are_translated_and_others_kept_as_written() -> None:
    assert unit_label("người", "en") == "people"
    assert unit_label("ngày", "vi") == "ngày"
    assert unit_label("%", "en") == "%"
    assert unit_label("bản", "en") == "bản"  # no translation known: shown as the framework says
    assert describe_rule(DAYS_RULE, 2, "vi").startswith("Bậc: ≤ 0 ngày → 2 điểm")
