"""What the whole-round browser test sets up through actions, and how it checks the numbers.

Set-up is what the browser is not about: the tiny framework of tests/assessments/conftest.py,
published; the 2024 block of Sở Nội vụ, Sở Tư pháp and Sở Xây dựng; Sở Tư pháp's director and
its deputy in charge of field 3 (par-index.md §2.4); its on-time dossier rate, imported as a
fact file the way the reform office does.

The check is independent of the round's own scoring code: it reads the stored entries, takes
each item's value by the flow's order (council, else round 2, else round 1, else the agency's),
and scores them with ``chiso.engine.score_block``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from chiso.assessments.inputs import leaders_of
from chiso.assessments.models import Round
from chiso.engine import AgencyInput, score_block
from chiso.engine.results import AgencyResult
from chiso.facts.importing import facts_for, import_facts
from chiso.frameworks.actions import import_framework, publish_framework
from chiso.org import actions as org
from chiso.org.models import Block
from tests.assessments.conftest import tiny_framework

ON_TIME_RATE = "91.1"  # % of dossiers settled on time: 3.2 = 91,1 / 100 × 2 = 1,82 points


def set_up_registry(world: Any) -> None:
    """Framework, block, Sở Tư pháp's leaders and its dossier fact: everything before the round."""
    publish_framework(import_framework(tiny_framework(), actor=world.tuan), actor=world.tuan)
    block = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở, ban, ngành")
    block.agencies.set([world.snv, world.stp, world.sxd])
    director = org.create_person(code="stp-gd", full_name="Đỗ Văn Giám", actor=None)
    deputy = org.create_person(code="stp-pgd", full_name="Lê Văn Nam", actor=None)
    start = datetime.date(2020, 1, 1)
    org.create_position(director, world.stp, role="head", start=start, actor=None)
    position = org.create_position(deputy, world.stp, role="deputy", start=start, actor=None)
    org.set_assignment(position, 2024, ["3"], decision="QĐ phân công 2024", actor=None)
    csv = f"Mã cơ quan,Tên dữ liệu,Năm,Giá trị,Nguồn\nstp,dossier.on_time_rate,2024,{ON_TIME_RATE},"
    csv += "Hệ thống thông tin giải quyết TTHC\n"
    report = import_facts(csv.encode(), filename="ho-so-2024.csv", actor=world.tuan)
    assert report.ok and report.created == 1, report.as_dict()


def effective(entry: Any) -> Decimal | None:
    """The value the flow ends on: each later step overrides the earlier ones (par-index §1.4)."""
    for value in (
        entry.council_value,
        entry.appraised_value_2,
        entry.appraised_value_1,
        entry.self_value,
    ):
        if value is not None:
            return Decimal(value)
    return None


def engine_result(rnd: Round, agency_code: str) -> AgencyResult:
    """What the engine makes of the stored entries of every agency of the round, for one agency."""
    inputs = []
    for assessment in rnd.assessments.select_related("agency__type").order_by("agency__name"):
        entries = list(assessment.entries.all())
        agency = assessment.agency
        inputs.append(
            AgencyInput(
                agency=agency.code,
                name=agency.name,
                agency_type=agency.type.code,
                values={e.code: v for e in entries if (v := effective(e)) is not None},
                not_applicable=frozenset(e.code for e in entries if e.self_not_applicable),
                facts=facts_for(agency, rnd.year),
                adjustments={a.code: a.count for a in assessment.adjustments.all()},
                leaders=leaders_of(agency, rnd.year),
            )
        )
    block = score_block(rnd.framework.to_engine(), inputs)
    return next(r for r in block.agencies if r.agency == agency_code)


def vi(value: Decimal) -> str:
    """Two decimals with the Vietnamese decimal comma: 92.7 → "92,70"."""
    return f"{Decimal(value):.2f}".replace(".", ",")
