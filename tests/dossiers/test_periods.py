"""Periods as people type them on the dossier pages: natural Vietnamese forms are read, a
period outside the working calendar or a malformed one gives the page with a Vietnamese message
(status 400), never a server error or a bare 404; counts are grouped the Vietnamese way."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import DailyRollup
from chiso.dossiers.periods import normalise
from chiso.dossiers.rollups import rebuild_monthly
from chiso.org.models import Agency
from tests.conftest import PASSWORD
from tests.dossiers.helpers import make_procedures, record


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("2024", "2024"),
        (" 2024 ", "2024"),
        ("11/2024", "2024-11"),
        ("1/2024", "2024-01"),
        ("T11/2024", "2024-11"),
        ("Tháng 11/2024", "2024-11"),
        ("2024-11", "2024-11"),
        ("2024/11", "2024-11"),
        ("Q4/2024", "2024-Q4"),
        ("q4-2024", "2024-Q4"),
        ("2024-q4", "2024-Q4"),
        ("2024-Q4", "2024-Q4"),
        ("Quý 4/2024", "2024-Q4"),
        ("quý IV/2024", "2024-Q4"),
        ("Quy 2 2024", "2024-Q2"),
        ("abc", None),
        ("13/2024", None),
        ("Q5/2024", None),
        ("", None),
    ],
)
def test_natural_period_forms_are_read(typed: str, canonical: str | None) -> None:
    assert normalise(typed) == canonical


@pytest.fixture
def data(world: Any) -> Any:
    make_procedures()
    ingest_records(
        [
            record("STP-1"),
            record("STP-NOV", NgayTiepNhan="20241111090000", NgayHenTra="20241114090000")
            | {"NgayKetThucXuLy": "20241112090000"},
        ]
    )
    return world


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.mark.parametrize(
    "url",
    [
        "/dossiers/?period=2014",
        "/dossiers/?period=1900",
        "/dossiers/agency/stp/?period=2014",
        "/dossiers/fields/DDAI/?period=2014",
        "/dossiers/late/?period=1900",
    ],
)
def test_a_year_outside_the_calendar_is_explained_not_a_server_error(data: Any, url: str) -> None:
    response = client_for(data.tuan).get(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "ngoài lịch làm việc" in page and "2015" in page and "2035" in page
    assert 'aria-invalid="true"' in page  # the period field is marked, with the typed value
    assert "Đang hiển thị 2024" in page  # the default year is shown instead


@pytest.mark.parametrize(
    "url",
    [
        "/dossiers/?period=abc",
        "/dossiers/late/?period=abc",
        "/dossiers/inputs/?period=abc",
        "/dossiers/agency/stp/?period=13/2024",
    ],
)
def test_a_malformed_period_names_the_accepted_forms(data: Any, url: str) -> None:
    response = client_for(data.tuan).get(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "không phải là một kỳ" in page
    assert "Q4/2024" in page and "11/2024" in page and "Quý 4/2024" in page


@pytest.mark.parametrize(
    ("typed", "label", "shown"),
    [
        ("11/2024", "2024-11", "11/2024"),
        ("Q4/2024", "2024-Q4", "Quý 4/2024"),
        ("2024-q4", "2024-Q4", "Quý 4/2024"),
        ("Quý 4/2024", "2024-Q4", "Quý 4/2024"),
    ],
)
def test_natural_periods_open_the_dashboard_for_that_period(
    data: Any, typed: str, label: str, shown: str
) -> None:
    response = client_for(data.tuan).get("/dossiers/", {"period": typed})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{shown}"' in page  # the period field shows it as people write it
    assert f"late/?period={label}" in page  # and the links carry the canonical form


def test_natural_periods_work_on_the_late_list_and_inputs(data: Any) -> None:
    c = client_for(data.tuan)
    assert c.get("/dossiers/late/", {"period": "Quý 4/2024"}).status_code == 200
    inputs = c.get("/dossiers/inputs/", {"period": "11/2024"})
    assert inputs.status_code == 200 and 'value="11/2024"' in inputs.content.decode()


def test_the_period_field_has_a_label_and_no_pattern_that_blocks_natural_input(data: Any) -> None:
    page = client_for(data.tuan).get("/dossiers/?period=2024").content.decode()
    assert '<label class="form-label small mb-0" for="period">' in page
    assert "pattern=" not in page.split('id="period"')[1].split(">")[0]


def test_the_dashboard_groups_thousands_the_vietnamese_way(world: Any) -> None:
    """A year with 24.000 dossiers: counts read 24.000, not 24000."""
    procedure = make_procedures()["land"]
    DailyRollup.objects.create(
        agency=Agency.objects.get(code="stp"),
        procedure=procedure,
        field_code=procedure.field_code,
        day=datetime.date(2024, 3, 4),
        received=24000,
        settled=24000,
        late=209,
        online=23791,
        digitised=3000,
    )
    rebuild_monthly()  # score cards read the monthly sums of the daily rows
    c = client_for(world.tuan)
    page = c.get("/dossiers/?period=2024").content.decode()
    assert "23.791 / 24.000" in page  # the online rate's count
    assert "3.000 / 24.000" in page  # digitised
    assert '<td class="num">24.000</td>' in page  # the agency ranking's dossiers received
    assert "24000" not in page and "23791" not in page
    agency_page = c.get("/dossiers/agency/stp/?period=2024").content.decode()
    assert "23.791 / 24.000" in agency_page and "24000" not in agency_page
    field_page = c.get("/dossiers/fields/DDAI/?period=2024").content.decode()
    assert "23.791 / 24.000" in field_page and "24000" not in field_page
