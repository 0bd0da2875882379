"""The demo province's 2024 score card has a figure for every group of the 766 index."""

from __future__ import annotations

from typing import Any

import pytest

from chiso.demo.build import _agencies, _agency_types
from chiso.dossiers.demo import build_dossiers
from chiso.dossiers.models import Petition, ServiceInput
from chiso.dossiers.scorecard import parse_period, score_card


@pytest.mark.django_db
def test_the_demo_province_has_no_group_with_missing_data() -> None:
    _agencies(_agency_types())
    build_dossiers(lambda _text: None)
    card = score_card(parse_period("2024"))
    assert [g["code"] for g in card.groups if g["missing_input"]] == []
    kinds: dict[str, Any] = {name: s.kind for name, s in card.sources.items()}
    assert kinds["petition.on_time_rate"] == "petitions"
    assert kinds["procedure.published_on_time_rate"] == "manual"
    assert kinds["dossier.on_time_rate"] == "dossiers"
    assert card.score is not None and card.score > 70  # 40,67 without petitions and inputs
    stp = score_card(parse_period("2024"), _agency("stp"))
    # Sở Tư pháp's procedure bears no fee (4.3 has no dossiers); groups 1 and 5 are complete.
    assert not any(g["missing_input"] for g in stp.groups if g["code"] in ("1", "5"))
    counts = (Petition.objects.count(), ServiceInput.objects.count())
    build_dossiers(lambda _text: None)  # a second run adds nothing
    assert (Petition.objects.count(), ServiceInput.objects.count()) == counts


def _agency(code: str) -> Any:
    from chiso.org.models import Agency

    return Agency.objects.get(code=code)
