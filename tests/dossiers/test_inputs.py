"""Manual period inputs of the 766 index: the action, the period fallback, the import, the
page's permissions, and the score card they feed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.dossiers.models import ServiceInput
from chiso.dossiers.scorecard import parse_period, score_card
from chiso.dossiers.serviceinputs import InputError, import_inputs, save_input
from tests.conftest import PASSWORD

PUBLISHED = "procedure.published_on_time_rate"


def _save(agency: Any, period: str, num: int, den: int, *, actor: Any, version: int = 0) -> Any:
    return save_input(
        agency,
        period,
        PUBLISHED,
        numerator=num,
        denominator=den,
        source="Cổng DVCQG, báo cáo 766",
        expected_version=version,
        actor=actor,
    )


def test_a_month_uses_its_quarter_then_its_year_and_the_province_adds_up(world: Any) -> None:
    _save(world.stp, "2024", 45, 50, actor=world.tuan)  # 90 %
    _save(world.stp, "2024-Q4", 19, 20, actor=world.tuan)  # 95 %
    _save(world.sxd, "2024", 10, 30, actor=world.tuan)
    stp = {
        label: score_card(parse_period(label), world.stp).metrics[PUBLISHED]
        for label in ("2024-11", "2024-Q4", "2024-05", "2024")
    }
    assert stp["2024-11"].value == stp["2024-Q4"].value == Decimal("95.00")
    assert stp["2024-05"].value == stp["2024"].value == Decimal("90.00")
    card = score_card(parse_period("2024"))
    metric = card.metrics[PUBLISHED]
    # (45 + 10) / (50 + 30) = 68,75 %; 1.1 is worth 6 points × 68,75 % = 4,13
    assert (metric.numerator, metric.denominator, metric.value) == (55, 80, Decimal("68.75"))
    assert next(g for g in card.groups if g["code"] == "1.1")["points"] == "4.13"
    assert card.sources[PUBLISHED].kind == "manual"
    assert card.sources[PUBLISHED].by == "tuan"


def test_the_action_checks_the_counts_the_version_and_audits(world: Any) -> None:
    with pytest.raises(InputError):
        _save(world.stp, "2024", 51, 50, actor=world.tuan)
    entry = _save(world.stp, "2024", 45, 50, actor=world.tuan)
    assert entry.version == 1
    with pytest.raises(InputError):  # saved by someone else since version 0 was read
        _save(world.stp, "2024", 40, 50, actor=world.tuan, version=0)
    _save(world.stp, "2024", 40, 50, actor=world.tuan, version=1)
    event = AuditEvent.objects.filter(action="dossiers.input.saved").order_by("pk").last()
    assert event is not None
    assert event.data["old"]["numerator"] == 45 and event.data["new"]["numerator"] == 40
    for user in (world.lan, world.nam, world.minh, world.hanh, world.mai, world.khach):
        with pytest.raises(PermissionDenied):
            _save(world.stp, "2024", 1, 2, actor=user, version=2)
    assert ServiceInput.objects.get().numerator == 40


def test_the_import_names_every_bad_row_and_writes_nothing(world: Any) -> None:
    header = "Mã cơ quan,Kỳ,Chỉ số,Tử số,Mẫu số,Nguồn,Ghi chú minh chứng\n"
    bad = header + (
        "stp,2024,1.1,45,50,Cổng DVCQG,\n"
        "khong-co,2024,1.1,45,50,Cổng DVCQG,\n"
        "stp,2024-13,1.2,45,50,Cổng DVCQG,\n"
        "stp,2024,9.9,45,50,Cổng DVCQG,\n"
        "stp,2024,1.3,60,50,Cổng DVCQG,\n"
        "stp,2024,1.1,45,50,Cổng DVCQG,\n"
    )
    report = import_inputs(bad.encode(), actor=world.tuan, filename="inputs.csv")
    lines = {(p.line, p.column) for p in report.problems}
    assert "Dòng 3, cột «Mã cơ quan»: không có cơ quan mã 'khong-co'" in [
        str(p) for p in report.problems
    ]
    assert {(4, "Kỳ"), (5, "Chỉ số"), (6, "Tử số"), (7, "")} <= lines
    assert ServiceInput.objects.count() == 0
    good = header + "stp,2024,1.1,45,50,Cổng DVCQG,\nsxd,2024-Q4,6.7,7,10,Cổng DVCQG,Ảnh chụp\n"
    report = import_inputs(good.encode(), actor=world.tuan, filename="inputs.csv")
    assert report.ok and report.created == 2
    assert ServiceInput.objects.get(agency=world.sxd).metric == "procedure.population_data_rate"


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# persona → (overview, Sở Tư pháp's page, Sở Xây dựng's page, may save)
MATRIX = {
    "tuan": (200, 200, 200, True),
    "lan": (200, 200, 404, False),
    "nam": (200, 200, 404, False),
    "minh": (200, 200, 200, False),
    "hanh": (200, 200, 200, False),
    "mai": (403, 403, 403, False),
    "khach": (403, 403, 403, False),
}


@pytest.mark.parametrize("persona", MATRIX)
def test_who_reads_and_who_saves(world: Any, persona: str) -> None:
    overview, own, other, saves = MATRIX[persona]
    client = _client(getattr(world, persona))
    assert client.get("/dossiers/inputs/?period=2024").status_code == overview
    assert client.get("/dossiers/inputs/?period=2024&agency=stp").status_code == own
    assert client.get("/dossiers/inputs/?period=2024&agency=sxd").status_code == other
    form = {"period": "2024", "version": "0", "numerator": "9", "denominator": "10"}
    response = client.post(
        f"/dossiers/inputs/stp/{PUBLISHED}/", form | {"source": "Cổng DVCQG"}, HTTP_HX_REQUEST="1"
    )
    assert response.status_code == (200 if saves else 403)
    assert ServiceInput.objects.exists() is saves


def test_an_agency_reads_its_figures_but_gets_no_form(world: Any) -> None:
    _save(world.stp, "2024", 45, 50, actor=world.tuan)
    page = _client(world.lan).get("/dossiers/inputs/?period=2024&agency=stp").content.decode()
    assert "45 / 50" in page and 'name="numerator"' not in page


def test_entering_a_figure_on_the_page_changes_the_agency_score_card(world: Any) -> None:
    before = score_card(parse_period("2024"), world.stp)
    assert before.metrics.get(PUBLISHED) is None
    client = _client(world.tuan)
    page = client.get("/dossiers/inputs/?period=2024&agency=stp").content.decode()
    assert 'id="num-procedurepublished_on_time_rate"' in page
    row = client.post(
        f"/dossiers/inputs/stp/{PUBLISHED}/",
        {
            "period": "2024",
            "version": "0",
            "numerator": "18",
            "denominator": "20",
            "source": "Cổng DVCQG",
        },
        HTTP_HX_REQUEST="1",
    ).content.decode()
    assert "90,00" in row and 'value="1"' in row  # the rate, and the next version to send
    after = score_card(parse_period("2024"), world.stp)
    assert after.metrics[PUBLISHED].value == Decimal("90.00")
    assert next(g for g in after.groups if g["code"] == "1.1")["points"] == "5.40"
    assert Decimal(after.score or 0) - Decimal(before.score or 0) == Decimal("5.40")
    # A second save with the stale version is refused and shown in the row.
    stale = client.post(
        f"/dossiers/inputs/stp/{PUBLISHED}/",
        {"period": "2024", "version": "0", "numerator": "1", "denominator": "20", "source": "x"},
        HTTP_HX_REQUEST="1",
    ).content.decode()
    assert 'aria-invalid="true"' in stale
    assert ServiceInput.objects.get().numerator == 18


def test_a_closed_survey_gives_the_dossier_satisfaction_rate(world: Any) -> None:
    from chiso.surveys.actions import (
        close_campaign,
        create_campaign,
        open_campaign,
        save_section,
        ship_templates,
        start_open_response,
        submit_response,
    )
    from tests.surveys.conftest import sipas_answers

    save_input(
        world.stp,
        "2024",
        "dossier.satisfaction_rate",
        numerator=9,
        denominator=10,
        source="Cổng DVCQG",
        expected_version=0,
        actor=world.tuan,
    )
    assert score_card(parse_period("2024"), world.stp).sources[
        "dossier.satisfaction_rate"
    ].kind == ("manual")
    shipped = {q.code: q for q in ship_templates()}
    campaign = create_campaign(
        actor=world.tuan,
        year=2024,
        name="Khảo sát hài lòng 2024",
        questionnaires=[shipped["sipas-nguoi-dan"]],
        agencies=[world.stp],
        open_questionnaire=shipped["sipas-nguoi-dan"],
        min_cell=2,
    )
    open_campaign(campaign, actor=world.tuan)
    campaign.refresh_from_db()
    for n, scale in enumerate(("5", "4", "2")):
        response = start_open_response(
            campaign, agency=world.stp, group="citizen", ip=f"10.0.0.{n}"
        )
        raw = sipas_answers(scale)
        for i, section in enumerate(response.questionnaire.spec.sections):
            save_section(response, i, {q.code: raw.get(q.code, "") for q in section.questions})
        submit_response(response)
    close_campaign(campaign, actor=world.tuan)
    card = score_card(parse_period("2024"), world.stp)
    metric = card.metrics["dossier.satisfaction_rate"]
    assert metric.value == Decimal("66.67")  # two of three satisfied on every question
    assert card.sources["dossier.satisfaction_rate"].kind == "survey"
    assert "Khảo sát hài lòng 2024" in card.sources["dossier.satisfaction_rate"].label
    province = score_card(parse_period("2024")).metrics["dossier.satisfaction_rate"]
    assert province.value == Decimal("66.67")


def test_an_agency_overview_lists_only_its_own_units_without_a_province_row(world: Any) -> None:
    _save(world.sxd, "2024", 45, 50, actor=world.tuan)
    page = _client(world.lan).get("/dossiers/inputs/?period=2024").content.decode()
    assert "Trung tâm Trợ giúp pháp lý" in page and "Sở Xây dựng" not in page
    assert "<tfoot>" not in page
    province = _client(world.hanh).get("/dossiers/inputs/?period=2024").content.decode()
    assert "Sở Xây dựng" in province and "<tfoot>" in province and "90,00" in province
