"""Session 7: the council page says how its items are ordered, by the difference in the points
the two values give (chiso.assessments.queries.disagreements), not by the gap of the values."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from chiso.assessments.models import Round
from tests.assessments.office_world import client_for


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("vi", "mục chênh lệch về điểm lớn nhất ở trên (mục không tính được điểm xếp cuối)"),
        ("en", "the largest difference in the points they give first"),
    ],
)
def test_the_council_intro_says_the_points_order(
    world: Any, rnd: Round, lang: str, said: str
) -> None:
    client = client_for(world.tuan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang

    html = client.get(reverse("assessments:council", args=[rnd.pk])).content.decode()

    assert said in html
    assert "largest gap first" not in html and "chênh lệch lớn nhất ở trên" not in html
