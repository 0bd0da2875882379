"""The late list and the pages that count late dossiers agree: the dashboard, field and agency
pages count dossiers *settled* late; their counts open the list filtered on that state, so the
number clicked is the number of rows. By default the list keeps settled and open-overdue
dossiers, with the two counts at the top and a state column."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest

from chiso.dossiers.ingest import ingest_records
from tests.dossiers.helpers import make_procedures, record
from tests.dossiers.test_late_filters import LATE, client_for

SETTLED_LATE = "Đã giải quyết trễ hạn"
OPEN_OVERDUE = "Đang xử lý, đã quá hạn"


@pytest.fixture
def data(world: Any) -> Any:
    make_procedures()
    ingest_records(
        [
            record("STP-LATE", **LATE),
            record("SXD-LATE", DonViXuLy="sxd", **LATE),
            # Still open in 2026, due 11/01/2024: overdue, not settled.
            record("STP-OPEN", NgayKetThucXuLy="", TrangThaiHoSo=4),
            record("STP-OK"),
        ]
    )
    return world


def html_of(user: Any, url: str) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200, url
    return unescape(response.content.decode())


def listed(html: str) -> list[str]:
    return sorted(re.findall(r'<a href="/dossiers/d/([^/"]+)/">', html))


def late_links(html: str) -> dict[str, str]:
    """The late-list links of a page whose text is a number: {href: number}."""
    return dict(re.findall(r'<a href="(/dossiers/late/\?[^"]+)"[^>]*>(\d+)</a>', html))


def test_by_default_both_states_are_listed_and_counted_apart(data: Any) -> None:
    html = html_of(data.tuan, "/dossiers/late/?period=2024")

    assert listed(html) == ["STP-LATE", "STP-OPEN", "SXD-LATE"]
    states = html.split('id="late-states"')[1].split("</ul>")[0]
    assert f"{SETTLED_LATE}: 2" in states and f"{OPEN_OVERDUE}: 1" in states
    row = html.split("/dossiers/d/STP-OPEN/")[1].split("</tr>")[0]
    assert OPEN_OVERDUE in row and SETTLED_LATE not in row
    assert SETTLED_LATE in html.split("/dossiers/d/STP-LATE/")[1].split("</tr>")[0]


@pytest.mark.parametrize(
    ("state", "codes"), [("settled", ["STP-LATE", "SXD-LATE"]), ("open", ["STP-OPEN"])]
)
def test_the_state_filter_keeps_one_state_shown_as_a_chip(
    data: Any, state: str, codes: list[str]
) -> None:
    html = html_of(data.tuan, f"/dossiers/late/?period=2024&state={state}")

    assert listed(html) == codes
    chips = html.split('aria-label="Bộ lọc đang dùng"')[1].split("</ul>")[0]
    label = SETTLED_LATE if state == "settled" else OPEN_OVERDUE
    assert label in chips and 'href="?period=2024"' in chips  # clears the state
    assert f'<option value="{state}" selected>' in html


def test_an_unknown_state_is_dropped_with_a_message(data: Any) -> None:
    response = client_for(data.tuan).get("/dossiers/late/?period=2024&state=lost")

    assert response.status_code == 400
    assert listed(response.content.decode()) == ["STP-LATE", "STP-OPEN", "SXD-LATE"]


@pytest.mark.parametrize(
    "url",
    [
        "/dossiers/?period=2024",
        "/dossiers/fields/DDAI/?period=2024",
        "/dossiers/agency/stp/?period=2024",
    ],
)
def test_each_count_of_late_dossiers_opens_as_many_rows(data: Any, url: str) -> None:
    links = late_links(html_of(data.tuan, url))

    # The counts read from the rollups (settled outcomes) open the settled-late list; the
    # delay causes, counted over every late dossier, open the default list.
    assert any("state=settled" in href for href in links), url
    for href, number in links.items():
        assert len(listed(html_of(data.tuan, href))) == int(number), (url, href)
