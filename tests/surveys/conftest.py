"""A 2024 campaign on the `world` agencies with both shipped questionnaires, opened; a procedure
for the sample-frame tests."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from chiso.dossiers.models import Procedure


@pytest.fixture
def questionnaires(db: Any) -> dict[str, Any]:
    from chiso.surveys.actions import ship_templates

    return {q.code: q for q in ship_templates()}


@pytest.fixture
def campaign(world: Any, questionnaires: dict[str, Any]) -> Any:
    from chiso.surveys.actions import create_campaign, open_campaign

    c = create_campaign(
        actor=world.tuan,
        year=2024,
        name="Khảo sát hài lòng 2024",
        questionnaires=list(questionnaires.values()),
        agencies=[world.stp, world.sxd],
        open_questionnaire=questionnaires["sipas-nguoi-dan"],
        min_cell=2,
    )
    open_campaign(c, actor=world.tuan)
    c.refresh_from_db()
    return c


@pytest.fixture
def operator2(world: Any) -> Any:
    """Another operator of the post office, so that forms can be keyed twice."""
    from django.contrib.auth.models import User

    from chiso.accounts.models import Membership, Role
    from tests.conftest import PASSWORD

    u = User.objects.create_user("thu", password=PASSWORD, first_name="Đỗ Thị Thu")
    Membership.objects.create(user=u, role=Role.SURVEY_OPERATOR)
    return u


def sipas_answers(scale: str = "4", **overrides: str | list[str]) -> dict[str, Any]:
    """A complete raw SIPAS form: every scale answer ``scale``."""
    raw: dict[str, Any] = {
        "doi_tuong": "1",
        "kenh_nop": "1",
        "so_lan_di_lai": "1",
        "cc_phien_ha": "1",
        "kq_dung_han": "1",
        "gy_da_gop_y": "2",
        "can_cai_thien": ["2", "3"],
    }
    for code in (
        "tc_noi_lam_viec",
        "tc_thong_tin",
        "tc_truc_tuyen",
        "tt_giay_to",
        "tt_phi",
        "tt_thoi_han",
        "cc_thai_do",
        "cc_huong_dan",
        "kq_chinh_xac",
        "kq_thoi_gian",
        "gy_tiep_nhan",
        "hai_long_chung",
    ):
        raw[code] = scale
    raw.update(overrides)
    return raw


def invite(world: Any, campaign: Any, channel: str) -> Any:
    """One citizen invitation of Sở Tư pháp on ``channel`` (a paper form number, or a link)."""
    from chiso.surveys.actions import issue_invitations

    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel=channel,
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    return invitation


@pytest.fixture
def form(world: Any, campaign: Any) -> Any:
    """A paper form of Sở Tư pháp waiting to be keyed."""
    return invite(world, campaign, "paper")


@pytest.fixture
def procedure(db: Any) -> Procedure:
    """A provincial procedure whose dossiers the sample-frame tests lodge."""
    return Procedure.objects.create(
        code="2.000002",
        name="Cấp phiếu lý lịch tư pháp",
        field_code="LLTP",
        field_name="Lý lịch tư pháp",
        level="tinh",
        time_limit=Decimal(2),
        time_unit="working_day",
        online="partial",
    )
