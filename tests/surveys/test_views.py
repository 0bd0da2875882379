"""Survey pages: who sees what (matrix over the personas), the public form, keying, exports."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from chiso.surveys.actions import issue_invitations, key_form
from chiso.surveys.models import Response
from tests.conftest import PASSWORD
from tests.surveys.conftest import sipas_answers


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# Status per persona: campaign page, results, export, keying screen.
MATRIX = {
    "tuan": (200, 200, 200, 403),
    "lan": (403, 403, 403, 403),
    "nam": (403, 403, 403, 403),
    "minh": (200, 200, 403, 403),
    "hanh": (200, 200, 403, 403),
    "mai": (200, 403, 403, 200),
    "khach": (403, 403, 403, 403),
}


@pytest.mark.parametrize("name", MATRIX)
def test_who_sees_which_survey_page(world: Any, campaign: Any, name: str) -> None:
    client = _client(world.users[name])
    urls = [
        f"/surveys/{campaign.pk}/",
        f"/surveys/{campaign.pk}/results/",
        f"/surveys/{campaign.pk}/export.csv",
        f"/surveys/{campaign.pk}/entry/",
    ]
    assert tuple(client.get(u).status_code for u in urls) == MATRIX[name]


def test_anonymous_visitors_are_sent_to_login(campaign: Any) -> None:
    response = Client().get(f"/surveys/{campaign.pk}/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_a_respondent_fills_the_form_by_link_section_by_section(world: Any, campaign: Any) -> None:
    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    client = Client()
    url = f"/khao-sat/{invitation.token}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Phần 1 / 7" in page.content.decode() and "Sở Tư pháp" in page.content.decode()
    bad = client.post(url, {"section": "0", "doi_tuong": "1"})
    assert bad.status_code == 400 and "chưa trả lời" in bad.content.decode()
    raw = sipas_answers()
    spec = campaign.open_questionnaire.spec
    for i, section in enumerate(spec.sections):
        data: dict[str, Any] = {"section": str(i)}
        data.update({q.code: raw[q.code] for q in section.questions if q.code in raw})
        assert client.post(url, data).status_code == 302
    review = client.get(url)
    assert "Gửi phiếu" in review.content.decode()
    client.post(url, {"submit": "1"})
    assert "Xin cảm ơn" in client.get(url).content.decode()
    assert Response.objects.get().status == "submitted"


def test_the_open_link_needs_the_right_sum(world: Any, campaign: Any) -> None:
    client = Client()
    url = f"/khao-sat/mo/{campaign.open_code}/"
    page = client.get(url)
    token = page.context["captcha_token"]
    from django.core import signing

    expected = signing.loads(token, salt="chiso.surveys.captcha")
    wrong = client.post(
        url, {"agency": world.stp.pk, "group": "citizen", "captcha": "99", "captcha_token": token}
    )
    assert wrong.status_code == 400 and not Response.objects.exists()
    right = client.post(
        url,
        {
            "agency": world.stp.pk,
            "group": "citizen",
            "captcha": str(expected),
            "captcha_token": token,
        },
    )
    assert right.status_code == 302 and Response.objects.get().open_link


def test_mai_keys_a_form_and_a_wrong_agency_is_refused(world: Any, campaign: Any) -> None:
    sipas = campaign.open_questionnaire
    (form,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="paper",
        count=1,
        questionnaire=sipas,
    )
    client = _client(world.mai)
    url = f"/surveys/{campaign.pk}/entry/"
    wrong = client.post(
        url,
        {"agency": world.sxd.pk, "questionnaire": sipas.pk, "form_number": form.form_number},
    )
    assert wrong.status_code == 400 and "không phải Sở Xây dựng" in wrong.content.decode()
    ok = client.post(
        url,
        {
            "agency": world.stp.pk,
            "questionnaire": sipas.pk,
            "form_number": form.form_number,
            **{k: ",".join(v) if isinstance(v, list) else v for k, v in sipas_answers().items()},
        },
    )
    assert ok.status_code == 302
    assert form.entries.get().operator == world.mai


def test_the_export_has_one_row_per_response_and_a_codebook_without_contacts(
    world: Any, campaign: Any, operator2: Any
) -> None:
    (form,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="paper",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    for who in (world.mai, operator2):
        key_form(
            campaign, actor=who, agency=world.stp, number=form.form_number, raw=sipas_answers()
        )
    data = _client(world.tuan).get(f"/surveys/{campaign.pk}/export.xlsx").content
    book = load_workbook(io.BytesIO(data))
    rows = list(book["Phiếu trả lời"].values)
    assert len(rows) == 2 and rows[1][2] == "stp" and rows[1][4] == "paper"
    assert form.form_number not in str(rows)
    codebook = {r[0]: r for r in book["Mã hóa"].values}
    assert codebook["kq_xin_loi"][5] == "kq_dung_han ∈ [2]"


def test_printable_forms_carry_the_number(world: Any, campaign: Any) -> None:
    issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="paper",
        count=2,
        questionnaire=campaign.open_questionnaire,
    )
    response = _client(world.mai).get(f"/surveys/{campaign.pk}/forms/{world.stp.pk}.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert f"K{campaign.pk}-{world.stp.pk}-00002" in text and "Sở Tư pháp" in text
    assert text.count("\f") >= 2  # one page or more per form


def _answered(campaign: Any, agency: Any, scale: str, ip: str) -> Any:
    from chiso.surveys.actions import save_section, start_open_response, submit_response

    response = start_open_response(campaign, agency=agency, group="citizen", ip=ip)
    raw = sipas_answers(scale)
    for i, section in enumerate(response.questionnaire.spec.sections):
        save_section(response, i, {q.code: raw.get(q.code, "") for q in section.questions})
    submit_response(response)
    return response


def test_results_show_indices_and_hide_small_cells(world: Any, campaign: Any) -> None:
    for i, scale in enumerate(("5", "4", "2")):
        _answered(campaign, world.stp, scale, f"10.0.0.{i}")
    _answered(campaign, world.sxd, "5", "10.0.1.1")  # one answer: below the minimum of 2
    page = _client(world.hanh).get(f"/surveys/{campaign.pk}/results/").content.decode()
    stp_row = page.split('<th scope="row">Sở Tư pháp</th>')[1].split("</tr>")[0]
    sxd_row = page.split('<th scope="row">Sở Xây dựng</th>')[1].split("</tr>")[0]
    assert "66,67" in stp_row and "—" not in stp_row
    assert "100" not in sxd_row and "—" in sxd_row
    assert "Giảm giấy tờ, đơn giản thủ tục" in page  # the expectations ranking


def test_the_reform_office_excludes_a_duplicate_with_a_reason(world: Any, campaign: Any) -> None:
    from chiso.audit.models import AuditEvent

    _answered(campaign, world.stp, "4", "10.0.0.1")
    duplicate = _answered(campaign, world.stp, "4", "10.0.0.1")
    client = _client(world.tuan)
    page = client.get(f"/surveys/{campaign.pk}/quality/").content.decode()
    assert f"<td>{duplicate.pk}</td>" in page and "duplicate" in page
    client.post(
        f"/surveys/{campaign.pk}/quality/",
        {"response": duplicate.pk, "excluded": "1", "reason": "Trùng phiếu"},
    )
    duplicate.refresh_from_db()
    assert duplicate.excluded and duplicate.exclusion_reason == "Trùng phiếu"
    assert AuditEvent.objects.get(action="surveys.response.excluded").reason == "Trùng phiếu"
    assert _client(world.minh).get(f"/surveys/{campaign.pk}/quality/").status_code == 403


def test_closing_from_the_campaign_page(world: Any, campaign: Any) -> None:
    _answered(campaign, world.stp, "4", "10.0.0.1")
    response = _client(world.tuan).post(
        f"/surveys/{campaign.pk}/state/", {"to": "closed"}, follow=True
    )
    assert "các chỉ số đã được ghi thành dữ liệu chấm điểm" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "closed"


def test_invitation_slips_carry_the_link_for_the_reform_office_only(
    world: Any, campaign: Any
) -> None:
    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    url = f"/surveys/{campaign.pk}/invitations/{world.stp.pk}.pdf"
    assert _client(world.mai).get(url).status_code == 403
    pdf = _client(world.tuan).get(url).content
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert f"/khao-sat/{invitation.token}/" in text.replace("\n", "")


def test_the_reform_office_imports_contacts_and_draws_from_the_page(
    world: Any, campaign: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(world.tuan)
    data = "Mã cơ quan,Nhóm đối tượng,Họ và tên\n" + "".join(
        f"stp,citizen,Người {i}\n" for i in range(8)
    )
    upload = SimpleUploadedFile("ds.csv", data.encode(), content_type="text/csv")
    page = client.post(f"/surveys/{campaign.pk}/contacts/", {"file": upload}, follow=True)
    assert "Đã nhập 8 người vào danh sách." in page.content.decode()
    page = client.post(
        f"/surveys/{campaign.pk}/cell/",
        {
            "what": "draw",
            "agency": world.stp.pk,
            "group": "citizen",
            "channel": "online",
            "number": "3",
            "questionnaire": campaign.open_questionnaire.pk,
        },
        follow=True,
    )
    assert campaign.invitations.filter(contact__isnull=False).count() == 3
    assert "Người 1" not in page.content.decode()  # names are never shown


def test_links_stop_working_when_the_campaign_closes(world: Any, campaign: Any) -> None:
    from chiso.surveys.actions import close_campaign

    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    assert Client().get(f"/khao-sat/{invitation.token}/").status_code == 200
    close_campaign(campaign, actor=world.tuan)
    closed = Client().get(f"/khao-sat/{invitation.token}/")
    assert closed.status_code == 410
    assert "Đợt khảo sát này hiện không nhận phiếu." in closed.content.decode()
    assert Client().get(f"/khao-sat/mo/{campaign.open_code}/").status_code == 404
    assert Client().get("/khao-sat/not-a-token/").status_code == 404


def test_the_public_form_speaks_english_when_asked(world: Any, campaign: Any) -> None:
    from django.conf import settings

    (invitation,) = issue_invitations(
        campaign,
        actor=world.tuan,
        agency=world.stp,
        group="citizen",
        channel="online",
        count=1,
        questionnaire=campaign.open_questionnaire,
    )
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/khao-sat/{invitation.token}/").content.decode()
    assert "Part 1 of 7" in page and "How did you submit the application?" in page


def test_a_forged_forwarded_header_does_not_escape_the_hourly_limit(
    world: Any, campaign: Any, settings: Any
) -> None:
    from django.core import signing

    settings.SURVEY_OPEN_LINK_PER_HOUR = 1
    settings.SURVEY_TRUSTED_PROXIES = 0  # no proxy in front: the header is the client's word
    url = f"/khao-sat/mo/{campaign.open_code}/"
    statuses = []
    for forged in ("1.1.1.1", "2.2.2.2"):
        client = Client(HTTP_X_FORWARDED_FOR=forged)
        token = client.get(url).context["captcha_token"]
        answer = str(signing.loads(token, salt="chiso.surveys.captcha"))
        data = {"agency": world.stp.pk, "group": "citizen", "captcha": answer}
        statuses.append(client.post(url, {**data, "captcha_token": token}).status_code)
    assert statuses == [302, 429]
