"""Mergers, splits and renamings: an evaluation reaches the data of predecessor units."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from chiso.org import actions
from chiso.org.models import Agency, Lineage
from tests.org.helpers import csv_file, run_import, texts

MARCH_1 = datetime.date(2025, 3, 1)


def test_it_merges_two_departments_and_ends_them_the_day_before(world) -> None:
    so = world.sxd.type
    sgtvt = actions.create_agency(code="sgtvt", name="Sở Giao thông vận tải", type=so, actor=None)
    new = actions.create_agency(
        code="sxd-2025", name="Sở Xây dựng", type=so, valid_from=MARCH_1, actor=None
    )

    for old in (world.sxd, sgtvt):
        actions.add_lineage(
            old,
            new,
            kind=Lineage.Kind.MERGED_INTO,
            effective_date=MARCH_1,
            legal_basis="Nghị quyết 202/2025/QH15",
            actor=None,
        )

    assert {a.code for a in new.predecessors()} == {"sxd", "sgtvt"}
    assert {a.valid_to for a in Agency.objects.filter(code__in=["sxd", "sgtvt"])} == {
        datetime.date(2025, 2, 28)
    }
    assert world.sxd.predecessors() == []


def test_it_follows_lineage_through_several_reorganisations(world) -> None:
    so = world.sxd.type
    merged = actions.create_agency(code="sxd-2025", name="Sở Xây dựng", type=so, actor=None)
    renamed = actions.create_agency(code="sxd-2026", name="Sở Xây dựng mới", type=so, actor=None)
    actions.add_lineage(
        world.sxd, merged, kind=Lineage.Kind.MERGED_INTO, effective_date=MARCH_1, actor=None
    )
    actions.add_lineage(
        merged,
        renamed,
        kind=Lineage.Kind.RENAMED,
        effective_date=datetime.date(2026, 1, 1),
        actor=None,
    )

    assert {a.code for a in renamed.predecessors()} == {"sxd-2025", "sxd"}


def test_it_refuses_to_merge_a_unit_twice(world) -> None:
    actions.add_lineage(
        world.sxd, world.snv, kind=Lineage.Kind.MERGED_INTO, effective_date=MARCH_1, actor=None
    )

    with pytest.raises(ValidationError) as e:
        actions.add_lineage(
            world.sxd, world.stp, kind=Lineage.Kind.MERGED_INTO, effective_date=MARCH_1, actor=None
        )

    assert e.value.messages == ["Sở Xây dựng đã được sáp nhập hoặc đổi tên."]


def test_it_imports_a_merger_and_a_split_from_a_file(world) -> None:
    rows = [
        ["Mã", "Tên", "Loại", "Hiệu lực từ", "Sáp nhập vào", "Tách từ", "Ngày hiệu lực"],
        ["sxd", "Sở Xây dựng", "so", "", "sxd-2025", "", "01/03/2025"],
        ["sgtvt", "Sở Giao thông vận tải", "so", "", "sxd-2025", "", "01/03/2025"],
        ["sxd-2025", "Sở Xây dựng (sau hợp nhất)", "so", "01/03/2025", "", "", ""],
        ["stp-ttdg", "Trung tâm Dịch vụ đấu giá", "so", "01/03/2025", "", "stp", "01/03/2025"],
    ]

    report = run_import(csv_file(rows))

    assert report.problems == []
    new = Agency.objects.get(code="sxd-2025")
    assert {a.code for a in new.predecessors()} == {"sxd", "sgtvt"}
    assert Agency.objects.get(code="sgtvt").valid_to == datetime.date(2025, 2, 28)
    assert [a.code for a in Agency.objects.get(code="stp-ttdg").predecessors()] == ["stp"]
    world.stp.refresh_from_db()
    assert world.stp.valid_to is None  # a split leaves the old unit in place


def test_it_reports_lineage_that_contradicts_the_validity_dates(world) -> None:
    rows = [
        ["Mã", "Tên", "Loại", "Hiệu lực đến", "Sáp nhập vào", "Ngày hiệu lực"],
        ["sxd", "Sở Xây dựng", "so", "31/12/2024", "snv", "01/03/2025"],
        ["stp", "Sở Tư pháp", "so", "", "stp", "01/03/2025"],
    ]

    report = run_import(csv_file(rows))

    assert texts(report) == [
        "Dòng 2, cột «Hiệu lực đến»: phải là 28/02/2025, ngày trước ngày hiệu lực 01/03/2025",
        "Dòng 3, cột «Sáp nhập vào»: cơ quan không thể kế thừa chính nó",
    ]
    assert not Lineage.objects.exists()
