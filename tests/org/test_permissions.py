"""Who may open which registry page: every org URL for every persona.

Province-wide roles read everything; Lan and Nam read only Sở Tư pháp and its unit, and an
agency outside that is "not found" (so they cannot learn it exists); Mai and Khách have no
registry role; only Tuấn imports.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.org.models import Agency, Block
from tests.conftest import PASSWORD
from tests.org.helpers import csv_file

URLS = {
    "agencies": "/org/",
    "own": "/org/agencies/stp/",
    "unit": "/org/agencies/stp-tgpl/",
    "other": "/org/agencies/sxd/",
    "missing": "/org/agencies/khong-co/",
    "people": "/org/people/",
    "blocks": "/org/blocks/",
    "import": "/org/import/",
    "export": "/org/export/?kind=agencies&format=csv",
    "export_people": "/org/export/?kind=people&format=xlsx",
}
READ_ALL = {**dict.fromkeys(URLS, 200), "missing": 404, "import": 403}
OWN_ONLY = {**READ_ALL, "other": 404}
NOTHING = dict.fromkeys(URLS, 403)
MATRIX = {
    "tuan": {**READ_ALL, "import": 200},
    "hanh": READ_ALL,
    "minh": READ_ALL,
    "lan": OWN_ONLY,
    "nam": OWN_ONLY,
    "mai": NOTHING,
    "khach": NOTHING,
}


@pytest.mark.parametrize("persona", MATRIX)
def test_it_enforces_the_scope_of_each_persona(client: Client, world, persona: str) -> None:
    assert client.login(username=persona, password=PASSWORD)

    got = {name: client.get(url).status_code for name, url in URLS.items()}

    assert got == MATRIX[persona]


def test_it_sends_anonymous_users_to_the_login_page(client: Client, world) -> None:
    for url in URLS.values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=/org/")


@pytest.mark.parametrize("persona", ["hanh", "minh", "lan", "nam", "mai", "khach"])
def test_it_lets_only_the_reform_office_post_an_import(client: Client, world, persona) -> None:
    client.login(username=persona, password=PASSWORD)
    data = csv_file([["Mã", "Tên", "Loại"], ["stp", "Sở bị đổi tên", "so"]])

    response = client.post("/org/import/", {"file": SimpleUploadedFile("a.csv", data)})

    assert response.status_code == 403
    assert Agency.objects.get(code="stp").name == "Sở Tư pháp"


@pytest.mark.parametrize("persona", ["hanh", "minh", "lan", "nam", "mai", "khach"])
def test_it_lets_only_the_reform_office_add_a_block(client: Client, world, persona) -> None:
    client.login(username=persona, password=PASSWORD)

    response = client.post("/org/blocks/?year=2025", {"code": "so", "name": "Khối sở"})

    assert response.status_code == 403
    assert not Block.objects.exists()


def test_it_shows_an_agency_role_only_its_own_agencies(client: Client, world) -> None:
    client.login(username="lan", password=PASSWORD)

    page = client.get("/org/?validity=all").content.decode()
    export = client.get("/org/export/?kind=agencies&format=csv").content.decode("utf-8-sig")

    assert "Sở Tư pháp" in page and "Trung tâm Trợ giúp pháp lý" in page
    assert "Sở Xây dựng" not in page and "Sở Nội vụ" not in page
    assert [line.split(",")[0] for line in export.splitlines()[1:]] == ["stp", "stp-tgpl"]
