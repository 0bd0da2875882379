"""The demo's dossiers name their applicants, so the demo campaign can draw its sample from
them: the draw page shows N > 0 and people to draw, and the keying screen opens on the
paper questionnaire."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from chiso.demo.build import DEMO_PASSWORD, _agencies, _agency_types, _users
from chiso.dossiers.demo import build_dossiers
from chiso.surveys.demo import build_surveys


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def test_the_demo_campaign_draws_from_the_demo_applicants(db: Any) -> None:
    _users(_agencies(_agency_types()))
    build_dossiers(lambda _: None)
    campaign = build_surveys(lambda _: None)
    page = (
        _client("tuan")
        .get(
            f"/surveys/{campaign.pk}/draw-dossiers/",
            {"period_first": "01/01/2024", "period_last": "31/12/2024"},
        )
        .content.decode()
    )
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr>")[1:]
    population = {
        tuple(re.findall(r"<td>([^<]*)</td>", row)[:2]): int(
            re.findall(r'class="num">(\d+)', row)[0]
        )
        for row in rows
    }
    by_agency: dict[str, int] = {}
    for (agency, _group), n in population.items():
        by_agency[agency] = by_agency.get(agency, 0) + n
    # Sở Tư pháp (criminal records) and Sở KH&ĐT (business registration): thousands each.
    assert by_agency["Sở Tư pháp"] > 1000
    assert by_agency["Sở Kế hoạch và Đầu tư"] > 1000
    assert 'name="csrfmiddlewaretoken"' in page  # something to draw: the draw button is there
    entry = _client("mai").get(f"/surveys/{campaign.pk}/entry/").content.decode()
    paper = campaign.invitations.filter(channel="paper").first().questionnaire
    assert f'<option value="{paper.pk}" selected>' in entry
