"""The petitions page and API count every column on one time basis (the period's end, shown
as "as of dd/mm/yyyy"), refuse the years the page refuses, give no rate for an empty
selection, and name a binary upload for what it is."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chiso.dossiers.models import Petition
from chiso.dossiers.petitions import import_petitions
from tests.dossiers.test_petitions import HEADER
from tests.dossiers.test_petitions_page import API, PAGE, client_for, row

# Sở Tư pháp, January 2024: L1 answered and rated in January; L2 answered in February and
# rated 5 (on time: due 28/02); L3 unanswered.
LATE_ANSWERS = HEADER + (
    "L1,stp,02/01/2024 09:00,23/01/2024 17:00,10/01/2024 10:00,có,2,portal\n"
    "L2,stp,20/01/2024 09:00,28/02/2024 17:00,05/02/2024 10:00,có,5,portal\n"
    "L3,stp,22/01/2024 09:00,28/02/2024 17:00,,,,portal\n"
)


@pytest.fixture
def answered_later(world: Any) -> Any:
    report = import_petitions(LATE_ANSWERS.encode(), actor=world.tuan, filename="p.csv")
    assert report.ok, report.problems
    return world


def test_a_petition_answered_after_the_period_is_neither_answered_nor_rated(
    answered_later: Any,
) -> None:
    html = client_for(answered_later.tuan).get(PAGE, {"period": "01/2024"}).content.decode()

    received, answered, on_time, overdue, rated, satisfied, _on_time_rate, rate = row(
        html, "Sở Tư pháp"
    )
    assert (received, answered, on_time, overdue, rated, satisfied) == (
        "3",
        "1",
        "1",
        "0",
        "1",
        "0",
    )
    assert int(rated) <= int(answered)
    # The score card's rate counts every rating known today: L1 (2) and L2 (5).
    assert rate == "50,00"
    assert "đến ngày 31/01/2024" in html  # the basis of the columns, in the headers


def test_the_api_counts_on_the_same_basis(answered_later: Any) -> None:
    body = client_for(answered_later.tuan).get(API, {"period": "2024-01"}).json()

    (stp,) = body["agencies"]
    assert (stp["answered"], stp["rated"], stp["satisfied"]) == (1, 1, 0)
    assert body["total"]["rated"] == 1


def test_in_february_the_late_answer_is_counted(answered_later: Any) -> None:
    body = client_for(answered_later.tuan).get(API, {"period": "2024-Q1"}).json()

    (stp,) = body["agencies"]
    assert (stp["answered"], stp["rated"], stp["satisfied"]) == (2, 2, 1)


@pytest.mark.parametrize("period", ["1900", "2014", "2099", "2036-12"])
def test_the_api_refuses_years_outside_the_working_calendar_as_the_page(
    answered_later: Any, period: str
) -> None:
    client = client_for(answered_later.tuan)
    response = client.get(API, {"period": period})

    year = period[:4]
    message = f"Năm {year} nằm ngoài lịch làm việc: chỉ xem được hồ sơ từ năm 2015 đến năm 2035."
    assert response.status_code == 422
    assert response.json()["detail"] == message
    assert response.json()["errors"][0]["loc"] == ["query", "period"]
    page = client.get(PAGE, {"period": period})
    assert page.status_code == 400 and message in page.content.decode()


@pytest.mark.parametrize(("user", "agency"), [("lan", "sxd"), ("tuan", "nope")])
def test_an_empty_selection_has_no_rates(answered_later: Any, user: str, agency: str) -> None:
    client = client_for(getattr(answered_later, user))

    body = client.get(API, {"period": "2024-01", "agency": agency}).json()

    assert body["agencies"] == []
    assert body["total"]["received"] == 0
    assert (body["total"]["on_time_rate"], body["total"]["satisfaction_rate"]) == (None, None)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
        ("x.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        ("x.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),  # renamed: the content decides
    ],
)
def test_a_binary_upload_is_named_as_no_table_and_nothing_is_written(
    world: Any, name: str, content: bytes
) -> None:
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")

    response = client_for(world.tuan).post(f"{PAGE}import/", {"file": upload})

    html = response.content.decode()
    assert response.status_code == 400
    assert "không phải tệp XLSX, CSV, JSON hay JSON Lines" in html
    assert "UTF-8" not in html.split('id="h-import"')[1]
    assert not Petition.objects.exists()
