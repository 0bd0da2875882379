"""Fixes from a first-time walk through the demo: no dead "invitation slips" link, closing a
campaign asks for confirmation first, the heading does not repeat the year, and the paper
keying screen opens on a questionnaire that has paper forms."""

from __future__ import annotations

from typing import Any

from django.test import Client

from chiso.audit.models import AuditEvent
from chiso.facts.models import Fact
from chiso.surveys.actions import issue_invitations, set_quota
from chiso.surveys.models import Campaign
from tests.conftest import PASSWORD
from tests.surveys.test_views import _answered


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_slips_link_shows_only_when_there_are_slips_to_print(world: Any, campaign: Any) -> None:
    set_quota(
        campaign, actor=world.tuan, agency=world.stp, group="citizen", channel="online", target=5
    )
    client = _client(world.tuan)
    url = f"/surveys/{campaign.pk}/invitations/{world.stp.pk}.pdf"
    assert client.get(url).status_code == 404
    assert url not in client.get(f"/surveys/{campaign.pk}/").content.decode()
    issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    assert url in client.get(f"/surveys/{campaign.pk}/").content.decode()
    assert client.get(url).status_code == 200


def test_closing_asks_for_confirmation_and_only_post_closes(world: Any, campaign: Any) -> None:
    _answered(campaign, world.stp, "4", "10.0.0.1")
    _answered(campaign, world.stp, "5", "10.0.0.2")
    client = _client(world.tuan)
    detail = client.get(f"/surveys/{campaign.pk}/").content.decode()
    confirm_url = f"/surveys/{campaign.pk}/state/?to=closed"
    assert confirm_url in detail
    assert 'name="to" value="closed"' not in detail  # no one-click close on the campaign page
    page = client.get(confirm_url)
    text = page.content.decode()
    assert page.status_code == 200
    assert world.stp.name in text and world.sxd.name in text
    assert "cannot be undone" in text or "không thể hoàn tác" in text
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.OPEN
    assert not AuditEvent.objects.filter(action="surveys.campaign.closed").exists()
    assert not Fact.objects.filter(name__startswith="survey.").exists()
    # Only the reform office sees the confirmation page.
    assert _client(world.minh).get(confirm_url).status_code == 403
    assert _client(world.mai).get(confirm_url).status_code == 403
    client.post(f"/surveys/{campaign.pk}/state/", {"to": "closed"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.CLOSED
    assert Fact.objects.filter(name__startswith="survey.", agency=world.stp).exists()
    # A closed campaign has nothing left to confirm.
    assert client.get(confirm_url).status_code == 404


def test_the_heading_names_the_year_once(world: Any, campaign: Any) -> None:
    client = _client(world.tuan)
    heading = client.get(f"/surveys/{campaign.pk}/").content.decode().split("<h1", 1)[1]
    heading = heading.split("</h1>", 1)[0]
    assert heading.count("2024") == 1  # "Khảo sát hài lòng 2024" already says it
    campaign.name = "Khảo sát hài lòng"
    campaign.save(update_fields=["name"])
    heading = client.get(f"/surveys/{campaign.pk}/").content.decode().split("<h1", 1)[1]
    assert heading.split("</h1>", 1)[0].count("2024") == 1


def test_paper_keying_opens_on_the_questionnaire_printed_on_paper(
    world: Any, campaign: Any
) -> None:
    last = campaign.questionnaires.order_by("-pk").first()
    issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="paper",
        count=2,
        questionnaire=last,
    )
    page = _client(world.mai).get(f"/surveys/{campaign.pk}/entry/").content.decode()
    assert f'<option value="{last.pk}" selected>' in page
    first = campaign.questionnaires.order_by("pk").first()
    assert f'<option value="{first.pk}" selected>' not in page
