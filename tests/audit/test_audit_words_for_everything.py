"""The audit page reads in words everywhere: the action filter lists actions by name, the
changes name their keys and agencies (never an internal id), known codes are words, and
figures use the decimal comma."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils import translation

from chiso.audit.actions import record
from chiso.audit.exporting import describe_details
from chiso.facts.models import Fact
from tests.assessments.office_world import client_for

LIST = "/audit/"


def _cell(html: str) -> str:
    return html.split('id="audit-rows"')[1].split("</table>")[0]


def test_the_action_filter_lists_actions_by_name_keeping_the_code(world: Any) -> None:
    record("accounts.role.granted", actor=world.tuan, data={"role": "viewer"})
    html = client_for(world.tuan).get(LIST).content.decode()
    select = html.split('name="action"')[1].split("</select>")[0]
    assert '<option value="accounts.role.granted">Cấp vai trò</option>' in select
    assert ">accounts.role.granted<" not in select
    # Filtering by it still works: the value is the code.
    filtered = client_for(world.tuan).get(LIST, {"action": "accounts.role.granted"})
    assert "Cấp vai trò" in _cell(filtered.content.decode())


def test_a_petition_change_names_the_agency_and_its_keys(world: Any) -> None:
    record(
        "dossiers.petition.created",
        actor=world.tuan,
        agency_id=world.stp.pk,
        data={
            "old": [],
            "new": {
                "agency_id": world.stp.pk,
                "received_at": "2024-11-28T10:30:00+07:00",
                "due_at": "2024-12-19T10:30:00+07:00",
                "published": True,
            },
        },
    )
    row = _cell(client_for(world.tuan).get(LIST).content.decode())
    assert "cơ quan, đơn vị: — → Sở Tư pháp" in row
    assert "agency_id" not in row and f"→ {world.stp.pk};" not in row
    assert "thời điểm tiếp nhận: — → 28/11/2024 10:30" in row
    assert "hạn trả lời: — → 19/12/2024 10:30" in row
    assert "received_at" not in row and "due_at" not in row


def test_plan_and_survey_keys_and_codes_are_words() -> None:
    with translation.override("vi"):
        text = describe_details(
            {
                "old": {"completed_on": None, "lead_agency": "snv"},
                "new": {"completed_on": "2024-10-01", "lead_agency": "stp"},
            }
        )
        assert text == "ngày hoàn thành: — → 01/10/2024; cơ quan chủ trì: snv → stp"
        quota = describe_details({"cell": ["stp", "council_delegate", "online"], "new": 5})
        assert "ô (cơ quan, nhóm, kênh): stp, đại biểu HĐND, trực tuyến" in quota
        assert "council_delegate" not in quota and "giá trị mới: 5" in quota
        keyed = describe_details({"form": 12, "state": "matched"})
        assert keyed == "số phiếu: 12; trạng thái: hai lần nhập khớp nhau"
        fact = describe_details({"as_of": ["2024-06-30", "2024-12-31"]})
        assert fact == "số liệu tính đến ngày: 30/06/2024 → 31/12/2024"


def test_a_figure_reads_with_a_decimal_comma(world: Any) -> None:
    fact = Fact(name="plan.done_rate", agency=world.stp, year=2024, value=Decimal("66.6700"))
    with translation.override("vi"):
        assert str(fact) == "plan.done_rate stp 2024 = 66,67"
    with translation.override("en"):
        assert str(fact) == "plan.done_rate stp 2024 = 66.67"


def test_every_key_the_demo_stores_has_a_label() -> None:
    """Keys of the data dicts the apps record (as seen in the demo's audit rows) are labelled."""
    from chiso.audit.labels import KEY_LABELS

    seen = (
        "agency_id received_at due_at answered_at as_of lead_agency completed_on cell new old "
        "published satisfaction node_codes decision period metric numerator denominator "
        "valid_from valid_to co_agencies officer assigned_by_ppc effective_date legal_basis"
    ).split()
    assert [k for k in seen if k not in KEY_LABELS] == []
    assert not re.search(r"[a-z]_[a-z]", " ".join(str(KEY_LABELS[k]) for k in seen))
