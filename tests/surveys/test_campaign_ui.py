"""The reform office creates and edits campaigns and their quotas in the browser (no CLI)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from chiso.audit.models import AuditEvent
from chiso.org.models import Block
from chiso.surveys.actions import SurveyError, create_campaign
from chiso.surveys.actions.campaigns import update_campaign
from chiso.surveys.models import Campaign, Quota
from tests.conftest import PASSWORD


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def draft(world: Any, questionnaires: dict[str, Any]) -> Campaign:
    return create_campaign(
        actor=world.tuan,
        year=2025,
        name="Khảo sát thử 2025",
        questionnaires=[questionnaires["sipas-nguoi-dan"]],
        agencies=[world.stp, world.sxd],
    )


def _settings(shipped: dict[str, Any], *agencies: Any, **extra: Any) -> dict[str, Any]:
    sipas = shipped["sipas-nguoi-dan"]
    data = {
        "action": "save",
        "name": "Khảo sát sự hài lòng 2025",
        "year": "2025",
        "questionnaires": [str(sipas.pk)],
        "agencies": [str(a.pk) for a in agencies],
        "margin_percent": "5",
        "min_cell": "5",
        "no_opinion": "exclude",
        "seed": "123456",
        "open_questionnaire": str(sipas.pk),
    }
    data.update(extra)
    return data


# Status per persona: new campaign, settings, quota grid, quota download.
MATRIX = {
    "tuan": (200, 200, 200, 200),
    "lan": (403, 403, 403, 403),
    "nam": (403, 403, 403, 403),
    "minh": (403, 403, 403, 403),
    "hanh": (403, 403, 403, 403),
    "mai": (403, 403, 403, 403),
    "khach": (403, 403, 403, 403),
}


@pytest.mark.parametrize("name", MATRIX)
def test_only_the_reform_office_reaches_the_campaign_forms(
    world: Any, draft: Campaign, name: str
) -> None:
    client = _client(world.users[name])
    urls = [
        "/surveys/new/",
        f"/surveys/{draft.pk}/edit/",
        f"/surveys/{draft.pk}/quotas/",
        f"/surveys/{draft.pk}/quotas.xlsx",
    ]
    assert tuple(client.get(u).status_code for u in urls) == MATRIX[name]


@pytest.mark.parametrize("name", [n for n in MATRIX if n != "tuan"])
def test_nobody_else_can_write_a_campaign_or_its_quotas(
    world: Any, draft: Campaign, questionnaires: dict[str, Any], name: str
) -> None:
    client = _client(world.users[name])
    data = _settings(questionnaires, world.stp)
    assert client.post("/surveys/new/", data).status_code == 403
    assert client.post(f"/surveys/{draft.pk}/edit/", data).status_code == 403
    grid = {"action": "save", f"q_{world.stp.pk}_citizen_online": "50"}
    assert client.post(f"/surveys/{draft.pk}/quotas/", grid).status_code == 403
    assert client.post(f"/surveys/{draft.pk}/quotas/import/").status_code == 403
    assert Campaign.objects.count() == 1 and not Quota.objects.exists()


def test_anonymous_visitors_are_sent_to_login_from_the_new_campaign_page(db: Any) -> None:
    response = Client().get("/surveys/new/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_reform_office_creates_a_campaign_in_the_browser(
    world: Any, questionnaires: dict[str, Any]
) -> None:
    client = _client(world.tuan)
    page = client.get("/surveys/new/")
    assert "Sở Tư pháp" in page.content.decode()
    response = client.post(
        "/surveys/new/", _settings(questionnaires, world.stp, world.sxd, margin_percent="2,5")
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/surveys/{campaign.pk}/quotas/"
    assert campaign.name == "Khảo sát sự hài lòng 2025" and campaign.year == 2025
    assert str(campaign.margin) == "0.025" and campaign.seed == 123456
    assert campaign.status == "draft" and campaign.open_questionnaire is not None
    assert set(campaign.agencies.values_list("code", flat=True)) == {"stp", "sxd"}
    event = AuditEvent.objects.get(action="surveys.campaign.created")
    assert event.actor == world.tuan and event.object_id == str(campaign.pk)


def test_a_bad_margin_is_refused_with_a_message_and_nothing_is_created(
    world: Any, questionnaires: dict[str, Any]
) -> None:
    client = _client(world.tuan)
    response = client.post(
        "/surveys/new/", _settings(questionnaires, world.stp, margin_percent="50")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Sai số e (%)" in body and "20" in body
    assert not Campaign.objects.exists()


def test_a_draft_questionnaire_cannot_be_chosen(world: Any, questionnaires: dict[str, Any]) -> None:
    from chiso.surveys.models import Questionnaire

    draft_q = Questionnaire.objects.create(
        code="nhap",
        version=1,
        title="Bản nháp",
        definition=questionnaires["sipas-nguoi-dan"].definition,
    )
    client = _client(world.tuan)
    page = client.get("/surveys/new/").content.decode()
    assert "Bản nháp" not in page
    response = client.post(
        "/surveys/new/",
        _settings(
            questionnaires, world.stp, questionnaires=[str(draft_q.pk)], open_questionnaire=""
        ),
    )
    assert response.status_code == 400 and not Campaign.objects.exists()


def test_ticking_a_block_selects_its_agencies_without_saving(
    world: Any, questionnaires: dict[str, Any]
) -> None:
    block = Block.objects.create(code="so", year=2025, name="Khối sở, ban, ngành")
    block.agencies.set([world.stp, world.sxd])
    client = _client(world.tuan)
    data = _settings(questionnaires, world.snv, action="tick_block", block=str(block.pk))
    page = client.post("/surveys/new/", data)
    assert page.status_code == 200 and not Campaign.objects.exists()
    body = page.content.decode()
    for agency in (world.stp, world.sxd, world.snv):
        assert f'value="{agency.pk}" id="a{agency.pk}" checked' in body or (
            f'<input type="hidden" name="agencies" value="{agency.pk}">' in body
        )
    # filtering by the block shows only its agencies; Sở Nội vụ stays ticked, hidden
    data["action"] = "filter"
    body = client.post("/surveys/new/", data).content.decode()
    assert f'id="a{world.snv.pk}"' not in body
    assert f'<input type="hidden" name="agencies" value="{world.snv.pk}">' in body


def test_settings_change_while_draft_with_old_and_new_in_the_audit(
    world: Any, draft: Campaign, questionnaires: dict[str, Any]
) -> None:
    Quota.objects.create(
        campaign=draft, agency=world.sxd, group="citizen", channel="online", target=9
    )
    client = _client(world.tuan)
    page = client.get(f"/surveys/{draft.pk}/edit/").content.decode()
    assert "Khảo sát thử 2025" in page
    response = client.post(
        f"/surveys/{draft.pk}/edit/",
        _settings(questionnaires, world.stp, name="Tên mới", min_cell="3"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Tên mới" and draft.min_cell == 3
    assert list(draft.agencies.values_list("code", flat=True)) == ["stp"]
    assert not Quota.objects.filter(agency=world.sxd).exists()  # its quota went with it
    event = AuditEvent.objects.get(action="surveys.campaign.changed")
    assert (
        event.data["old"]["name"] == "Khảo sát thử 2025" and event.data["new"]["name"] == "Tên mới"
    )
    assert event.data["quotas_removed"] == [["sxd", "citizen", "online", 9]]


def test_an_open_campaign_keeps_its_settings(
    world: Any, campaign: Campaign, questionnaires: Any
) -> None:
    client = _client(world.tuan)
    response = client.get(f"/surveys/{campaign.pk}/edit/", follow=True)
    assert "Chỉ thay đổi được thiết lập" in response.content.decode()
    with pytest.raises(SurveyError):
        update_campaign(
            campaign,
            actor=world.tuan,
            **{
                "year": 2024,
                "name": "Khác",
                "questionnaires": list(campaign.questionnaires.all()),
                "agencies": [world.stp],
                "margin": campaign.margin,
                "min_cell": 5,
                "no_opinion": "exclude",
                "seed": 1,
            },
        )
    campaign.refresh_from_db()
    assert campaign.name == "Khảo sát hài lòng 2024"


def test_the_quota_grid_saves_every_cell_at_once(world: Any, draft: Campaign) -> None:
    client = _client(world.tuan)
    stp, sxd = world.stp.pk, world.sxd.pk
    response = client.post(
        f"/surveys/{draft.pk}/quotas/",
        {
            "action": "save",
            f"q_{stp}_citizen_online": "286",
            f"q_{stp}_citizen_paper": "40",
            f"q_{sxd}_organisation_online": "0",
            f"q_{sxd}_citizen_online": "",
        },
    )
    assert response.status_code == 302
    cells = {(q.agency.code, q.group, q.channel): q.target for q in draft.quotas.all()}
    assert cells == {
        ("stp", "citizen", "online"): 286,
        ("stp", "citizen", "paper"): 40,
        ("sxd", "organisation", "online"): 0,
    }
    event = AuditEvent.objects.get(action="surveys.quotas.set")
    assert {"cell": ["stp", "citizen", "online"], "old": None, "new": 286} in event.data["cells"]
    # emptying a cell removes its quota
    client.post(f"/surveys/{draft.pk}/quotas/", {"action": "save", f"q_{stp}_citizen_paper": ""})
    assert not draft.quotas.filter(channel="paper").exists()


def test_a_bad_cell_is_named_and_nothing_is_saved(world: Any, draft: Campaign) -> None:
    client = _client(world.tuan)
    stp = world.stp.pk
    response = client.post(
        f"/surveys/{draft.pk}/quotas/",
        {"action": "save", f"q_{stp}_citizen_online": "50", f"q_{stp}_citizen_paper": "nhiều"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Sở Tư pháp · người dân · phiếu giấy: «nhiều» không phải là số phiếu nguyên" in body
    assert 'value="50"' in body  # what was typed stays on the page
    assert not Quota.objects.exists()


def test_the_grid_suggests_n_from_n_with_the_formula(world: Any, draft: Campaign) -> None:
    client = _client(world.tuan)
    response = client.post(
        f"/surveys/{draft.pk}/quotas/", {"action": "suggest", f"n_{world.stp.pk}": "1000"}
    )
    body = response.content.decode()
    assert "n = 1000 / (1 + 1000 × 0,050²) ≈ <b>286</b>" in body
    assert not Quota.objects.exists()


def test_a_closed_campaign_shows_its_quotas_read_only(world: Any, campaign: Campaign) -> None:
    from chiso.surveys.actions import close_campaign

    close_campaign(campaign, actor=world.tuan)
    client = _client(world.tuan)
    body = client.get(f"/surveys/{campaign.pk}/quotas/").content.decode()
    assert "Lưu chỉ tiêu" not in body and " disabled" in body
    response = client.post(
        f"/surveys/{campaign.pk}/quotas/",
        {"action": "save", f"q_{world.stp.pk}_citizen_online": "5"},
    )
    assert response.status_code == 400 and not Quota.objects.filter(campaign=campaign).exists()


def _xlsx(rows: list[list[Any]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Mã cơ quan", "Nhóm đối tượng", "Kênh", "Chỉ tiêu"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "chi-tieu.xlsx"
    return out


def test_quotas_go_out_and_come_back_as_xlsx(world: Any, draft: Campaign) -> None:
    Quota.objects.create(
        campaign=draft, agency=world.stp, group="citizen", channel="online", target=80
    )
    client = _client(world.tuan)
    download = client.get(f"/surveys/{draft.pk}/quotas.xlsx")
    assert download["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(download.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == ["stp", "citizen", "online", 80]
    upload = _xlsx([["stp", "citizen", "online", 90], ["sxd", "Người dân", "paper", 25]])
    response = client.post(f"/surveys/{draft.pk}/quotas/import/", {"file": upload}, follow=True)
    assert "1 mới, 1 thay đổi, 0 bỏ" in response.content.decode()
    cells = {(q.agency.code, q.group, q.channel): q.target for q in draft.quotas.all()}
    assert cells == {("stp", "citizen", "online"): 90, ("sxd", "citizen", "paper"): 25}


def test_a_quota_file_with_a_bad_row_changes_nothing(world: Any, draft: Campaign) -> None:
    client = _client(world.tuan)
    upload = _xlsx([["stp", "citizen", "online", 90], ["snv", "citizen", "bưu điện", "x"]])
    body = client.post(f"/surveys/{draft.pk}/quotas/import/", {"file": upload}, follow=True)
    text = body.content.decode()
    assert "Dòng 3, cột «Mã cơ quan»: &#x27;snv&#x27;" in text or "Dòng 3, cột «Mã cơ quan»" in text
    assert "Dòng 3, cột «Kênh»" in text and "Dòng 3, cột «Chỉ tiêu»" in text
    assert not Quota.objects.exists()


def test_the_survey_pages_link_to_the_new_forms_for_the_reform_office_only(
    world: Any, draft: Campaign, campaign: Campaign
) -> None:
    tuan, hanh = _client(world.tuan), _client(world.hanh)
    assert 'href="/surveys/new/"' in tuan.get("/surveys/").content.decode()
    assert 'href="/surveys/new/"' not in hanh.get("/surveys/").content.decode()
    assert 'href="/surveys/questionnaires/"' in hanh.get("/surveys/").content.decode()
    prepared = tuan.get(f"/surveys/{draft.pk}/").content.decode()
    assert f'href="/surveys/{draft.pk}/edit/"' in prepared
    assert f'href="/surveys/{draft.pk}/quotas/"' in prepared
    collecting = tuan.get(f"/surveys/{campaign.pk}/").content.decode()
    assert f'href="/surveys/{campaign.pk}/edit/"' not in collecting
    assert f'href="/surveys/{campaign.pk}/quotas/"' in collecting
    assert (
        f'href="/surveys/{draft.pk}/quotas/"'
        not in hanh.get(f"/surveys/{draft.pk}/").content.decode()
    )
