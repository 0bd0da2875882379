"""``/rounds/``: the "Go to" column is never an empty cell; the reform office and viewers
find the round page there."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments.models import Round
from tests.assessments.test_rounds_index import page


def go_to_cells(html: str) -> list[list[str]]:
    """The text of the last cell of each body row (the "Go to" column)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [re.sub(r"<[^>]+>", " ", row.rsplit("<td>", 1)[1]).split() for row in rows]


@pytest.mark.parametrize("name", ["tuan", "hanh"])
def test_the_go_to_column_links_to_the_round_page(world: Any, rnd: Round, name: str) -> None:
    html = page(getattr(world, name))

    cells = go_to_cells(html)
    assert cells and all(cells), cells
    assert " ".join(cells[0]).startswith("Mở đợt đánh giá")
    link = f'<a href="{reverse("assessments:round", args=[rnd.pk])}">Mở đợt đánh giá'
    assert link in html
