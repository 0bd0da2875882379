"""Appraisers' and council pages: worklist, item-by-item appraisal with htmx, conflicts, history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, ItemEntry, Round, Stage
from chiso.audit.models import AuditEvent
from tests.assessments.office_world import appraise, approved_stp, client_for, entry

PERSONAS = ("tuan", "lan", "nam", "minh", "hanh", "mai", "khach")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def stp(world: Any, rnd: Round) -> Assessment:
    return approved_stp(world, rnd)


def save(client: Any, e: ItemEntry, htmx: bool = True, **data: Any) -> Any:
    data.setdefault("expected_version", e.version)
    url = reverse("assessments:appraise_item", args=[e.pk])
    return client.post(url, data, **(HTMX if htmx else {}))


def test_the_worklist_shows_minh_his_fields_with_what_is_left(world: Any, stp: Assessment) -> None:
    appraise(world, stp, "1.1", "1")
    html = client_for(world.minh).get(reverse("assessments:worklist")).content.decode()
    assert "Sở Tư pháp" in html and "Sở Xây dựng" not in html
    assert reverse("assessments:appraise", args=[stp.pk, "1"]) in html
    assert "1/2" in html  # field 1: 1.2 left of 1.1 and 1.2
    assert "1/1" in html  # field 3: 3.1 left (3.2 is computed from data)


def test_worklist_and_appraisal_pages_by_persona(world: Any, stp: Assessment) -> None:
    urls = {
        reverse("assessments:worklist"): {"minh": 200},
        reverse("assessments:appraise", args=[stp.pk, "3"]): {"minh": 200, "tuan": 200},
        # Field 2 is not Minh's: it does not exist for him.
        reverse("assessments:appraise", args=[stp.pk, "2"]): {"tuan": 200},
    }
    for url, allowed in urls.items():
        assert client_for(None).get(url).status_code == 302
        for name in PERSONAS:
            status = client_for(getattr(world, name)).get(url).status_code
            expected = allowed.get(name, 403 if url.endswith("/appraisal/") else 404)
            assert status == expected, (url, name, status)


def test_only_the_assigned_appraiser_can_save_an_item(world: Any, stp: Assessment) -> None:
    e = entry(stp, "3.1")
    for name in PERSONAS:
        if name == "minh":
            continue
        response = save(client_for(getattr(world, name)), e, value="1", comment="x")
        assert response.status_code in (403, 404), name
    assert (
        client_for(None).post(reverse("assessments:appraise_item", args=[e.pk])).status_code == 302
    )
    assert entry(stp, "3.1").appraised_value_1 is None
    field_2 = entry(stp, "2.1")  # not assigned to Minh
    assert save(client_for(world.minh), field_2, value="1").status_code == 404


def test_the_page_shows_self_value_justification_evidence_and_rule(
    world: Any, stp: Assessment
) -> None:
    html = client_for(world.minh).get(reverse("assessments:appraise", args=[stp.pk, "1"]))
    text = html.content.decode()
    assert "Đã thực hiện mục 1.2" in text  # the agency's justification
    assert "bao-cao-cchc.pdf" in text
    evidence = stp.evidence.get()
    assert reverse("assessments:evidence_download", args=[evidence.pk]) in text
    assert "Báo cáo CCHC" in text and "Kế hoạch CCHC năm" in text
    assert text.count('name="expected_version"') == 2  # one form per item of field 1


def test_minh_appraises_an_item_with_htmx_and_marks_it_for_explanation(
    world: Any, stp: Assessment
) -> None:
    e = entry(stp, "3.1")
    response = save(
        client_for(world.minh),
        e,
        value="1",
        comment="Thiếu kế hoạch rà soát",
        needs_explanation="on",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<article")  # only the item comes back
    assert f'value="{e.version + 1}"' in html  # the next save sends the new version
    e.refresh_from_db()
    assert (e.appraised_value_1, e.appraiser_comment_1, e.needs_explanation) == (
        Decimal(1),
        "Thiếu kế hoạch rà soát",
        True,
    )
    assert Assessment.objects.get(pk=stp.pk).status == Stage.APPRAISAL_1
    row = AuditEvent.objects.get(action="assessments.item.appraised_1")
    assert row.actor == world.minh
    # The item's history lists the change: who, old → new.
    assert "Trần Văn Minh" in html and "— → 1" in html and "Thiếu kế hoạch rà soát" in html


def test_a_stale_version_shows_who_changed_it_and_keeps_what_was_typed(
    world: Any, stp: Assessment
) -> None:
    e = entry(stp, "3.1")
    appraise(world, stp, "3.1", "2", comment="Đạt")  # meanwhile, in another tab
    response = save(client_for(world.minh), e, value="0", comment="Không đạt, thiếu hồ sơ")
    html = response.content.decode()
    assert "Mục này vừa được Trần Văn Minh sửa lúc" in html and "hãy tải lại." in html
    assert 'value="0" checked' in html and "Không đạt, thiếu hồ sơ" in html
    assert entry(stp, "3.1").appraised_value_1 == Decimal(2)  # nothing overwritten


def test_a_value_outside_the_levels_is_refused_by_name_and_kept(
    world: Any, stp: Assessment
) -> None:
    e = entry(stp, "3.1")
    response = save(client_for(world.minh), e, htmx=False, value="1,5", comment="Một phần")
    assert response.status_code == 400  # the whole page, for a browser without htmx
    html = response.content.decode()
    assert "Mục 3.1 «Rà soát TTHC»: Điểm 1,5 không thuộc các mức cho phép: 2; 1; 0" in html
    assert "Một phần" in html  # a levels item has radios: the comment typed is kept
    words = save(client_for(world.minh), e, value="hai", comment="")
    assert "«hai»" in words.content.decode()
    assert entry(stp, "3.1").version == e.version


def test_a_plain_form_post_saves_and_returns_to_the_item(world: Any, stp: Assessment) -> None:
    e = entry(stp, "1.1")
    response = save(client_for(world.minh), e, htmx=False, value="0", comment="Chưa ban hành")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{e.pk}")
    assert entry(stp, "1.1").appraised_value_1 == Decimal(0)


def test_the_reform_office_reads_the_appraisal_page_without_forms(
    world: Any, stp: Assessment
) -> None:
    html = client_for(world.tuan).get(reverse("assessments:appraise", args=[stp.pk, "3"]))
    assert 'name="expected_version"' not in html.content.decode()


def test_round_2_shows_the_explanation_and_saves_round_2_points(
    world: Any, rnd: Round, stp: Assessment
) -> None:
    appraise(world, stp, "3.1", "0", comment="Thiếu", needs_explanation=True)
    a.close_appraisal_1(rnd, actor=world.tuan)
    e = entry(stp, "3.1")
    a.submit_explanation(
        e, text="Đã bổ sung kế hoạch số 12/KH", expected_version=e.version, actor=world.lan
    )
    a.close_explanation(rnd, actor=world.tuan)
    html = client_for(world.minh).get(reverse("assessments:appraise", args=[stp.pk, "3"]))
    text = html.content.decode()
    assert "Đã bổ sung kế hoạch số 12/KH" in text
    assert 'name="needs_explanation"' not in text  # round 2 has no such mark
    e = entry(stp, "3.1")
    save(client_for(world.minh), e, value="2", comment="Đạt sau giải trình")
    e.refresh_from_db()
    assert (e.appraised_value_1, e.appraised_value_2) == (Decimal(0), Decimal(2))


def at_council(world: Any, rnd: Round, stp: Assessment) -> None:
    appraise(world, stp, "3.1", "0", comment="Thiếu kế hoạch", needs_explanation=True)
    appraise(world, stp, "1.2", "2", comment="Báo cáo muộn")
    for close in (a.close_appraisal_1, a.close_explanation, a.close_appraisal_2):
        close(rnd, actor=world.tuan)


def test_the_council_sees_the_largest_gaps_first_and_decides(
    world: Any, rnd: Round, stp: Assessment
) -> None:
    at_council(world, rnd, stp)
    client = client_for(world.tuan)
    html = client.get(reverse("assessments:council", args=[rnd.pk])).content.decode()
    assert html.index("Rà soát TTHC") < html.index("Báo cáo CCHC")  # gap 2 before gap 1
    assert "Thiếu kế hoạch" in html and "Báo cáo muộn" in html  # what each step said
    e = entry(stp, "3.1")
    url = reverse("assessments:council_decide", args=[e.pk])
    response = client.post(
        url,
        {"value": "1", "note": "Hội đồng chấp nhận một phần", "expected_version": e.version},
        **HTMX,
    )
    assert response.status_code == 200
    e.refresh_from_db()
    assert (e.council_value, e.council_note) == (Decimal(1), "Hội đồng chấp nhận một phần")
    assert "Hội đồng chấp nhận một phần" in response.content.decode()
    stale = client.post(url, {"value": "2", "note": "", "expected_version": 1}, **HTMX)
    assert "hãy tải lại" in stale.content.decode()
    assert entry(stp, "3.1").council_value == Decimal(1)
    assert AuditEvent.objects.filter(action="assessments.item.council_decided").count() == 1


def test_council_decisions_wait_for_the_council_stage(
    world: Any, rnd: Round, stp: Assessment
) -> None:
    appraise(world, stp, "3.1", "0")
    html = client_for(world.tuan).get(reverse("assessments:council", args=[rnd.pk]))
    assert 'name="expected_version"' not in html.content.decode()
    e = entry(stp, "3.1")
    url = reverse("assessments:council_decide", args=[e.pk])
    refused = client_for(world.tuan).post(url, {"value": "1", "expected_version": e.version})
    assert refused.status_code == 400
    assert entry(stp, "3.1").council_value is None
