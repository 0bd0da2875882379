"""Campaigns: quotas, contact lists kept apart, reproducible draws, form numbers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from chiso.audit.models import AuditEvent
from chiso.surveys.actions import (
    SurveyError,
    draw_sample,
    import_contacts,
    issue_invitations,
    set_quota,
)
from chiso.surveys.models import Contact, Invitation

CSV = (
    "Mã cơ quan,Nhóm đối tượng,Họ và tên,Điện thoại\n"
    + "".join(f"stp,citizen,Người dân {i},090000{i:04d}\n" for i in range(20))
    + "stp,đại biểu HĐND,Đại biểu A,0911\n"
).encode()


def test_quotas_are_set_per_agency_group_and_channel_and_audited(world: Any, campaign: Any) -> None:
    set_quota(
        campaign, actor=world.tuan, agency=world.stp, group="citizen", channel="paper", target=30
    )
    set_quota(
        campaign, actor=world.tuan, agency=world.stp, group="citizen", channel="paper", target=40
    )
    assert campaign.quotas.get().target == 40
    event = AuditEvent.objects.filter(action="surveys.quota.set").order_by("pk").last()
    assert event is not None and event.data["old"] == 30 and event.data["new"] == 40
    with pytest.raises(SurveyError, match="không được đánh giá"):
        set_quota(
            campaign, actor=world.tuan, agency=world.snv, group="citizen", channel="paper", target=1
        )
    with pytest.raises(PermissionDenied):
        set_quota(
            campaign, actor=world.lan, agency=world.stp, group="citizen", channel="paper", target=1
        )


def test_a_contact_list_is_imported_with_groups_by_code_or_vietnamese_label(
    world: Any, campaign: Any
) -> None:
    report = import_contacts(campaign, CSV, actor=world.tuan, filename="ds.csv")
    assert report.ok and report.created == 21
    assert Contact.objects.filter(group="council_delegate").get().full_name == "Đại biểu A"


def test_a_bad_contact_list_adds_nothing_and_names_the_rows(world: Any, campaign: Any) -> None:
    bad = "Mã cơ quan,Nhóm đối tượng,Họ và tên\nsnv,citizen,A\nstp,khách du lịch,B\n".encode()
    report = import_contacts(campaign, bad, actor=world.tuan, filename="ds.csv")
    assert [p.text for p in report.problems] == [
        "Dòng 2, cột «Mã cơ quan»: 'snv' không phải cơ quan của đợt khảo sát này",
        "Dòng 3, cột «Nhóm đối tượng»: không có nhóm đối tượng 'khách du lịch'",
    ]
    assert not Contact.objects.exists()


def test_the_same_seed_draws_the_same_people(world: Any, campaign: Any) -> None:
    import_contacts(campaign, CSV, actor=world.tuan, filename="ds.csv")
    first = draw_sample(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=5,
        questionnaire=campaign.open_questionnaire,
    )
    names = [i.contact.full_name for i in first]
    Invitation.objects.all().delete()
    again = draw_sample(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=5,
        questionnaire=campaign.open_questionnaire,
    )
    assert [i.contact.full_name for i in again] == names
    assert len({i.token for i in again}) == 5
    with pytest.raises(SurveyError, match="Chỉ còn 15 người"):
        draw_sample(
            campaign,
            actor=world.tuan,
            agency=world.stp,
            group="citizen",
            channel="online",
            count=16,
            questionnaire=campaign.open_questionnaire,
        )


def test_form_numbers_encode_campaign_and_agency_and_continue(world: Any, campaign: Any) -> None:
    a = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="paper",
        count=2,
        questionnaire=campaign.open_questionnaire,
    )
    b = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="paper",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    prefix = f"K{campaign.pk}-{world.stp.pk}-"
    assert [i.form_number for i in a + b] == [f"{prefix}00001", f"{prefix}00002", f"{prefix}00003"]
