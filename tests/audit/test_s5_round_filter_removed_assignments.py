"""The audit page's round filter keeps the rows of an appraiser assignment removed since (its
row is gone; the audit rows carry the round's id), for the reform office; an agency's users
still do not see them."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from chiso.assessments import actions as a
from chiso.assessments.models import Round
from chiso.audit.actions import record
from tests.assessments.office_world import client_for


def _rows(user: Any, rnd: Round) -> str:
    html = client_for(user).get(reverse("audit:list"), {"round": rnd.pk}).content.decode()
    return html.split('id="audit-rows"')[1].split("</table>")[0]


def test_the_office_finds_the_rows_of_a_removed_assignment_under_its_round(
    world: Any, rnd: Round
) -> None:
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    a.unassign_appraiser(rnd, world.stp, "1", actor=world.tuan)
    # A row about something else: the round filter leaves it out.
    record("accounts.role.granted", actor=world.tuan, data={"role": "viewer"})

    rows = _rows(world.tuan, rnd)

    # The round's id is there for the filter, not shown as a change.
    assert rows.count('"small">lĩnh vực: 1; thẩm định viên: — → minh<') == 1
    assert rows.count('"small">lĩnh vực: 1; thẩm định viên: minh → —<') == 1
    assert "Cấp vai trò" not in rows


def test_an_agency_still_does_not_read_a_removed_assignment(world: Any, rnd: Round) -> None:
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    a.unassign_appraiser(rnd, world.stp, "1", actor=world.tuan)
    for stage_closer in (a.close_appraisal_1, a.close_explanation):
        stage_closer(rnd, actor=world.tuan)

    for persona in (world.lan, world.nam):
        rows = _rows(persona, rnd)
        assert "minh" not in rows


def test_the_export_of_the_round_names_the_change_without_the_round_id(
    world: Any, rnd: Round
) -> None:
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    a.unassign_appraiser(rnd, world.stp, "1", actor=world.tuan)

    response = client_for(world.tuan).get(reverse("audit:export"), {"round": rnd.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    changes = [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)]

    assert "lĩnh vực: 1; thẩm định viên: minh → —" in changes
    assert "lĩnh vực: 1; thẩm định viên: — → minh" in changes
