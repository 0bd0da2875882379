"""Every change to the registry leaves an audit row with who, what, and the old and new values."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.org import actions
from chiso.org.models import Position
from tests.conftest import PASSWORD
from tests.org.helpers import csv_file, run_import


def test_it_records_the_old_and_new_values_of_an_update(world) -> None:
    actions.update_agency(
        world.stp, {"name": "Sở Tư pháp tỉnh", "short_name": "STP"}, actor=world.tuan
    )

    event = AuditEvent.objects.get(action="org.agency.updated")
    assert (event.actor, event.object_id, event.agency_id_ref) == (
        world.tuan,
        str(world.stp.pk),
        world.stp.pk,
    )
    assert event.data == {
        "old": {"name": "Sở Tư pháp", "short_name": ""},
        "new": {"name": "Sở Tư pháp tỉnh", "short_name": "STP"},
    }


def test_it_writes_nothing_when_nothing_changes(world) -> None:
    assert actions.update_agency(world.stp, {"name": "Sở Tư pháp"}, actor=world.tuan) is False
    assert not AuditEvent.objects.exists()


def test_it_records_an_import_row_by_row_with_the_command_line_as_actor(world) -> None:
    rows = [
        ["Mã", "Tên", "Loại", "Mã cơ quan cha"],
        ["stp", "Sở Tư pháp", "so", ""],
        ["stp-tgpl", "Trung tâm Trợ giúp pháp lý nhà nước", "don-vi-truc-thuoc", "stp"],
        ["stp-ccv", "Phòng Công chứng số 1", "don-vi-truc-thuoc", "stp"],
    ]

    run_import(csv_file(rows), filename="co-quan.csv")

    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == [
        "org.agency.updated",
        "org.agency.created",
        "org.registry.imported",
    ]
    assert events[0].data == {
        "old": {"name": "Trung tâm Trợ giúp pháp lý"},
        "new": {"name": "Trung tâm Trợ giúp pháp lý nhà nước"},
    }
    assert events[1].data["new"] == {
        "code": "stp-ccv",
        "electronic_id": "",
        "name": "Phòng Công chứng số 1",
        "short_name": "",
        "type": "don-vi-truc-thuoc",
        "parent": "stp",
        "valid_from": None,
        "valid_to": None,
    }
    assert events[2].data["file"] == "co-quan.csv"
    assert all(e.actor is None and e.actor_label.startswith("CLI (") for e in events)


def test_it_records_terms_and_assignments(world) -> None:
    person = actions.create_person(code="le-van-nam", full_name="Lê Văn Nam", actor=world.tuan)
    term = actions.create_position(
        person,
        world.stp,
        role=Position.Role.DEPUTY,
        start=datetime.date(2023, 1, 1),
        actor=world.tuan,
    )
    actions.set_assignment(term, 2025, ["LV1"], actor=world.tuan)
    actions.set_assignment(term, 2025, ["LV1", "LV4"], decision="QĐ 12/QĐ-STP", actor=world.tuan)

    events = AuditEvent.objects.filter(action="org.assignment.set").order_by("id")
    assert [e.data for e in events] == [
        {"year": 2025, "old": None, "new": {"node_codes": ["LV1"], "decision": ""}},
        {
            "year": 2025,
            "old": {"node_codes": ["LV1"], "decision": ""},
            "new": {"node_codes": ["LV1", "LV4"], "decision": "QĐ 12/QĐ-STP"},
        },
    ]
    assert AuditEvent.objects.get(action="org.position.created").data["new"] == {
        "person": "le-van-nam",
        "agency": "stp",
        "role": "deputy",
        "start": "2023-01-01",
        "title": "",
        "end": None,
    }


def test_it_names_the_user_who_imported_through_the_web(client: Client, world) -> None:
    client.login(username="tuan", password=PASSWORD)
    upload = csv_file([["Mã", "Tên", "Loại"], ["stp", "Sở Tư pháp (mới)", "so"]])
    client.post("/org/import/", {"file": SimpleUploadedFile("stp.csv", upload)})

    event = AuditEvent.objects.get(action="org.agency.updated")
    assert (event.actor, event.actor_label) == (world.tuan, "tuan")
