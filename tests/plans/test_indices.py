"""External indices: imported with row-precise errors, targets and the gap to them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse

from chiso.audit.models import AuditEvent
from chiso.plans import actions
from chiso.plans.dashboard import target_gaps
from chiso.plans.indices import import_indices
from chiso.plans.models import ExternalIndex
from tests.conftest import PASSWORD

CSV = (
    "Chỉ số;Năm;Giá trị;Xếp hạng;Nhóm;Nguồn\n"
    "PAR;2023;85,39;52;B;par-index.md\n"
    "PAR;2024;88,20;36;;par-index.md\n"
    "PAPI;2023;40,42;50;;par-index.md\n"
)


def test_indices_import_and_a_second_import_changes_nothing(world: Any) -> None:
    changed, problems = import_indices(CSV.encode(), actor=world.tuan, filename="cs.csv")
    assert (changed, problems) == (3, [])
    assert ExternalIndex.objects.get(kind="par", year=2024).value == Decimal("88.20")
    assert import_indices(CSV.encode(), actor=world.tuan, filename="cs.csv") == (0, [])
    assert AuditEvent.objects.filter(action="plans.index.created").count() == 3


def test_bad_index_rows_are_named_and_nothing_is_written(world: Any) -> None:
    bad = CSV + "GDP;2023;1;;;\nPAR;2023;abc;52;;\n"
    changed, problems = import_indices(bad.encode(), actor=world.tuan, filename="cs.csv")
    texts = [p.text for p in problems]
    assert changed == 0 and not ExternalIndex.objects.exists()
    assert texts[0] == (
        "Dòng 5, cột «Chỉ số»: 'GDP' không phải là chỉ số: ghi PAR, SIPAS, PAPI, PCI hoặc 766"
    )
    assert "Dòng 6, cột «Giá trị»: 'abc' không phải là số" in texts[1]
    assert texts[2] == "Dòng 6: chỉ số và năm bị trùng (cũng có ở dòng 2)"


def test_the_gap_is_the_places_still_to_climb_to_the_target(world: Any) -> None:
    import_indices(CSV.encode(), actor=world.tuan, filename="cs.csv")
    actions.set_target(actor=world.tuan, kind="par", year=2025, rank=30, basis="CTHĐ 12")
    actions.set_target(actor=world.tuan, kind="papi", year=2025, rank=55, basis="thử")
    gaps = {g.kind: g for g in target_gaps()}
    assert gaps["par"].latest is not None and gaps["par"].latest.year == 2024
    assert gaps["par"].rank_gap == 6  # 36 → 30
    assert gaps["papi"].rank_gap == 0  # 50 is already within 55
    assert gaps["pci"].latest is None and gaps["pci"].rank_gap is None


def test_only_the_reform_office_enters_index_values(world: Any) -> None:
    data = {
        "one-kind": "par",
        "one-year": 2024,
        "one-value": "88.2",
        "one-scale": "100",
        "one-of": 63,
    }
    for name, status in (("lan", 403), ("hanh", 403), ("tuan", 302)):
        c = Client()
        c.login(username=name, password=PASSWORD)
        assert c.post(reverse("plans:indices"), data).status_code == status, name
    assert ExternalIndex.objects.get(kind="par", year=2024).value == Decimal("88.20")
