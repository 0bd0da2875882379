"""Review s6 L10: a leader's term cannot outlive the agency. When a merger ended the agency
and nobody recorded the end of its leaders' terms, the registry shows the agency's last day,
says so, and greys the row, instead of "– nay"."""

from __future__ import annotations

import datetime
import re

from django.test import Client

from chiso.accounts.models import Role
from chiso.org import actions
from chiso.org.models import Position
from tests.conftest import PASSWORD
from tests.org.helpers import build_registry, make_user


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_term_left_open_ends_with_its_merged_agency(client: Client, db: None) -> None:
    registry = build_registry()  # Sở Xây dựng merged on 01/03/2025: its last day is 28/02/2025
    person = actions.create_person(code="le-quang-linh", full_name="Lê Quang Linh", actor=None)
    actions.create_position(
        person,
        registry["sxd"],
        role=Position.Role.HEAD,
        start=datetime.date(2021, 7, 1),
        title="Giám đốc",
        actor=None,
    )
    make_user("tuan", Role.REFORM_OFFICE)
    assert client.login(username="tuan", password=PASSWORD)

    agency_page = client.get("/org/agencies/sxd/").content.decode()
    row = re.search(r"<tr[^>]*>\s*<td>Lê Quang Linh.*?</tr>", agency_page, re.S)
    assert row is not None
    assert 'class="text-body-secondary"' in row.group(0)  # greyed: the term is over
    assert "01/07/2021 – 28/02/2025 kết thúc cùng cơ quan" in text(row.group(0))
    assert "nay" not in text(row.group(0))

    people = text(client.get("/org/people/?q=Linh").content.decode())
    assert "01/07/2021 – 28/02/2025 kết thúc cùng cơ quan" in people
    # A term in an agency that still exists stays open.
    merged = text(client.get("/org/agencies/sxd-2025/").content.decode())
    assert "01/03/2025 – nay" in merged and "kết thúc cùng cơ quan" not in merged
