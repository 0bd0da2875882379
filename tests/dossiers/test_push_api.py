"""POST /api/dossiers/batch: token-authenticated push from a one-stop system."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from chiso.api.actions import create_token
from chiso.audit.models import AuditEvent
from chiso.dossiers.models import Dossier, QuarantinedRow
from tests.dossiers.helpers import make_procedures, record


@pytest.fixture
def catalogue(world: Any) -> Any:
    make_procedures()
    return world


def push(user: Any, records: list[dict[str, Any]]) -> Any:
    token = create_token(user, name="hệ thống một cửa", actor=None)[1]
    return Client().post(
        "/api/dossiers/batch",
        data=json.dumps({"dossiers": records}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_the_reform_office_pushes_a_batch_and_bad_records_are_reported(catalogue: Any) -> None:
    response = push(
        catalogue.tuan, [record("P1"), record("P2", DonViXuLy="sxd"), record("P3", NgayTiepNhan="")]
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["accepted"], body["quarantined"]) == (2, 1)
    assert (
        body["problems"][0]["index"] == 2 and "NgayTiepNhan" in body["problems"][0]["problems"][0]
    )
    assert QuarantinedRow.objects.count() == 1
    again = push(catalogue.tuan, [record("P1", TrangThaiHoSo=9)])
    assert again.json()["accepted"] == 1 and Dossier.objects.count() == 2
    assert Dossier.objects.get(code="P1").status == 9
    assert AuditEvent.objects.filter(action="dossiers.push").count() == 2


def test_an_agency_pushes_only_its_own_dossiers(catalogue: Any) -> None:
    body = push(catalogue.lan, [record("L1"), record("L2", DonViXuLy="sxd")]).json()
    assert body["accepted"] == 1 and body["problems"][0]["code"] == "L2"
    assert list(Dossier.objects.values_list("code", flat=True)) == ["L1"]


def test_other_roles_and_strangers_cannot_push(catalogue: Any) -> None:
    assert push(catalogue.mai, [record("M1")]).status_code == 403
    assert push(catalogue.khach, [record("K1")]).status_code == 403
    anonymous = Client().post("/api/dossiers/batch", data="{}", content_type="application/json")
    assert anonymous.status_code == 401
    assert not Dossier.objects.exists()
