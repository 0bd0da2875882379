"""An agency reads the appraisers' rows of the audit trail no earlier than its assessment page
shows their marks: round 1 once round 1 is closed for every agency."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round, Stage
from tests.assessments.office_world import approved_stp, client_for, entry

COMMENT = "Thiếu báo cáo quý IV"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def what_lan_reads(world: Any) -> tuple[str, str, list[str]]:
    lan = client_for(world.lan)
    page = lan.get(reverse("audit:list")).content.decode()
    sheet = load_workbook(io.BytesIO(lan.get(reverse("audit:export")).content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    return page, " ".join(cells), cells


def test_round_1_marks_reach_the_agencys_audit_trail_only_after_round_1_closes(
    world: Any, rnd: Round
) -> None:
    stp = approved_stp(world, rnd)
    e = entry(stp, "1.2")
    a.record_appraisal(
        e,
        1,
        value=Decimal(1),
        comment=COMMENT,
        needs_explanation=True,
        expected_version=e.version,
        actor=world.minh,
    )
    assert Assessment.objects.get(pk=stp.pk).status == Stage.APPRAISAL_1
    page, export, cells = what_lan_reads(world)
    assert COMMENT not in page and COMMENT not in export
    # Not even who appraises, nor the appraiser in the filter's user list.
    assert '<option value="minh"' not in page and "Trần Văn Minh (minh)" not in cells
    assert '<option value="lan"' in page  # her own rows are still there
    # The office sees the row at once.
    assert COMMENT in client_for(world.tuan).get(reverse("audit:list")).content.decode()

    a.close_appraisal_1(rnd, actor=world.tuan)
    page, export, cells = what_lan_reads(world)
    assert COMMENT in page and COMMENT in export
    assert '<option value="minh"' in page and "Trần Văn Minh (minh)" in cells
