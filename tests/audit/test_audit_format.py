"""Audit rows read as words: actions and keys named, numbers 64,2, Có/Không, Vietnam time."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.actions import record
from chiso.audit.exporting import describe_details
from tests.assessments.office_world import client_for

LIST = "/audit/"
EXPORT = "/audit/export.xlsx"


def test_an_item_change_reads_in_words_with_decimal_commas() -> None:
    text = describe_details(
        {
            "value": ["64.2", "70"],
            "not_applicable": [False, True],
            "justification": ["", "Đã ban hành"],
        }
    )
    assert text == "giá trị: 64,2 → 70; không đánh giá: Không → Có; thuyết minh: — → Đã ban hành"


def test_codes_are_not_numbers_and_times_are_vietnamese() -> None:
    text = describe_details(
        {"item": "1.2", "removed_at": [None, "2026-11-28T20:59:00+00:00"], "size": 12345}
    )
    assert "mục: 1.2" in text  # an item code stays as written
    assert (
        "thời điểm gỡ: — → 29/11/2026 03:59" in text
    )  # UTC 20:59 is 03:59 the next day in Vietnam
    assert "dung lượng (byte): 12345" in text


def test_appraisal_and_stage_changes_are_named() -> None:
    text = describe_details(
        {
            "appraised_value_1": [None, "0.5"],
            "needs_explanation": [False, True],
            "stage": ["draft", "explanation"],
            "assessments": {"stp": "appraisal_1"},
        }
    )
    assert "giá trị thẩm định lần 1: — → 0,5" in text
    assert "cần giải trình: Không → Có" in text
    assert "giai đoạn: Đang tự đánh giá → Giải trình" in text
    assert "stp: Thẩm định lần 1" in text


@pytest.fixture
def opened(world: Any, rnd: Round) -> Round:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    e = stp.entries.get(code="1.2")
    a.save_self_assessment(
        stp,
        "1.2",
        value=Decimal("2.5"),
        not_applicable=False,
        justification="Đã nộp",
        expected_version=e.version,
        actor=world.lan,
    )
    return rnd


def test_the_list_names_the_action_and_the_person_and_shows_no_json(
    world: Any, opened: Round
) -> None:
    page = client_for(world.tuan).get(LIST).content.decode()
    html = page.split('id="audit-rows"')[1]
    assert '<span title="assessments.item.self_assessed">Tự đánh giá mục</span>' in html
    assert '<span title="lan">Nguyễn Thị Lan</span>' in html
    assert "giá trị: — → 2,5" in html
    assert "Mở đợt đánh giá" in html
    # round.opened lists its deadlines by name and day, not as JSON.
    assert '{"' not in html and '["' not in html
    assert re.search(r"các thời hạn: tự đánh giá: \d\d/\d\d/\d{4}", html)


def test_the_export_matches_the_page(world: Any, opened: Round) -> None:
    content = client_for(world.tuan).get(EXPORT).content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    mine = next(r for r in rows if r[2] == "Tự đánh giá mục")
    assert mine[1] == "Nguyễn Thị Lan (lan)"
    assert "giá trị: — → 2,5" in mine[5]
    english = client_for(world.tuan).get(EXPORT, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200


def test_unknown_actions_and_keys_stay_as_stored(world: Any) -> None:
    record("test.something", actor=world.tuan, data={"weird_key": 3})
    html = client_for(world.tuan).get(LIST).content.decode()
    assert "test.something" in html and "weird_key: 3" in html
