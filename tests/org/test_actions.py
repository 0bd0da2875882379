"""The registry's write path refuses what must not happen, with a message for the user."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chiso.audit.models import AuditEvent
from chiso.org import actions
from chiso.org.models import Position

JAN_1 = datetime.date(2024, 1, 1)


@pytest.mark.parametrize("persona", ["hanh", "minh", "lan", "nam", "mai", "khach"])
def test_it_lets_only_the_reform_office_change_the_registry(world, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.update_agency(world.stp, {"name": "X"}, actor=world.users[persona])

    assert not AuditEvent.objects.exists()


def test_it_refuses_to_place_an_agency_below_its_own_unit(world) -> None:
    with pytest.raises(ValidationError) as e:
        actions.update_agency(world.stp, {"parent": world.stp_unit}, actor=world.tuan)

    assert e.value.message_dict == {"parent": ["Một cơ quan không thể trực thuộc chính nó."]}


def test_it_keeps_one_head_per_agency_at_any_date(world) -> None:
    an = actions.create_person(code="an", full_name="Nguyễn Văn An", actor=None)
    binh = actions.create_person(code="binh", full_name="Trần Thị Bình", actor=None)
    term = actions.create_position(an, world.stp, role=Position.Role.HEAD, start=JAN_1, actor=None)

    with pytest.raises(ValidationError) as e:
        actions.create_position(
            binh, world.stp, role=Position.Role.HEAD, start=datetime.date(2025, 1, 1), actor=None
        )

    assert e.value.message_dict == {
        "start": [
            "Sở Tư pháp đã có người đứng đầu trong thời gian này: Nguyễn Văn An (01/01/2024 – nay)."
        ]
    }
    actions.update_position(term, {"end": datetime.date(2024, 12, 31)}, actor=None)
    actions.create_position(
        binh, world.stp, role=Position.Role.HEAD, start=datetime.date(2025, 1, 1), actor=None
    )
    with pytest.raises(ValidationError):
        actions.update_position(term, {"end": datetime.date(2025, 6, 30)}, actor=None)


def test_it_assigns_fields_to_deputies_only(world) -> None:
    an = actions.create_person(code="an", full_name="Nguyễn Văn An", actor=None)
    head = actions.create_position(an, world.stp, role=Position.Role.HEAD, start=JAN_1, actor=None)

    with pytest.raises(ValidationError) as e:
        actions.set_assignment(head, 2025, ["LV1"], actor=None)

    assert e.value.messages == ["Chỉ cấp phó được phân công phụ trách lĩnh vực, tiêu chí."]


def test_it_keeps_electronic_ids_unique(world) -> None:
    actions.update_agency(world.stp, {"electronic_id": "000.00.15.H48"}, actor=None)

    with pytest.raises(ValidationError):
        actions.update_agency(world.sxd, {"electronic_id": "000.00.15.H48"}, actor=None)


def test_it_only_sets_blocks_of_the_given_year(world) -> None:
    block = actions.create_block(code="so", year=2024, name="Khối sở", actor=None)

    assert actions.set_block_membership(world.stp, 2024, [block], actor=None) is True
    assert actions.set_block_membership(world.stp, 2024, [block], actor=None) is False
    with pytest.raises(ValueError):
        actions.set_block_membership(world.stp, 2025, [block], actor=None)
    assert actions.set_block_membership(world.stp, 2024, [], actor=None) is True
    assert AuditEvent.objects.filter(action="org.agency.blocks_set").count() == 2
