"""Building registry files and a small registry for the tests."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from openpyxl import Workbook

from chiso.org import actions
from chiso.org.models import Agency, AgencyType, Block, Lineage, Position

Row = list[Any]


def csv_file(rows: list[Row], *, delimiter: str = ",", bom: bool = True) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def xlsx_file(rows: list[Row]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run_import(data: bytes, **kwargs: Any) -> actions.ImportReport:
    kwargs.setdefault("actor", None)
    kwargs.setdefault("filename", "file.csv")
    return actions.import_registry(data, **kwargs)


def texts(report: actions.ImportReport) -> list[str]:
    return [p.text for p in report.problems]


def make_user(username: str, role: str) -> Any:
    """A user with one province-wide role, for tests that build their own registry."""
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership
    from tests.conftest import PASSWORD

    user = User.objects.create_user(username, password=PASSWORD)
    Membership.objects.create(user=user, role=role)
    return user


def build_registry() -> dict[str, Any]:
    """A province in miniature, written through the actions as the CLI would (actor None):
    two departments merged on 01/03/2025, a unit below one of them, a district, blocks for
    2024 and 2025, a head and a deputy with an assignment."""
    so = actions.create_agency_type(code="so", name="Sở, ban, ngành", actor=None)
    huyen = actions.create_agency_type(code="huyen", name="UBND cấp huyện", actor=None)
    unit = actions.create_agency_type(code="don-vi", name="Đơn vị trực thuộc", actor=None)

    def agency(code: str, name: str, kind: AgencyType, **kw: Any) -> Agency:
        return actions.create_agency(code=code, name=name, type=kind, actor=None, **kw)

    sxd = agency("sxd", "Sở Xây dựng", so, electronic_id="000.00.21.H48", short_name="SXD")
    sgtvt = agency("sgtvt", "Sở Giao thông vận tải", so, electronic_id="000.00.04.H48")
    merged = agency(
        "sxd-2025",
        "Sở Xây dựng (sau hợp nhất)",
        so,
        electronic_id="000.00.21.H48.1",
        valid_from=datetime.date(2025, 3, 1),
    )
    agency("sxd-ttkd", "Trung tâm Kiểm định xây dựng", unit, parent=sxd)
    tuyhoa = agency("tuyhoa", "UBND thành phố Tuy Hòa", huyen, valid_to=datetime.date(2025, 6, 30))
    for old in (sxd, sgtvt):
        actions.add_lineage(
            old,
            merged,
            kind=Lineage.Kind.MERGED_INTO,
            effective_date=datetime.date(2025, 3, 1),
            actor=None,
        )
    for year in (2024, 2025):
        so_block = actions.create_block(code="so", year=year, name="Khối sở", actor=None)
        huyen_block = actions.create_block(
            code="huyen", year=year, name="Khối huyện", order=1, actor=None
        )
        actions.set_block_membership(tuyhoa, year, [huyen_block], actor=None)
    so_2024 = Block.objects.get(code="so", year=2024)
    actions.set_block_membership(sxd, 2024, [so_2024], actor=None)
    actions.set_block_membership(sgtvt, 2024, [so_2024], actor=None)
    actions.set_block_membership(merged, 2025, [so_block], actor=None)
    an = actions.create_person(
        code="nguyen-van-an", full_name="Nguyễn Văn An", email="an@example.vn", actor=None
    )
    binh = actions.create_person(code="tran-thi-binh", full_name="Trần Thị Bình", actor=None)
    actions.create_person(
        code="le-van-cu", full_name="Lê Văn Cư", phone="0257 3820 000", actor=None
    )
    actions.create_position(
        an,
        merged,
        role=Position.Role.HEAD,
        start=datetime.date(2025, 3, 1),
        title="Giám đốc",
        actor=None,
    )
    deputy = actions.create_position(
        binh,
        merged,
        role=Position.Role.DEPUTY,
        start=datetime.date(2025, 3, 1),
        title="Phó Giám đốc",
        actor=None,
    )
    actions.set_assignment(deputy, 2025, ["LV1", "LV3.2"], actor=None)
    return {"sxd": sxd, "sgtvt": sgtvt, "merged": merged, "tuyhoa": tuyhoa, "deputy": deputy}
