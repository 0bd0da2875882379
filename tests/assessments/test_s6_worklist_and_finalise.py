# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""Review s6 L8 and L9: before finalising, the reform office is told which deputies have no
field assignment for the year (they would get the agency's index); after publication the
appraiser's worklist moves the round to a "done" section and the field page no longer calls
itself "appraisal round 2"."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from chiso.assessments import actions as a
from chiso.assessments.models import Round
from chiso.org import actions as org
from chiso.org.models import Position
from tests.assessments.conftest import block, framework, rnd
from tests.assessments.office_world import approved_stp, client_for

_fixtures = (block, framework, rnd)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def deputy(agency: Any, code: str, name: str, **term: Any) -> Position:
    person = org.create_person(code=code, full_name=name, actor=None)
    return org.create_position(person, agency, role=Position.Role.DEPUTY, actor=None, **term)


def test_the_finalise_page_names_the_deputies_without_an_assignment(world: Any, rnd: Round) -> None:
    deputy(world.stp, "bui-thanh-phuc", "Bùi Thanh Phúc", start=datetime.date(2021, 1, 1))
    assigned = deputy(world.stp, "do-ngoc-van", "Đỗ Ngọc Vân", start=datetime.date(2021, 1, 1))
    org.set_assignment(assigned, 2024, ["1"], actor=None)
    old = deputy(
        world.sxd,
        "tran-xuan-phuc",
        "Trần Xuân Phúc",
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2023, 12, 31),
    )
    assert old.end is not None  # left before 2024: not a deputy of this round's year
    page = client_for(world.tuan).get(f"/rounds/{rnd.pk}/step/finalise/").content.decode()
    warning = re.search(r'id="unassigned-deputies">(.*?)</div>', page, re.S)
    assert warning is not None
    shown = text(warning.group(1))
    assert "Các cấp phó sau chưa được phân công lĩnh vực phụ trách năm 2024" in shown
    assert re.search(r"Sở Tư pháp ?: Bùi Thanh Phúc", shown)
    assert "Đỗ Ngọc Vân" not in shown and "Trần Xuân Phúc" not in shown
    # Other steps do not carry the warning.
    closing = client_for(world.tuan).get(f"/rounds/{rnd.pk}/step/close-appraisal-1/")
    assert "unassigned-deputies" not in closing.content.decode()


def test_after_publication_the_round_is_done_work_for_the_appraiser(world: Any, rnd: Round) -> None:
    stp = approved_stp(world, rnd)  # Minh appraises fields 1 and 3 of Sở Tư pháp
    minh = client_for(world.minh)
    field_url = f"/rounds/appraisal/{stp.pk}/1/"
    worklist = minh.get("/rounds/appraisal/").content.decode()
    assert field_url in worklist and "Đã xong" not in worklist
    assert "Thẩm định lần 1: Sở Tư pháp" in minh.get(field_url).content.decode()

    a.close_appraisal_1(rnd, actor=world.tuan)
    a.close_explanation(rnd, actor=world.tuan)
    assert "Thẩm định lần 2: Sở Tư pháp" in minh.get(field_url).content.decode()
    a.close_appraisal_2(rnd, actor=world.tuan)
    a.finalise_round(rnd, actor=world.tuan)
    a.publish_round(rnd, actor=world.tuan)

    worklist = text(minh.get("/rounds/appraisal/").content.decode())
    assert field_url not in minh.get("/rounds/appraisal/").content.decode()
    assert "Đã xong: thẩm định đã kết thúc Khối sở, ban, ngành 2024 · Đã công bố" in worklist
    field_page = text(minh.get(field_url).content.decode())
    assert "Kết quả thẩm định: Sở Tư pháp" in field_page
    assert "Thẩm định lần 2" not in field_page
