"""The demo province's 2024 dossiers match the rates the province reported (issue 4), and every
agency has dossiers due over the next working days, whatever the day the demo is built."""

from __future__ import annotations

import re
import time
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Q

from chiso.demo.build import _agencies, _agency_types
from chiso.dossiers import queries
from chiso.dossiers.demo import PROCEDURES, build_dossiers
from chiso.dossiers.models import Applicant, Dossier
from chiso.dossiers.scorecard import parse_period, score_card
from chiso.org.models import Agency


@pytest.mark.django_db
def test_the_demo_year_has_the_reported_rates_and_is_deterministic() -> None:
    _agencies(_agency_types())
    started = time.monotonic()
    build_dossiers(lambda _text: None)
    assert time.monotonic() - started < 40  # < 20 s on a quiet machine; CI is shared
    card = score_card(parse_period("2024"))
    values: dict[str, Any] = {name: m.value for name, m in card.metrics.items()}
    assert values["dossier.on_time_rate"] > 97
    assert values["dossier.full_online_rate"] == Decimal("73.15")
    assert values["dossier.online_payment_rate"] == Decimal("46.00")
    assert values["dossier.e_result_rate"] == Decimal("26.00")
    assert card.counters["late"] == 600
    year = Dossier.objects.filter(counted_on__year=2024)
    land_late = year.filter(on_time=False, field_code="DD").count()
    assert land_late == 360  # late dossiers concentrated in land
    first = list(Dossier.objects.order_by("code").values_list("code", "finished_at", "due_at")[:50])
    build_dossiers(lambda _text: None)  # a second run changes nothing
    assert year.count() == 24000
    # 4 open dossiers for each of the 15 agencies, and one overdue land dossier.
    assert Dossier.objects.filter(finished_at=None).count() == 61
    assert (
        list(Dossier.objects.order_by("code").values_list("code", "finished_at", "due_at")[:50])
        == first
    )
    # The open dossiers do not move the dashboard off the demo year.
    assert queries.default_year() == 2024


@pytest.mark.django_db
def test_most_demo_dossiers_name_a_fictitious_applicant() -> None:
    _agencies(_agency_types())
    build_dossiers(lambda _text: None)
    year = Applicant.objects.filter(dossier__counted_on__year=2024)
    share = year.count() / 24000
    assert 0.82 < share < 0.88  # about 85 % of the dossiers name their applicant
    organisations = year.filter(kind=Applicant.Kind.ORGANISATION)
    business = organisations.filter(dossier__procedure__code="D.DKKD.001").count()
    assert business > 0.8 * year.filter(dossier__procedure__code="D.DKKD.001").count()
    assert organisations.exclude(dossier__procedure__code="D.DKKD.001").exists()
    assert all(a.name.endswith("(dữ liệu mẫu)") for a in organisations[:20])
    assert all(re.fullmatch(r"0999 0\d\d \d{3}", a.phone) for a in year[:200])
    emails = [a.email for a in year.exclude(email="")[:200]]
    assert emails and all(e.endswith("@example.vn") for e in emails)
    assert all(a.name and a.address.endswith("Phú Yên") for a in year[:200])
    # Some people come back with another dossier: fewer distinct phones than applicants.
    assert year.values("phone").distinct().count() < year.count()


@pytest.mark.django_db
def test_every_demo_agency_has_dossiers_due_within_three_working_days() -> None:
    _agencies(_agency_types())
    build_dossiers(lambda _text: None)
    owners = {code for p in PROCEDURES for code in p[8]}
    for agency in Agency.objects.filter(code__in=owners):
        due = list(queries.due_soon(Q(agency_id=agency.pk)))
        assert len(due) >= 3, agency.code
        assert all(d.finished_at is None for d in due)
    land = Agency.objects.get(code="stnmt")
    assert len(queries.due_soon(Q(agency_id=land.pk))) == 4  # one of them already overdue
