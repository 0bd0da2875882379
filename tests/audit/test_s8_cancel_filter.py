"""Session 8: a round's cancellation concerns every agency of the round. The audit list and its
export filtered by any of them show it, filtered by another agency do not; the agencies' own
users read it on their audit page (without what it recorded of the other agencies), the users
of an agency outside the round do not."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from openpyxl import load_workbook

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as a
from chiso.assessments.actions.cancel import cancel_round
from chiso.assessments.models import Round
from chiso.audit.models import AuditEvent, AuditEventAgency
from chiso.org.actions import create_agency
from chiso.org.models import Agency, Block
from tests.assessments.conftest import TODAY, deadlines
from tests.assessments.office_world import client_for
from tests.conftest import PASSWORD

REASON = "Mở nhầm khối: đợt này thuộc khối huyện"
CANCELLED = "assessments.round.cancelled"
EXTENDED = TODAY + datetime.timedelta(days=365)


def officer(username: str, agency: Agency) -> Any:
    user = User.objects.create_user(username, password=PASSWORD, first_name=username.title())
    Membership.objects.create(user=user, role=Role.FOCAL_OFFICER, agency=agency)
    return user


@pytest.fixture
def sct(world: Any) -> Agency:
    """Sở Công Thương, outside the round: created through the registry, so it has an audit row
    of its own and the agency filter offers it."""
    return create_agency(code="sct", name="Sở Công Thương", type=world.stp.type, actor=world.tuan)


@pytest.fixture
def cancelled(world: Any, framework: Any, sct: Agency) -> AuditEvent:
    """A round of Sở Tư pháp and Sở Xây dựng, with an extension for Sở Xây dựng, cancelled."""
    block = Block.objects.create(code="so-ban-nganh", year=2024, name="Khối sở, ban, ngành")
    block.agencies.set([world.stp, world.sxd])
    rnd = a.open_round(block, framework, deadlines(), actor=world.tuan)
    a.grant_extension(
        rnd,
        world.sxd,
        "self_assessment",
        EXTENDED,
        reason="Sáp nhập",
        actor=world.tuan,
    )
    return cancel_round(rnd, reason=REASON, actor=world.tuan)


def listed(user: Any, **filters: Any) -> str:
    response = client_for(user).get(reverse("audit:list"), filters)
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.errors, form.errors
    return response.content.decode().split('id="audit-rows"')[1].split("</table>")[0]


def exported(user: Any, **filters: Any) -> list[tuple[Any, ...]]:
    response = client_for(user).get(reverse("audit:export"), filters)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return list(sheet.iter_rows(min_row=2, values_only=True))


def cancellations(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [row for row in rows if row[6] == REASON]


def test_the_cancellation_is_recorded_against_both_agencies_of_the_round(
    world: Any, cancelled: AuditEvent
) -> None:
    linked = AuditEventAgency.objects.filter(event=cancelled).values_list(
        "agency_id_ref", flat=True
    )
    assert sorted(linked) == sorted([world.stp.pk, world.sxd.pk])
    assert not Round.objects.exists()


def test_the_office_finds_it_filtered_by_each_agency_of_the_round_only(
    world: Any, cancelled: AuditEvent, sct: Agency
) -> None:
    link = reverse("assessments:round_cancelled", args=[cancelled.pk])
    for agency in (world.stp, world.sxd):
        rows = listed(world.tuan, agency=agency.pk)
        assert rows.count(link) == 1 and REASON in rows
        assert "<td>2 cơ quan</td>" in rows  # its agency column
        assert len(cancellations(exported(world.tuan, agency=agency.pk))) == 1
    rows = listed(world.tuan, agency=sct.pk)
    assert REASON not in rows and "Sở Công Thương" in rows  # its own row is there
    assert cancellations(exported(world.tuan, agency=sct.pk)) == []
    # Filtered by action and agency at once, still the one row.
    both = exported(world.tuan, agency=world.stp.pk, action=CANCELLED)
    assert [row[6] for row in both] == [REASON]


def test_the_agency_filter_offers_the_agencies_of_the_cancelled_round(
    world: Any, cancelled: AuditEvent
) -> None:
    # No row names Sở Xây dựng as its one agency except its extension; Sở Tư pháp has none.
    choices = client_for(world.tuan).get(reverse("audit:list")).context["form"]["agency"]
    names = [str(label) for _value, label in choices.field.choices]
    assert "Sở Tư pháp" in names and "Sở Xây dựng" in names


def test_the_focal_officers_of_the_round_see_it_and_others_do_not(
    world: Any, cancelled: AuditEvent, sct: Agency
) -> None:
    hoa = officer("hoa", world.sxd)
    vy = officer("vy", sct)

    for user in (world.lan, world.nam, hoa):
        assert REASON in listed(user)
        assert len(cancellations(exported(user))) == 1
    assert REASON in listed(world.lan, agency=world.stp.pk)
    assert REASON not in listed(vy)
    assert cancellations(exported(vy)) == []
    # Lan's agency filter offers only her agency, not the other one of the round.
    choices = client_for(world.lan).get(reverse("audit:list")).context["form"]["agency"]
    assert [str(label) for value, label in choices.field.choices if value] == ["Sở Tư pháp"]


def extension_of(change: str) -> str:
    """The part of a cancellation's change naming the extensions ("" when none is shown)."""
    return change.split("gia hạn: ")[1].split(";")[0] if "gia hạn: " in change else ""


def test_an_agency_reads_its_own_part_of_the_cancellation_only(
    world: Any, cancelled: AuditEvent
) -> None:
    hoa = officer("hoa", world.sxd)

    [(*_cells, office_change, _reason)] = cancellations(exported(world.tuan))
    [(*_cells, lan_change, _reason)] = cancellations(exported(world.lan))
    [(*_cells, hoa_change, _reason)] = cancellations(exported(hoa))

    # What the snapshot recorded of Sở Xây dựng's extension, its agency and stage in words
    # (PostgreSQL keeps the record's keys in its own order).
    for change in (office_change, hoa_change):
        extension = extension_of(change)
        assert "cơ quan, đơn vị: Sở Xây dựng" in extension
        assert "giai đoạn: tự đánh giá" in extension
        assert f"hạn mới: {EXTENDED:%d/%m/%Y}" in extension
    assert extension_of(lan_change) == "" and "hạn mới" not in lan_change
    # Both agencies are named to all three, as the round's agencies (not as an old → new).
    for change in (office_change, lan_change, hoa_change):
        assert "cơ quan, đơn vị: Sở Tư pháp, Sở Xây dựng" in change
