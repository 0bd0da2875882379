"""The demo province's 2024 dossiers match the rates the province reported (issue 4)."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from chiso.demo.build import _agencies, _agency_types
from chiso.dossiers.demo import build_dossiers
from chiso.dossiers.models import Dossier
from chiso.dossiers.scorecard import parse_period, score_card


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
    land_late = Dossier.objects.filter(on_time=False, field_code="DD").count()
    assert land_late == 360  # late dossiers concentrated in land
    first = list(Dossier.objects.order_by("code").values_list("code", "finished_at")[:50])
    build_dossiers(lambda _text: None)  # a second run changes nothing
    assert Dossier.objects.count() == 24000
    assert list(Dossier.objects.order_by("code").values_list("code", "finished_at")[:50]) == first
