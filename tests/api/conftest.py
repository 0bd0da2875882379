"""A small scored province for the API tests, built through the action functions.

On top of the ``world``: the 2023 framework for departments (published), the 2023 block of
departments (Sở Nội vụ, Sở Tư pháp, Sở Xây dựng), a former unit merged into Sở Tư pháp, its
director and a deputy with assigned fields, and the block scored as a draft result set.
Each persona also has an API token.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from chiso.api.actions import create_token
from chiso.engine import AgencyInput, LeaderInput
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.frameworks.yamlio import load_yaml
from chiso.org import actions as org
from chiso.org.models import Lineage, Position
from chiso.results.actions import compute_result_set, finalise_result_set, publish_result_set
from tests.conftest import PASSWORD

FRAMEWORK = Path(__file__).resolve().parents[2] / "chiso/data/frameworks/so-ban-nganh-2023.yaml"
PERSONAS = ("tuan", "hanh", "minh", "lan", "nam", "mai", "khach")


@dataclass
class Province:
    """The dataset: ``tokens`` maps each persona to the plain token it calls the API with."""

    world: Any
    framework: Any
    block: Any
    result_set: Any
    former: Any  # Sở Tư pháp's predecessor, which Lan may not open
    deputy: Any
    tokens: dict[str, str]

    def publish(self) -> None:
        finalise_result_set(self.result_set, actor=self.world.tuan)
        publish_result_set(self.result_set, actor=self.world.tuan)


def inputs() -> list[AgencyInput]:
    """Sở Tư pháp: a few values, 2.1 not applicable, a bonus and a penalty, two leaders."""
    return [
        AgencyInput(
            "stp",
            values={
                "1.1": Decimal(0),
                "1.2": Decimal(95),
                "1.3": Decimal("1.5"),
                "2.2": Decimal(2),
            },
            not_applicable=frozenset({"2.1", "2.3"}),
            facts={"task.on_time_rate": Decimal("92.5"), "survey.lanh_dao.van_ban": Decimal(80)},
            adjustments={"T1": Decimal(1), "D3": Decimal(1)},
            leaders=(
                LeaderInput(id="pham-van-binh", name="Phạm Văn Bình", role="head"),
                LeaderInput(id="le-van-nam", name="Lê Văn Nam", role="deputy", assigned=("2",)),
            ),
        ),
        AgencyInput("sxd", values={"1.1": Decimal(20), "1.2": Decimal(100)}),
        AgencyInput("snv", values={"1.1": Decimal(0)}),
    ]


@pytest.fixture
def province(world: Any) -> Province:
    framework = import_framework(load_yaml(FRAMEWORK.read_text()), actor=world.tuan)
    publish_framework(framework, actor=world.tuan)
    block = org.create_block(code="so-ban-nganh", year=2023, name="Khối sở, ban, ngành", actor=None)
    for agency in (world.snv, world.stp, world.sxd):
        org.set_block_membership(agency, 2023, [block], actor=None)
    former = org.create_agency(
        code="stp-cu", name="Phòng Tư pháp cũ", type=world.stp.type, actor=None
    )
    org.add_lineage(
        former,
        world.stp,
        kind=Lineage.Kind.MERGED_INTO,
        effective_date=datetime.date(2023, 1, 1),
        legal_basis="Quyết định 1/QĐ-UBND",
        actor=None,
    )
    binh = org.create_person(code="pham-van-binh", full_name="Phạm Văn Bình", actor=None)
    nam = org.create_person(code="le-van-nam", full_name="Lê Văn Nam", actor=None)
    org.create_position(
        binh, world.stp, role=Position.Role.HEAD, start=datetime.date(2020, 1, 1), actor=None
    )
    deputy = org.create_position(
        nam,
        world.stp,
        role=Position.Role.DEPUTY,
        start=datetime.date(2021, 1, 1),
        title="Phó Giám đốc",
        actor=None,
    )
    org.set_assignment(deputy, 2023, ["2"], decision="Quyết định 5/QĐ-STP", actor=None)
    result_set = compute_result_set(block, framework, inputs(), actor=world.tuan, source="import")
    tokens = {
        p: create_token(getattr(world, p), name=f"{p}-system", actor=None)[1] for p in PERSONAS
    }
    return Province(world, framework, block, result_set, former, deputy, tokens)


def session(persona: str | None) -> Client:
    """A client logged in as ``persona`` (anonymous for None)."""
    client = Client()
    if persona:
        assert client.login(username=persona, password=PASSWORD)
    return client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
