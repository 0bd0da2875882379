"""The 766 score card from ingested dossiers, by hand: four dossiers of Sở Tư pháp, January 2024.

H1 land, online, paid online, e-result, on time.  H2 land, at the desk, finished late, no
e-result.  H3 justice, online, still open, due 10/01: late at the end of January.  H4 justice,
at the desk, on time.  Land is fee-bearing, eligible end-to-end and returns a paper result;
justice is none of these.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.scorecard import parse_period, publish_facts, score_card
from chiso.facts.models import Fact
from tests.dossiers.helpers import make_procedures, record


@pytest.fixture
def january(world: Any) -> Any:
    make_procedures()
    ingest_records(
        [
            record("H1"),
            record(
                "H2",
                KenhThucHien=1,
                DuocThanhToanTrucTuyen=0,
                HinhThucTra=1,
                NgayKetThucXuLy="20240112090000",
                DanhSachGiayToKetQua=[],
            ),
            record(
                "H3",
                MaTTHC="2.000002",
                TrangThaiHoSo=4,
                NgayKetThucXuLy=None,
                NgayHenTra="20240110090000",
                DanhSachLePhi=[],
            ),
            record("H4", MaTTHC="2.000002", KenhThucHien=1, DanhSachLePhi=[]),
        ]
    )
    return world


def test_the_metrics_follow_the_portal_rules(january: Any) -> None:
    card = score_card(parse_period("2024-01"), january.stp)
    values = {name: m.value for name, m in card.metrics.items()}
    assert values["dossier.on_time_rate"] == Decimal("50.00")  # H1, H4 of 4
    assert values["dossier.online_rate"] == Decimal("50.00")  # H1, H3
    assert values["dossier.full_online_rate"] == Decimal("50.00")  # H1 of the land pair
    assert values["dossier.online_payment_rate"] == Decimal("50.00")  # H1 of H1, H2
    assert values["dossier.e_result_rate"] == Decimal("50.00")  # H1 of H1, H2
    points = {g["code"]: Decimal(g["points"]) for g in card.groups}
    assert points["2.1"] == Decimal("10.00")  # 20 × 50 %
    assert points["3.1"] == Decimal("6.00")  # 12 × 50 %


def test_a_still_open_dossier_is_on_time_in_a_period_ending_before_its_due_date(
    january: Any,
) -> None:
    # Measured at the end of 2024 the open H3 is late; in a month with no dossiers, nothing.
    assert score_card(parse_period("2024"), january.stp).metrics["dossier.on_time_rate"].value == 50
    assert (
        score_card(parse_period("2024-02"), january.stp).metrics["dossier.on_time_rate"].value
        is None
    )


def test_the_command_prints_the_card_as_json(january: Any, capsys: Any) -> None:
    call_command("service-index", "--period", "2024-Q1", "--agency", "stp", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["metrics"]["dossier.on_time_rate"] == {
        "numerator": 2,
        "denominator": 4,
        "value": "50.00",
    }
    call_command("service-index", "--period", "2024")
    assert "Toàn tỉnh" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("service-index", "--period", "2024-13")


def test_the_metrics_become_facts_for_the_annual_evaluation(january: Any) -> None:
    report = publish_facts(2024, actor=january.tuan)
    assert report.ok and report.created >= 5
    fact = Fact.objects.get(agency=january.stp, year=2024, name="dossier.on_time_rate")
    assert fact.value == Decimal("50.00") and "dossiers" in fact.source
    assert Fact.objects.filter(agency=january.stp, name="service_index.766").exists()


def test_an_open_dossier_paused_for_a_supplement_is_measured_without_the_pause(
    world: Any,
) -> None:
    # Received Mon 29/01 09:00, due Wed 31/01 09:00 (16 working hours); at the end of January
    # 22,5 hours have elapsed: late; with 8 hours of completed supplement: 14,5 hours, on time.
    make_procedures()
    common = {
        "DonViXuLy": "sxd",
        "TrangThaiHoSo": 4,
        "NgayKetThucXuLy": None,
        "NgayTiepNhan": "20240129090000",
        "NgayHenTra": "20240131090000",
    }
    pause = [{"NgayYeuCauBoSung": "20240129090000", "NgayCongDanBoSung": "20240130090000"}]
    ingest_records([record("S1", **common), record("S2", **common, DanhSachHoSoBoSung=pause)])
    metric = score_card(parse_period("2024-01"), world.sxd).metrics["dossier.on_time_rate"]
    assert (metric.numerator, metric.denominator) == (1, 2)
