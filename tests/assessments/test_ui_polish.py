"""What people see on the appraisal, council, round and agency pages after the UI review:
conflicts that stay refused until reloaded, the agency's inputs, field names, focus, live region."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, ItemEntry, Round
from tests.assessments.office_world import appraise, approved_stp, client_for, entry

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def stp(world: Any, rnd: Round) -> Assessment:
    return approved_stp(world, rnd)


def form_version(html: str) -> int:
    found = re.search(r'name="expected_version" value="(-?\d+)"', html)
    assert found, "the item has no form"
    return int(found[1])


def post_appraisal(world: Any, e: ItemEntry, version: int, **data: Any) -> str:
    url = reverse("assessments:appraise_item", args=[e.pk])
    response = client_for(world.minh).post(url, {**data, "expected_version": version}, **HTMX)
    return str(response.content.decode())


def test_after_a_conflict_saving_again_is_refused_until_the_item_is_reloaded(
    world: Any, stp: Assessment
) -> None:
    e = entry(stp, "1.2")
    seen = e.version
    appraise(world, stp, "1.2", "2", comment="Đạt")  # another tab saves first
    first = post_appraisal(world, e, seen, value="1", comment="Thiếu số liệu")
    assert "hãy tải lại" in first
    assert 'value="1"' in first and "Thiếu số liệu" in first  # what was typed stays
    assert form_version(first) == seen  # the stale version, not the fresh one
    page = reverse("assessments:appraise", args=[stp.pk, "1"])
    assert f'href="{page}#item-{e.pk}"' in first and "Tải lại mục này" in first
    # Clicking Save again sends what the form carries: refused again, nothing overwritten.
    second = post_appraisal(world, e, form_version(first), value="1", comment="Thiếu số liệu")
    assert "hãy tải lại" in second
    assert entry(stp, "1.2").appraised_value_1 == Decimal(2)
    # The reload shows the other person's value and the current version.
    fresh = client_for(world.minh).get(page).content.decode()
    assert f'name="expected_version" value="{entry(stp, "1.2").version}"' in fresh


def test_the_council_form_keeps_the_stale_version_after_a_conflict(
    world: Any, rnd: Round, stp: Assessment
) -> None:
    appraise(world, stp, "1.2", "1", comment="Báo cáo muộn")
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)
    e = entry(stp, "1.2")
    seen = e.version
    a.record_council_decision(e, value=Decimal(2), note="", expected_version=seen, actor=world.tuan)
    url = reverse("assessments:council_decide", args=[e.pk])
    client = client_for(world.tuan)
    first = client.post(url, {"value": "3", "note": "Ý kiến", "expected_version": seen}, **HTMX)
    html = first.content.decode()
    assert "hãy tải lại" in html and "Tải lại mục này" in html and "Ý kiến" in html
    assert form_version(html) == seen
    again = client.post(url, {"value": "3", "note": "", "expected_version": form_version(html)})
    assert again.status_code == 400
    assert entry(stp, "1.2").council_value == Decimal(2)


def test_yes_no_and_level_items_use_the_agency_widgets_and_words(
    world: Any, stp: Assessment
) -> None:
    html = (
        client_for(world.minh)
        .get(reverse("assessments:appraise", args=[stp.pk, "1"]))
        .content.decode()
    )
    e11 = entry(stp, "1.1")
    # 1.1 is a yes/no item: the agency's value reads "Có" with the points it gives, the
    # appraiser picks Có/Không.
    assert re.search(r'data-testid="self-value">Có → 1 điểm<', html)
    assert f'type="radio" name="value" id="value-{e11.pk}-1" value="1"' in html
    # 1.2 is a number: the agency's value is a hint, never a pre-filled answer.
    e12 = entry(stp, "1.2")
    assert f'id="value-{e12.pk}" name="value" inputmode="decimal" value=""' in html
    assert 'placeholder="cơ quan: 3"' in html
    assert 'data-agree="3"' in html and "Đồng ý với cơ quan (3)" in html
    levels = (
        client_for(world.minh)
        .get(reverse("assessments:appraise", args=[stp.pk, "3"]))
        .content.decode()
    )
    e31 = entry(stp, "3.1")
    assert levels.count(f'name="value" id="value-{e31.pk}-') == 3  # levels 2, 1, 0


def test_worklist_and_breadcrumb_name_the_field(world: Any, stp: Assessment) -> None:
    worklist = client_for(world.minh).get(reverse("assessments:worklist")).content.decode()
    assert "1. Công tác chỉ đạo, điều hành" in worklist
    assert "Lĩnh vực 1" not in worklist
    page = (
        client_for(world.minh)
        .get(reverse("assessments:appraise", args=[stp.pk, "1"]))
        .content.decode()
    )
    assert "Sở Tư pháp · 1. Công tác chỉ đạo, điều hành</li>" in page


def test_buttons_keep_ids_and_the_saved_message_goes_to_the_live_region(
    world: Any, stp: Assessment
) -> None:
    e = entry(stp, "1.2")
    page = (
        client_for(world.minh)
        .get(reverse("assessments:appraise", args=[stp.pk, "1"]))
        .content.decode()
    )
    assert page.count('id="save-status"') == 1 and 'aria-live="polite"' in page
    assert f'id="save-{e.pk}"' in page  # htmx puts the focus back on it after the swap
    assert "📎" not in page and 'aria-hidden="true"' in page  # the evidence icon is silent
    html = post_appraisal(world, e, e.version, value="2", comment="")
    assert re.search(r'id="save-status"[^>]*hx-swap-oob="innerHTML">[^<]*1\.2', html)
    assert f'id="save-{e.pk}"' in html


def test_the_agency_answer_swaps_its_notice_into_the_live_region(world: Any, rnd: Round) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    e = entry(stp, "1.2")
    client = client_for(world.lan)
    page = client.get(reverse("assessments:assessment", args=[stp.pk])).content.decode()
    assert page.count('id="save-status"') == 1
    assert f'id="save-{e.pk}"' in page and f'id="upload-{e.pk}"' in page
    url = reverse("assessments:item", args=[stp.pk, "1.2"])
    html = client.post(
        url, {"value": "2", "justification": "", "expected_version": e.version}, **HTMX
    ).content.decode()
    assert re.search(r'id="save-status"[^>]*hx-swap-oob="innerHTML">Mục 1\.2', html)


def test_viewers_get_no_council_link_and_no_extension_form_after_finalising(
    world: Any, rnd: Round, stp: Assessment
) -> None:
    url = reverse("assessments:round", args=[rnd.pk])
    council = reverse("assessments:council", args=[rnd.pk])
    assert council not in client_for(world.hanh).get(url).content.decode()
    office = client_for(world.tuan).get(url).content.decode()
    assert council in office and reverse("assessments:round_extend", args=[rnd.pk]) in office
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)
    a.finalise_round(rnd, actor=world.tuan)
    finalised = client_for(world.tuan).get(url).content.decode()
    assert reverse("assessments:round_extend", args=[rnd.pk]) not in finalised
