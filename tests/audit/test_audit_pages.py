"""The audit trail pages: who reads which rows, filters, paging, the XLSX export; no edits."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.actions import record
from chiso.audit.models import AuditEvent
from tests.assessments.office_world import client_for

PERSONAS = ("tuan", "lan", "nam", "minh", "hanh", "mai", "khach")
LIST = "/audit/"
EXPORT = "/audit/export.xlsx"


@pytest.fixture
def trail(world: Any, rnd: Round) -> Round:
    """Rows about Sở Tư pháp (Lan's), Sở Xây dựng (not hers) and the round itself."""
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    a.save_self_assessment(
        stp,
        "1.1",
        value=Decimal(1),
        not_applicable=False,
        justification="Có kế hoạch",
        expected_version=1,
        actor=world.lan,
    )
    a.grant_extension(
        rnd,
        world.sxd,
        "self_assessment",
        datetime.date(2030, 12, 31),
        reason='=HYPERLINK("http://x")',  # typed by a person: must stay text in Excel
        actor=world.tuan,
    )
    return rnd


def test_the_urls_are_those_the_brief_names(world: Any) -> None:
    assert (reverse("audit:list"), reverse("audit:export")) == (LIST, EXPORT)


def test_who_may_read_the_audit_trail(world: Any, trail: Round) -> None:
    allowed = {"tuan", "lan", "nam"}
    for url in (LIST, EXPORT):
        assert client_for(None).get(url).status_code == 302
        for name in PERSONAS:
            status = client_for(getattr(world, name)).get(url).status_code
            assert status == (200 if name in allowed else 403), (url, name, status)


def test_nothing_can_be_written_through_the_pages(world: Any, trail: Round) -> None:
    client = client_for(world.tuan)
    before = AuditEvent.objects.count()
    for url in (LIST, EXPORT):
        assert client.post(url, {"action": "x"}).status_code == 405
        assert client.delete(url).status_code == 405
        assert client.put(url).status_code == 405
        assert client.patch(url).status_code == 405
    assert AuditEvent.objects.count() == before
    html = client.get(LIST).content.decode()
    main = html.split('<main id="main"')[1]
    assert 'method="post"' not in main  # no form that could change a row
    assert main.count("<button") == 1  # "Filter", nothing to change or delete a row
    with pytest.raises(TypeError):
        AuditEvent.objects.first().delete()  # type: ignore[union-attr]


def test_the_reform_office_sees_every_row_and_lan_only_her_agencys(
    world: Any, trail: Round
) -> None:
    tuan = client_for(world.tuan).get(LIST).content.decode()
    assert "assessments.round.opened" in tuan and "assessments.deadline.extended" in tuan
    lan = client_for(world.lan).get(LIST).content.decode()
    assert "assessments.item.self_assessed" in lan
    assert "assessments.deadline.extended" not in lan  # Sở Xây dựng's
    assert "assessments.round.opened" not in lan  # no agency: the office's business
    exported = load_workbook(io.BytesIO(client_for(world.lan).get(EXPORT).content)).active
    assert [r[2] for r in exported.iter_rows(min_row=2, values_only=True)] == [
        "Tự đánh giá mục"  # the action in words, as on the page
    ]


def rows_of(html: str) -> int:
    return (
        html.split('id="audit-rows"')[1]
        .split("<tbody>")[1]
        .split("</tbody>")[0]
        .count('<td class="text-nowrap">')
    )


def test_filters_by_round_agency_action_user_and_dates(world: Any, trail: Round) -> None:
    other = record("org.agency.changed", actor=world.tuan, agency_id=world.stp.pk)
    client = client_for(world.tuan)
    total = AuditEvent.objects.count()
    assert rows_of(client.get(LIST).content.decode()) == total
    by_round = client.get(LIST, {"round": trail.pk}).content.decode()
    assert rows_of(by_round) == 3  # opened, Lan's item, the extension; not the framework's
    table = by_round.split('id="audit-rows"')[1]
    assert "org.agency.changed" not in table and "framework.published" not in table
    assert rows_of(client.get(LIST, {"agency": world.stp.pk}).content.decode()) == 2
    action = client.get(LIST, {"action": "assessments.deadline.extended"}).content.decode()
    assert rows_of(action) == 1
    assert rows_of(client.get(LIST, {"user": "lan"}).content.decode()) == 1
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert rows_of(client.get(LIST, {"start": today, "end": today}).content.decode()) == total
    assert rows_of(client.get(LIST, {"end": "01/01/2020"}).content.decode()) == 0
    assert other.pk


def test_the_list_is_paged(world: Any) -> None:
    for i in range(60):
        record("test.step", actor=world.tuan, data={"n": i})
    client = client_for(world.tuan)
    first = client.get(LIST).content.decode()
    assert rows_of(first) == 50 and "page=2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert rows_of(second) == 10


def test_the_export_holds_the_filtered_rows_in_vietnam_time(world: Any, trail: Round) -> None:
    client = client_for(world.tuan)
    response = client.get(EXPORT)
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Thời gian",
        "Người thực hiện",
        "Hành động",
        "Đối tượng",
        "Cơ quan, đơn vị",
        "Thay đổi (cũ → mới)",
        "Lý do",
    )
    events = list(AuditEvent.objects.order_by("-at", "-id"))
    assert len(rows) - 1 == len(events)
    for row, event in zip(rows[1:], events, strict=True):
        local = timezone.localtime(event.at).replace(tzinfo=None, microsecond=0)
        assert row[0] == local
        assert event.actor_label in row[1] and row[3] == event.object_repr
    extension = next(r for r in rows if r[2] == "Gia hạn thời hạn")
    assert extension[1] == "Trương Ngọc Tuấn (tuan)"  # full name, then the user name
    assert extension[4] == "Sở Xây dựng"
    assert extension[5].startswith("giai đoạn: tự đánh giá; thời hạn: ")
    assert extension[5].endswith(" → 31/12/2030")  # dates as people write them
    assert extension[6] == '=HYPERLINK("http://x")'  # text, not a formula
    cell = next(c for c in sheet["G"] if c.value == extension[6])
    assert cell.data_type == "s"
    assert sheet["A2"].number_format == "DD/MM/YYYY HH:MM"


def test_the_export_in_english_has_english_headers(world: Any, trail: Round) -> None:
    client = client_for(world.tuan)
    client.cookies["django_language"] = "en"
    sheet = load_workbook(io.BytesIO(client.get(EXPORT).content)).active
    assert sheet["A1"].value == "Time" and sheet["G1"].value == "Reason"
