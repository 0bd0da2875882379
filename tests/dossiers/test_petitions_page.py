"""The petitions page ``/dossiers/petitions/``, its import form and ``GET /api/dossiers/petitions``.

The petitions of January 2024 worked by hand in test_petitions.py (Sở Tư pháp: P1–P5 received,
P6 in February) and one of Sở Xây dựng. At the end of January Sở Tư pháp has received 5,
answered 3 (P1, P2, P5), 2 of them on time (P1, P5); P4 is overdue and unanswered (P3 is still
within time); 3 rated, 2 satisfied: on time 60,00 %, satisfied 66,67 %.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.dossiers.models import Petition
from chiso.dossiers.petitions import import_petitions
from tests.dossiers.test_petitions import HEADER, JANUARY

PAGE = "/dossiers/petitions/"
API = "/api/dossiers/petitions"
SXD_ROW = "S1,sxd,04/01/2024 09:00,20/01/2024 17:00,06/01/2024 10:00,có,5,portal\n"
# Province-wide roles and the agency roles read petitions; the others are refused.
STATUS = {"tuan": 200, "hanh": 200, "minh": 200, "lan": 200, "nam": 200, "mai": 403, "khach": 403}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def january(world: Any) -> Any:
    report = import_petitions((JANUARY + SXD_ROW).encode(), actor=world.tuan, filename="p.csv")
    assert report.ok, report.problems
    return world


def row(html: str, name: str) -> list[str]:
    """The cells of the agency's line of the counts table, as text."""
    table = html.split('id="petition-counts"')[1].split("</table>")[0]
    line = table.split(f">{name}</a></th>")[1].split("</tr>")[0]
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in line.split("</td>")[:8]]


def test_the_page_and_the_api_answer_each_persona_by_role(january: Any) -> None:
    for url in (PAGE, API):
        assert Client().get(url).status_code in (302, 401), url
        for name, expected in STATUS.items():
            status = client_for(getattr(january, name)).get(url).status_code
            assert status == expected, (url, name, status)


def test_tuan_reads_the_counts_of_every_agency_worked_by_hand(january: Any) -> None:
    html = client_for(january.tuan).get(PAGE, {"period": "01/2024"}).content.decode()

    # received, answered, answered on time, overdue, rated, satisfied, on-time %, satisfied %
    assert row(html, "Sở Tư pháp") == ["5", "3", "2", "1", "3", "2", "60,00", "66,67"]
    assert row(html, "Sở Xây dựng") == ["1", "1", "1", "0", "1", "1", "100,00", "100,00"]
    assert 'href="/dossiers/agency/stp/?period=2024-01"' in html  # its dossiers


@pytest.mark.parametrize("name", ["lan", "nam"])
def test_agency_users_see_only_their_agency(january: Any, name: str) -> None:
    client = client_for(getattr(january, name))

    html = client.get(PAGE, {"period": "2024-01"}).content.decode()

    assert row(html, "Sở Tư pháp")[:3] == ["5", "3", "2"]
    assert "Sở Xây dựng" not in html
    assert client.get(PAGE, {"agency": "sxd"}).status_code == 404
    assert "Import" not in html and "petitions-file" not in html


def test_one_agencys_petitions_are_listed_one_by_one(january: Any) -> None:
    html = client_for(january.lan).get(PAGE, {"period": "2024-01", "agency": "stp"}).content
    listing = html.decode().split('id="petition-list"')[1].split("</table>")[0]

    assert [c for c in re.findall(r">(P\d)</th>", listing)] == ["P3", "P4", "P5", "P2", "P1"]
    assert "P6" not in listing  # received in February
    overdue = [re.search(r">(P\d)</th>", r) for r in listing.split("<tr>") if "text-bg-danger" in r]
    assert [m.group(1) for m in overdue if m] == ["P4", "P2"]  # unanswered past due; late answer


def test_a_period_that_is_not_one_is_named_and_answered_400(january: Any) -> None:
    response = client_for(january.tuan).get(PAGE, {"period": "tháng mười ba"})
    assert response.status_code == 400
    assert "“tháng mười ba” không phải" in response.content.decode()


def test_the_reform_office_imports_a_file_from_the_page(world: Any) -> None:
    upload = SimpleUploadedFile("pakn.csv", JANUARY.encode(), content_type="text/csv")

    response = client_for(world.tuan).post(
        f"{PAGE}import/", {"file": upload, "period": "2024-01"}, follow=True
    )

    # Back on the page itself, for the period shown before the import.
    assert response.redirect_chain == [(f"{PAGE}?period=2024-01", 302)]
    assert Petition.objects.count() == 6
    assert AuditEvent.objects.filter(action__startswith="dossiers.petition").count() == 6
    html = response.content.decode()
    assert row(html, "Sở Tư pháp")[0] == "5"
    assert "Đã nhập phản ánh, kiến nghị: 6 mới, 0 cập nhật, 0 không đổi." in html


def test_a_bad_row_is_named_and_nothing_is_written(world: Any) -> None:
    bad = HEADER + (
        "Q1,stp,02/01/2024 09:00,,,,,portal\n"
        "Q2,stp,31/02/2024 09:00,,,,,portal\n"
        "Q3,khong-co,02/01/2024 09:00,,,,7,portal\n"
    )
    upload = SimpleUploadedFile("pakn.csv", bad.encode(), content_type="text/csv")

    response = client_for(world.tuan).post(f"{PAGE}import/", {"file": upload})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Dòng 3, cột «Ngày tiếp nhận»: &#x27;31/02/2024 09:00&#x27; không phải ngày giờ" in html
    assert "Dòng 4, cột «Mã cơ quan»" in html and "Dòng 4, cột «Mức hài lòng»" in html
    assert not Petition.objects.exists()


def test_only_the_reform_office_imports(january: Any) -> None:
    for name in ("lan", "hanh", "minh"):
        upload = SimpleUploadedFile("pakn.csv", (HEADER + SXD_ROW).encode())
        response = client_for(getattr(january, name)).post(f"{PAGE}import/", {"file": upload})
        assert response.status_code == 403, name
    assert Petition.objects.filter(code="S1").count() == 1


def test_the_api_gives_the_same_counts_in_the_callers_scope(january: Any) -> None:
    body = client_for(january.tuan).get(API, {"period": "2024-01"}).json()
    stp = next(line for line in body["agencies"] if line["agency"] == "stp")
    assert body["period"] == "2024-01" and body["last_day"] == "2024-01-31"
    assert (stp["received"], stp["answered"], stp["answered_on_time"], stp["overdue"]) == (
        5,
        3,
        2,
        1,
    )
    assert (stp["on_time_rate"], stp["satisfaction_rate"]) == ("60.00", "66.67")
    assert body["total"]["received"] == 6 and body["total"]["agency"] is None

    lan = client_for(january.lan).get(API, {"period": "2024-01"}).json()
    assert [line["agency"] for line in lan["agencies"]] == ["stp"]
    # Another agency's code gives nothing, as an unknown one does: its existence does not leak.
    other = client_for(january.lan).get(API, {"period": "2024-01", "agency": "sxd"}).json()
    assert other["agencies"] == [] and other["total"]["received"] == 0
    refused = client_for(january.tuan).get(API, {"period": "2024-13"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["query", "period"]
