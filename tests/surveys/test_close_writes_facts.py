"""Closing a campaign writes the indices as facts, and the evaluation's survey items change."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
import yaml

from chiso.audit.models import AuditEvent
from chiso.engine import AgencyInput, score_agency
from chiso.engine.model import iter_nodes
from chiso.engine.spec import parse_framework
from chiso.facts.importing import facts_for
from chiso.facts.models import Fact
from chiso.surveys.actions import (
    SurveyError,
    close_campaign,
    save_section,
    set_excluded,
    start_open_response,
    submit_response,
)
from tests.surveys.conftest import sipas_answers

FRAMEWORK = Path(__file__).resolve().parents[2] / "chiso/data/frameworks/so-ban-nganh-2023.yaml"


def _answer(campaign: Any, agency: Any, raw: dict[str, Any], ip: str) -> Any:
    response = start_open_response(campaign, agency=agency, group="citizen", ip=ip)
    for i, section in enumerate(response.questionnaire.spec.sections):
        assert (
            save_section(response, i, {q.code: raw.get(q.code, "") for q in section.questions})
            == {}
        )
    submit_response(response)
    return response


def _sipas_points(agency: Any) -> D:
    framework = parse_framework(yaml.safe_load(FRAMEWORK.read_text("utf-8")))
    code = next(
        n.code
        for n in iter_nodes(framework.nodes)
        if n.rule is not None and getattr(n.rule, "survey", "") == "sipas"
    )
    result = score_agency(framework, AgencyInput(agency.code, facts=facts_for(agency, 2024)))
    return result.nodes[code].points


def test_a_closed_campaign_changes_the_agency_survey_points(world: Any, campaign: Any) -> None:
    assert _sipas_points(world.stp) == 0  # no survey fact yet
    _answer(campaign, world.stp, sipas_answers("5"), "10.0.0.1")
    _answer(campaign, world.stp, sipas_answers("4"), "10.0.0.2")
    _answer(campaign, world.stp, sipas_answers("2"), "10.0.0.3")
    excluded = _answer(campaign, world.stp, sipas_answers("1"), "10.0.0.4")
    set_excluded(excluded, actor=world.tuan, excluded=True, reason="Trùng phiếu")
    report = close_campaign(campaign, actor=world.tuan)
    assert report["ok"] and report["created"] == 7
    # 2 of 3 counted respondents satisfied on every question: each index 66.67
    fact = Fact.objects.get(agency=world.stp, name="survey.sipas", year=2024)
    assert fact.value == D("66.67") and "Khảo sát hài lòng 2024" in fact.source
    assert not Fact.objects.filter(agency=world.sxd).exists()
    assert _sipas_points(world.stp) > 0
    assert AuditEvent.objects.filter(action="surveys.campaign.closed").count() == 1
    assert AuditEvent.objects.filter(action="facts.fact.created").count() == 7
    with pytest.raises(SurveyError):
        set_excluded(excluded, actor=world.tuan, excluded=False, reason="Nhầm")


def test_only_the_reform_office_closes_a_campaign(world: Any, campaign: Any) -> None:
    from django.core.exceptions import PermissionDenied

    for user in (world.lan, world.mai, world.hanh):
        with pytest.raises(PermissionDenied):
            close_campaign(campaign, actor=user)
