"""The score cards of many agencies read together (issue 4: dashboards read in milliseconds):
the province dashboard's queries do not grow with the number of agencies, and every batched
card equals the card read on its own."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chiso.dossiers.conf import current_calendar, rule_settings
from chiso.dossiers.ingest import ingest_records
from chiso.dossiers.models import Dossier, Petition
from chiso.dossiers.scorecard import open_on_time_by_agency, parse_period, score_card, score_cards
from chiso.dossiers.serviceinputs import save_input
from chiso.dossiers.workcalendar import aware
from chiso.facts.models import Fact
from chiso.org.models import Agency
from tests.conftest import PASSWORD
from tests.dossiers.helpers import make_procedures, record


def add_agencies(world: Any, count: int) -> list[Agency]:
    """``count`` departments: the world's three and as many new ones as needed."""
    agencies = [world.stp, world.sxd, world.snv]
    for n in range(len(agencies), count):
        agencies.append(
            Agency.objects.create(code=f"so{n}", name=f"Sở thứ {n:02d}", type=world.stp.type)
        )
    return agencies[:count]


def dossiers_of(agency: Agency) -> list[dict[str, Any]]:
    """Finished on time, finished late, still open, open with a supplement request."""
    code = agency.code
    return [
        record(f"{code}-1", DonViXuLy=code),
        record(f"{code}-2", DonViXuLy=code, KenhThucHien=1, NgayKetThucXuLy="20240115090000"),
        record(f"{code}-3", DonViXuLy=code, TrangThaiHoSo=4, NgayKetThucXuLy=None),
        record(
            f"{code}-4",
            DonViXuLy=code,
            TrangThaiHoSo=4,
            NgayKetThucXuLy=None,
            DanhSachHoSoBoSung=[{"NgayYeuCauBoSung": "20240109090000"}],
        ),
    ]


def petition(code: str, agency: Agency, day: int, *, answered: bool, rating: int | None) -> None:
    received = aware(datetime.datetime(2024, 1, day, 9))
    Petition.objects.create(
        code=code,
        agency=agency,
        received_at=received,
        due_at=received + datetime.timedelta(days=20),
        answered_at=received + datetime.timedelta(days=3) if answered else None,
        satisfaction=rating if answered else None,
        channel="portal",
    )


def seed(world: Any, agencies: list[Agency]) -> None:
    """Each agency's dossiers, a petition, a manual figure and an imported fact."""
    ingest_records([r for a in agencies for r in dossiers_of(a)])
    for agency in agencies:
        petition(f"P-{agency.code}", agency, 10, answered=True, rating=5)
        save_input(
            agency,
            "2024",
            "procedure.published_on_time_rate",
            numerator=9,
            denominator=10,
            source="Cổng DVCQG",
            expected_version=0,
            actor=world.tuan,
        )
        Fact.objects.create(agency=agency, year=2024, name="plan.on_time_rate", value=80)


def dashboard_queries(client: Client, ranked: int) -> int:
    """The queries of one load of the province dashboard, which ranks ``ranked`` agencies."""
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/dossiers/?period=2024")
    assert page.status_code == 200
    assert page.content.decode().count('href="/dossiers/agency/') == ranked
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_the_dashboard_reads_as_many_queries_for_3_agencies_as_for_12(world: Any) -> None:
    make_procedures()
    agencies = add_agencies(world, 12)
    seed(world, agencies[:3])
    client = Client()
    assert client.login(username=world.tuan.username, password=PASSWORD)
    client.get("/dossiers/?period=2024")  # settings and calendar loaded once per process
    few = dashboard_queries(client, 3)
    seed(world, agencies[3:])
    assert dashboard_queries(client, 12) == few


def generated(world: Any, seed: int) -> list[Agency]:
    """Dossiers, petitions, manual figures and facts of six agencies over the first half of
    2024, drawn at random: finished or open, on time or late, paused, apologised for, due
    before or after the end of the month they were received in."""
    rng = random.Random(seed)
    make_procedures()
    agencies = [*add_agencies(world, 5), world.stp_unit]
    records = []
    for n in range(90):
        agency = rng.choice(agencies)
        month = rng.randint(1, 6)
        day = f"2024{month:02d}{rng.randint(3, 25):02d}"
        finished = rng.choice([None, f"{day}160000", f"2024{month:02d}28090000"])
        records.append(
            record(
                f"G{n}",
                DonViXuLy=agency.code,
                MaTTHC=rng.choice(["1.000001", "2.000002"]),
                TrangThaiHoSo=rng.choice([3, 10]) if finished else 4,
                KenhThucHien=rng.choice([1, 2, 3]),
                NgayTiepNhan=f"{day}090000",
                NgayHenTra=rng.choice(
                    [
                        None,
                        f"{day}170000",
                        f"2024{month:02d}27090000",
                        f"2024{month + 1:02d}05090000",
                    ]
                ),
                NgayKetThucXuLy=finished,
                DuocThanhToanTrucTuyen=rng.choice([0, 1, 2]),
                HinhThucTra=rng.choice([1, 2, 3]),
                DanhSachHoSoBoSung=rng.choice(
                    [[], [{"NgayYeuCauBoSung": f"{day}100000", "NgayCongDanBoSung": None}]]
                ),
                DanhSachXinLoi=rng.choice(
                    [[], [{"NgayXinLoi": f"{day}160000", "NgayHenTraMoi": "20240628090000"}]]
                ),
            )
        )
    for n in range(30):  # still open at a month's end, some due after it, some before
        month = rng.randint(1, 5)
        records.append(
            record(
                f"O{n}",
                DonViXuLy=rng.choice(agencies).code,
                TrangThaiHoSo=4,
                NgayKetThucXuLy=None,
                NgayTiepNhan=f"2024{month:02d}{rng.randint(20, 28)}090000",
                NgayHenTra=f"2024{month + rng.randint(0, 1):02d}{rng.randint(1, 28):02d}090000",
            )
        )
    ingest_records(records)
    for n in range(25):
        petition(
            f"GP{n}",
            rng.choice(agencies[:4]),  # the others have none: 100 % while the register is used
            rng.randint(2, 28),
            answered=rng.random() < 0.7,
            rating=rng.choice([None, 2, 4, 5]),
        )
    for agency in agencies[:3]:
        for period in rng.sample(["2024", "2024-Q1", "2024-02"], 2):
            save_input(
                agency,
                period,
                rng.choice(["procedure.published_on_time_rate", "dossier.personal_store_rate"]),
                numerator=rng.randint(0, 10),
                denominator=10,
                source="Cổng DVCQG",
                expected_version=0,
                actor=world.tuan,
            )
        Fact.objects.create(
            agency=agency, year=2024, name="plan.on_time_rate", value=Decimal(rng.randint(50, 99))
        )
    return agencies


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_every_batched_card_equals_the_card_read_alone(world: Any, seed: int) -> None:
    agencies = generated(world, seed)
    for label in ("2024", "2024-Q1", "2024-02", "2024-05"):
        period = parse_period(label)
        cards = score_cards(period, agencies, province=True)
        assert cards[None] == score_card(period)
        for agency in agencies:
            assert cards[agency.pk] == score_card(period, agency), (label, agency.code)
        # The province's counts are its agencies' together.
        received = sum(cards[a.pk].counters["received"] for a in agencies)
        assert cards[None].counters["received"] == received
        on_time = cards[None].metrics["dossier.on_time_rate"].numerator
        assert on_time == sum(
            cards[a.pk].metrics["dossier.on_time_rate"].numerator for a in agencies
        )
    year = parse_period("2024")
    counted = Dossier.objects.filter(is_counted=True).count()
    assert score_card(year).metrics["dossier.on_time_rate"].denominator == counted > 40
    sources = score_card(year, agencies[-1]).sources
    assert sources["petition.on_time_rate"].kind == "petitions"  # none of its own: 100 %


def derived_again(period: Any) -> dict[int, int]:
    """Reference: every open dossier of the period derived again at the period's end."""
    from chiso.dossiers.ingest import derive_dossier

    cal, settings = current_calendar(), rule_settings()
    counts: Counter[int] = Counter()
    for d in (
        Dossier.objects.filter(
            is_counted=True, settled=False, counted_on__range=(period.first, period.last)
        )
        .select_related("procedure")
        .prefetch_related("pauses", "apologies", "steps")
    ):
        derive_dossier(
            cal,
            settings,
            period.end,
            d,
            d.procedure,
            list(d.pauses.all()),
            list(d.apologies.all()),
            list(d.steps.all()),
        )
        extended = settings.portal_view == "extended"
        counts[d.agency_id] += bool(d.on_time_extended if extended else d.on_time)
    return {agency_id: n for agency_id, n in counts.items() if n}


@pytest.mark.django_db
def test_open_dossiers_in_time_at_the_period_end_are_those_a_full_derivation_finds(
    world: Any,
) -> None:
    generated(world, 3)
    found = 0
    for label in ("2024", "2024-Q1", "2024-Q2", "2024-03", "2024-06"):
        period = parse_period(label)
        counts = open_on_time_by_agency(Q(), period)
        assert counts == derived_again(period), label
        found += sum(counts.values())
    assert found > 0


@pytest.mark.django_db
def test_the_province_card_reads_a_closed_survey_once(world: Any) -> None:
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

    shipped = {q.code: q for q in ship_templates()}
    campaign = create_campaign(
        actor=world.tuan,
        year=2024,
        name="Khảo sát hài lòng 2024",
        questionnaires=[shipped["sipas-nguoi-dan"]],
        agencies=[world.stp, world.sxd],
        open_questionnaire=shipped["sipas-nguoi-dan"],
        min_cell=1,
    )
    open_campaign(campaign, actor=world.tuan)
    campaign.refresh_from_db()
    for n, (agency, scale) in enumerate(((world.stp, "5"), (world.stp, "2"), (world.sxd, "4"))):
        response = start_open_response(campaign, agency=agency, group="citizen", ip=f"10.0.0.{n}")
        raw = sipas_answers(scale)
        for i, section in enumerate(response.questionnaire.spec.sections):
            save_section(response, i, {q.code: raw.get(q.code, "") for q in section.questions})
        submit_response(response)
    close_campaign(campaign, actor=world.tuan)
    year = parse_period("2024")
    first = score_card(year).metrics["dossier.satisfaction_rate"]
    assert first.value == Decimal("66.67")  # two of three satisfied on every question
    with CaptureQueriesContext(connection) as ctx:
        again = score_cards(year, [world.stp, world.sxd, world.snv], province=True)
    assert again[None].metrics["dossier.satisfaction_rate"] == first
    assert not [q for q in ctx.captured_queries if "surveys_response" in q["sql"]]
    stp, sxd = again[world.stp.pk], again[world.sxd.pk]
    assert stp.metrics["dossier.satisfaction_rate"].value == Decimal("50.00")
    assert sxd.metrics["dossier.satisfaction_rate"].value == Decimal("100.00")
    assert stp.sources["dossier.satisfaction_rate"].kind == "survey"
    assert "dossier.satisfaction_rate" not in again[world.snv.pk].metrics
