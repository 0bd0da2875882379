"""Export → import gives back the same registry, in XLSX and in CSV."""

from __future__ import annotations

from typing import Any

import pytest

from chiso.org.exporting import export_registry
from chiso.org.models import Agency, AgencyType, Assignment, Block, Lineage, Person, Position
from tests.org.helpers import build_registry, run_import


def snapshot() -> dict[str, list[Any]]:
    return {
        "types": sorted(AgencyType.objects.values_list("code", "name")),
        "agencies": sorted(
            Agency.objects.values_list(
                "code",
                "electronic_id",
                "name",
                "short_name",
                "type__code",
                "parent__code",
                "valid_from",
                "valid_to",
            )
        ),  # fmt: skip
        "lineage": sorted(
            Lineage.objects.values_list(
                "predecessor__code", "successor__code", "kind", "effective_date"
            )
        ),
        "blocks": sorted(
            Block.agencies.through.objects.values_list("block__year", "block__code", "agency__code")
        ),
        "people": sorted(Person.objects.values_list("code", "full_name", "email", "phone")),
        "positions": sorted(
            Position.objects.values_list(
                "person__code", "agency__code", "role", "start", "end", "title"
            )
        ),
        "assignments": sorted(
            (a.position.person.code, a.year, tuple(a.node_codes))
            for a in Assignment.objects.select_related("position__person")
        ),
    }


def wipe_registry_but_blocks() -> None:
    """Empty the registry with plain SQL deletes: the ORM's delete would look into every app
    that refers to agencies, which this test is not about."""
    for model in (
        Assignment, Position, Person, Lineage, Block.agencies.through, Agency, AgencyType
    ):  # fmt: skip
        if model is Agency:
            Agency.objects.update(parent=None)
        model.objects.all()._raw_delete(using="default")  # type: ignore[attr-defined]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_rebuilds_the_registry_from_its_own_export(db: None, fmt: str) -> None:
    build_registry()
    before = snapshot()
    files = [
        export_registry("agencies", fmt, year=2024),
        export_registry("agencies", fmt, year=2025),
        export_registry("people", fmt),
    ]

    wipe_registry_but_blocks()
    reports = [run_import(data, filename=f"registry.{fmt}") for data in files]

    assert [r.problems for r in reports] == [[], [], []]
    assert (reports[0].kind, reports[0].created) == ("agencies", 5)
    assert (reports[2].kind, reports[2].created) == ("people", 3)
    assert snapshot() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_changes_nothing_when_an_export_is_imported_back(db: None, fmt: str) -> None:
    build_registry()
    before = snapshot()

    agencies = run_import(export_registry("agencies", fmt), filename=f"a.{fmt}")
    people = run_import(export_registry("people", fmt), filename=f"p.{fmt}")

    assert (agencies.created, agencies.updated, agencies.unchanged) == (0, 0, 5)
    assert (people.created, people.updated, people.unchanged) == (0, 0, 3)
    assert snapshot() == before


def test_it_writes_english_headers_when_asked(db: None) -> None:
    build_registry()
    data = export_registry("people", "csv", lang="en").decode("utf-8-sig")

    assert data.splitlines()[0] == (
        "Person code,Full name,Email,Phone,Agency code,Role,Title,Start,End,"
        "Assignment year,Assigned fields/criteria"
    )
    assert (
        "tran-thi-binh,Trần Thị Bình,,,sxd-2025,deputy,Phó Giám đốc,01/03/2025,,2025,LV1;LV3.2"
        in data
    )
