"""The demo province reproduces what the province reported, and building it twice is harmless."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Avg
from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.demo.build import DEMO_PASSWORD, build
from chiso.org.models import Agency, Position
from chiso.results.models import AgencyScore, ResultSet


def mean_final(year: int) -> Decimal:
    mean = AgencyScore.objects.filter(result_set__year=year).aggregate(m=Avg("final"))["m"]
    return Decimal(mean).quantize(Decimal("0.01"))


def test_it_reproduces_the_provinces_mean_scores(demo: None) -> None:
    # source-article.txt: "trung bình là 82,22%, tăng 7,6% so với năm 2022 (74,62%)".
    assert mean_final(2022) == Decimal("74.62")
    assert mean_final(2023) == Decimal("82.22")
    assert AgencyScore.objects.filter(result_set__year=2023).count() == 28


def test_it_reproduces_the_district_block_classes(demo: None) -> None:
    districts = {rs.year: rs for rs in ResultSet.objects.filter(block__code="huyen")}
    counts_2022 = {k: v for k, v in districts[2022].class_counts.items() if v}
    counts_2023 = {k: v for k, v in districts[2023].class_counts.items() if v}
    assert counts_2022 == {"Khá": 5, "Trung bình": 4}
    assert counts_2023 == {"Tốt": 8, "Khá": 1}
    assert not AgencyScore.objects.filter(result_set__year=2023, classification="Yếu").exists()


def test_the_economic_zone_board_led_the_departments_in_2022(demo: None) -> None:
    first = AgencyScore.objects.get(
        result_set__year=2022, result_set__block__code="so-ban-nganh", rank=1
    )
    assert (first.agency.code, first.final) == ("bqlkkt", Decimal("85.70"))


def test_every_score_is_explained_and_traceable_to_inputs(demo: None) -> None:
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="stp")
    leaves = [n for n in score.nodes if n["depth"] > 0]
    assert leaves and all(n["explanation"]["vi"] and n["explanation"]["en"] for n in leaves)
    assert score.inputs["values"] or score.inputs["facts"]
    deputies = [ld for ld in score.leaders if ld["role"] == "deputy"]
    assert deputies and all(ld["assigned"] for ld in deputies)


def test_it_is_idempotent(demo: None) -> None:
    counts = (Agency.objects.count(), AgencyScore.objects.count(), AuditEvent.objects.count())
    build(progress=lambda _: None)
    assert (
        Agency.objects.count(),
        AgencyScore.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_it_records_the_2025_mergers(demo: None) -> None:
    merged = Agency.objects.get(code="snnmt")
    assert {a.code for a in merged.predecessors()} == {"snnptnt", "stnmt"}


def test_heads_carry_the_title_of_their_kind_of_agency(demo: None) -> None:
    heads = dict(
        Position.objects.filter(role=Position.Role.HEAD).values_list("agency__code", "title")
    )
    assert heads["ttt"] == "Chánh Thanh tra"
    assert heads["bqlkkt"] == "Trưởng ban"
    assert heads["stp"] == "Giám đốc"
    assert heads["tuyhoa"] == "Chủ tịch UBND"


def test_the_command_refuses_a_production_configuration(db: Any, settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="không chạy khi DEBUG=0"):
        call_command("demo")
    assert not Agency.objects.exists()


def test_the_command_prints_the_logins(db: Any, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo", "--force")
    out = capsys.readouterr().out
    assert "tuan" in out and "lan" in out and DEMO_PASSWORD in out


def test_the_reform_office_sees_the_results_page_with_both_years(demo: None) -> None:
    client = Client()
    assert client.login(username="tuan", password=DEMO_PASSWORD)
    page = client.get("/results/").content.decode()
    assert "82,22%" in page and "74,62" in page and "+7,60" in page
    block = client.get("/results/2023/huyen/").content.decode()
    assert "UBND thành phố Tuy Hòa" in block and "88,62" in block and "78,45" in block


def test_an_agency_page_links_its_results_by_year(demo: None) -> None:
    client = Client()
    assert client.login(username="lan", password=DEMO_PASSWORD)
    page = client.get("/org/agencies/stp/").content.decode()
    assert "/results/2023/so-ban-nganh/stp/" in page and "90,36" in page and "76,06" in page


def test_explanations_show_points_as_the_framework_writes_them(demo: None) -> None:
    score = AgencyScore.objects.get(result_set__year=2023, agency__code="tuyhoa")
    field_one = score.node("1")
    assert field_one is not None
    # "… / 12 × 100", never "/ 12,0000 × 100" (the database keeps four decimal places).
    assert "/ 12 × 100" in field_one["explanation"]["vi"]
