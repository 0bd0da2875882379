"""Review s6, M3/M4/L4: a measured value (days late, a rate) is shown and audited as what it is,
with the points it gives, and a value outside its range is refused naming the item.

The framework here has measured items like the shipped ones (so-ban-nganh 1.1 and 1.2):

- 1 (4): 1.1 yes/no (1); 1.2 days late, tiered: ≤ 0 → 3, ≤ 15 → 1,5, otherwise 0
- 2 (2): 2.1 a rate, ratio rule (unit %): 2 × value / 100
- 3 (4): 3.1 manual at levels 2, 1, 0; 3.2 the fact ``dossier.on_time_rate``
- 4 (4): 4.1–4.4 manual, 1 point each
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chiso.api.actions import create_token
from chiso.assessments import actions as a
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.frameworks.models import Framework
from tests.assessments.conftest import tiny_framework
from tests.assessments.office_world import client_for, entry

D = Decimal
HTMX = {"HTTP_HX_REQUEST": "true"}
DAYS = {
    "type": "tiered",
    "unit": "ngày",
    "bands": [{"lte": D(0), "points": D(3)}, {"lte": D(15), "points": D("1.5")}, {"points": D(0)}],
}


def measured_framework() -> dict[str, Any]:
    spec = tiny_framework()
    spec["total_points"] = D(14)
    field_1, field_2 = spec["nodes"][0], spec["nodes"][1]
    field_1["children"][1] = {
        "code": "1.2",
        "title": "Ban hành kế hoạch CCHC đúng hạn",
        "max_points": D(3),
        "rule": DAYS,
        "guidance": "Nhập số ngày ban hành trễ so với thời hạn (0 nếu đúng hạn).",
    }
    field_2["children"][0] = {
        "code": "2.1",
        "title": "Tỷ lệ nhiệm vụ hoàn thành",
        "max_points": D(2),
        "rule": {"type": "ratio"},
    }
    spec["nodes"].append(
        {
            "code": "4",
            "title": "Cải cách tổ chức bộ máy",
            "max_points": D(4),
            "children": [
                {"code": f"4.{i}", "title": f"Nội dung 4.{i}", "max_points": D(1), "rule": {}}
                for i in range(1, 5)
            ],
        }
    )
    for leaf in spec["nodes"][3]["children"]:
        leaf["rule"] = {"type": "manual"}
    return spec


@pytest.fixture
def framework(world: Any) -> Framework:
    """Overrides the tiny framework of tests/assessments/conftest.py for this module's round."""
    fw = import_framework(measured_framework(), actor=world.tuan)
    return publish_framework(fw, actor=world.tuan)


@pytest.fixture
def stp(world: Any, rnd: Round) -> Assessment:
    return Assessment.objects.get(round=rnd, agency=world.stp)


def save_self(world: Any, stp: Assessment, code: str, value: str) -> Any:
    return a.save_self_assessment(
        stp,
        code,
        value=D(value),
        not_applicable=False,
        justification="",
        expected_version=entry(stp, code).version,
        actor=world.lan,
    )


def refusal(world: Any, stp: Assessment, code: str, value: str) -> str:
    with pytest.raises(a.AssessmentError) as caught:
        save_self(world, stp, code, value)
    return str(caught.value)


# ---------------------------------------------------------------------------- M4: ranges


def test_a_rate_over_100_and_negative_days_are_refused_naming_the_item(
    world: Any, stp: Assessment
) -> None:
    assert refusal(world, stp, "2.1", "150") == (
        "Mục 2.1 «Tỷ lệ nhiệm vụ hoàn thành»: Tỷ lệ phải từ 0% đến 100%, không thể là 150%."
    )
    assert refusal(world, stp, "2.1", "-1") == (
        "Mục 2.1 «Tỷ lệ nhiệm vụ hoàn thành»: Tỷ lệ phải từ 0% đến 100%, không thể là -1%."
    )
    assert refusal(world, stp, "1.2", "-5") == (
        "Mục 1.2 «Ban hành kế hoạch CCHC đúng hạn»: Số ngày không được âm (đã nhập: -5)."
    )
    # Nothing was written: no value, no audit row.
    assert entry(stp, "2.1").self_value is None and entry(stp, "1.2").self_value is None
    assert not AuditEvent.objects.filter(action="assessments.item.self_assessed").exists()
    # The edges are values like any other.
    save_self(world, stp, "2.1", "100")
    save_self(world, stp, "1.2", "0")
    assert entry(stp, "2.1").self_value == 100 and entry(stp, "1.2").self_value == 0


def test_the_range_message_is_english_on_an_english_page(world: Any, stp: Assessment) -> None:
    with translation.override("en"):
        message = refusal(world, stp, "1.2", "-5")
    assert message == (
        "Item 1.2 «Ban hành kế hoạch CCHC đúng hạn»: Number of days cannot be negative "
        "(entered: -5)."
    )


def test_lan_sees_the_refusal_under_the_item_on_her_page(world: Any, stp: Assessment) -> None:
    url = reverse("assessments:item", args=[stp.pk, "2.1"])
    html = (
        client_for(world.lan)
        .post(url, {"value": "150", "justification": "", "expected_version": "1"}, **HTMX)
        .content.decode()
    )
    assert "Tỷ lệ phải từ 0% đến 100%, không thể là 150%." in html
    assert 'value="150"' in html  # what she typed stays in the box
    assert entry(stp, "2.1").self_value is None


def test_the_api_refuses_the_same_values_with_422(world: Any, stp: Assessment) -> None:
    token = create_token(world.lan, name="lan-system", actor=None)[1]
    url = f"/api/assessments/{stp.pk}/items/1.2/self"
    body = {"value": "-5", "not_applicable": False, "justification": "", "expected_version": 1}
    response = Client().put(
        url, body, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Mục 1.2 «Ban hành kế hoạch CCHC đúng hạn»: Số ngày không được âm (đã nhập: -5)."
    )
    assert entry(stp, "1.2").self_value is None


def test_appraisers_and_the_council_are_held_to_the_same_range(
    world: Any, rnd: Round, stp: Assessment
) -> None:
    for code, value in {"1.1": "1", "1.2": "3", "2.1": "90", "3.1": "2"}.items():
        save_self(world, stp, code, value)
    for i in range(1, 5):
        save_self(world, stp, f"4.{i}", "1")
    a.submit_assessment(stp, actor=world.lan)
    a.approve_submission(stp, actor=world.nam)
    a.assign_appraiser(rnd, world.stp, "2", world.minh, actor=world.tuan)
    e = entry(stp, "2.1")
    with pytest.raises(a.AssessmentError) as caught:
        a.record_appraisal(
            e, 1, value=D("101"), comment="", expected_version=e.version, actor=world.minh
        )
    assert "Tỷ lệ phải từ 0% đến 100%, không thể là 101%." in str(caught.value)


# ---------------------------------------------------------------------------- L4: which items


def test_refusing_a_submission_names_the_items_left(world: Any, stp: Assessment) -> None:
    with pytest.raises(a.AssessmentError) as caught:
        a.submit_assessment(stp, actor=world.lan)
    assert str(caught.value) == (
        "Còn 8 mục chưa nhập giá trị hoặc dấu không đánh giá: 1.1, 1.2, 2.1, 3.1, 4.1 "
        "và 3 mục khác."
    )
    for code in ("1.1", "1.2", "2.1", "3.1", "4.1"):
        save_self(world, stp, code, "1" if code != "2.1" else "50")
    with pytest.raises(a.AssessmentError) as caught:
        a.submit_assessment(stp, actor=world.lan)
    assert str(caught.value) == (
        "Còn 3 mục chưa nhập giá trị hoặc dấu không đánh giá: 4.2, 4.3, 4.4."
    )


# ---------------------------------------------------------------------------- M3: words


@pytest.fixture
def approved(world: Any, rnd: Round, stp: Assessment) -> Assessment:
    """Lan enters 0 days late on 1.2 (the best value: 3 points) and 90,9 % on 2.1; Nam
    approves; Minh appraises fields 1 and 2."""
    for code, value in {"1.1": "1", "1.2": "0", "2.1": "90.9", "3.1": "2"}.items():
        save_self(world, stp, code, value)
    for i in range(1, 5):
        save_self(world, stp, f"4.{i}", "1")
    a.submit_assessment(stp, actor=world.lan)
    a.approve_submission(stp, actor=world.nam)
    a.assign_appraiser(rnd, world.stp, "1", world.minh, actor=world.tuan)
    a.assign_appraiser(rnd, world.stp, "2", world.minh, actor=world.tuan)
    return Assessment.objects.get(pk=stp.pk)


def appraisal_page(world: Any, stp: Assessment, field: str, lang: str = "vi") -> str:
    client = client_for(world.minh)
    url = reverse("assessments:appraise", args=[stp.pk, field])
    return client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def test_minh_reads_the_agency_value_with_its_unit_and_points(
    world: Any, approved: Assessment
) -> None:
    html = appraisal_page(world, approved, "1")
    e12 = entry(approved, "1.2")
    # 0 days late is the best value (3 points), never "0 points".
    assert "Giá trị cơ quan kê khai" in html and "Điểm cơ quan tự chấm" not in html
    assert 'data-testid="self-value">0 ngày → 3 điểm<' in html
    assert (
        f'<label class="form-label small" for="value-{e12.pk}">Số ngày, thẩm định lần 1</label>'
        in html
    )
    assert 'placeholder="cơ quan: 0 ngày"' in html
    assert "Đồng ý với cơ quan (0 ngày)" in html
    # Points entered directly stay points; a yes/no item says what "Có" gives.
    assert 'data-testid="self-value">Có → 1 điểm<' in html
    rate = appraisal_page(world, approved, "2")
    assert 'data-testid="self-value">90,9% → 1,82 điểm<' in rate
    assert "Tỷ lệ (%), thẩm định lần 1" in rate


def test_after_saving_minh_sees_what_his_value_gives(world: Any, approved: Assessment) -> None:
    e = entry(approved, "1.2")
    url = reverse("assessments:appraise_item", args=[e.pk])
    html = (
        client_for(world.minh)
        .post(
            url, {"value": "20", "comment": "Ban hành trễ", "expected_version": e.version}, **HTMX
        )
        .content.decode()
    )
    assert "Đã lưu: 20 ngày → 0 điểm" in html


def test_the_english_page_names_the_unit_too(world: Any, approved: Assessment) -> None:
    client = client_for(world.minh)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("assessments:appraise", args=[approved.pk, "1"])).content.decode()
    assert "Value the agency entered" in html
    assert 'data-testid="self-value">0 days → 3 points<' in html
    assert "Number of days, appraisal round 1" in html and "Points, round" not in html


def test_the_audit_trail_labels_a_measured_value_as_a_value_with_its_points(
    world: Any, stp: Assessment
) -> None:
    save_self(world, stp, "2.1", "91.3")
    save_self(world, stp, "1.2", "0")
    html = client_for(world.tuan).get("/audit/").content.decode()
    rows = html.split('id="audit-rows"')[1]
    # One part per key; PostgreSQL's jsonb keeps keys in its own order, so parts are checked
    # one by one.
    rate = next(r for r in rows.split("<tr") if "2.1" in r and "giá trị:" in r)
    assert "giá trị: — → 91,3" in rate and "đơn vị: %" in rate and "điểm: — → 1,83" in rate
    days = next(r for r in rows.split("<tr") if "1.2" in r and "giá trị:" in r)
    assert "giá trị: — → 0" in days and "đơn vị: ngày" in days and "điểm: — → 3" in days
    assert "điểm: — → 91,3" not in html


def test_lan_reads_her_measured_values_with_their_unit(world: Any, approved: Assessment) -> None:
    html = (
        client_for(world.lan)
        .get(reverse("assessments:assessment", args=[approved.pk]))
        .content.decode()
    )
    assert "0 ngày" in html and "90,9%" in html
