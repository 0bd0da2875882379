"""Review s8, finding 7: a citizen who scans the campaign's QR code again, in the same browser,
comes back to the form they started instead of a new one; the page says how to come back."""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.test import Client

from chiso.surveys.actions import close_campaign, create_campaign, open_campaign
from chiso.surveys.models import Response
from chiso.surveys.open_resume import COOKIE
from tests.surveys.conftest import invite, sipas_answers
from tests.surveys.test_s6_public_form import start_on_the_open_link

PART_1 = {"section": "0", "kenh_nop": "1", "so_lan_di_lai": "2"}


def open_link(campaign: Any) -> str:
    return f"/khao-sat/mo/{campaign.open_code}/"


def send_every_part(client: Client, form: str) -> None:
    answers = sipas_answers()
    spec = Response.objects.get().questionnaire.spec
    for index, section in enumerate(spec.sections):
        data: dict[str, Any] = {"section": str(index)}
        data.update({q.code: answers[q.code] for q in section.questions if q.code in answers})
        assert client.post(form, data).status_code == 302
    assert client.post(form, {"submit": "1"}).status_code == 302


def test_scanning_the_qr_code_again_resumes_the_form_at_the_next_part(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")
    assert client.post(form, PART_1).status_code == 302

    again = client.get(open_link(campaign))

    # A link back, never a redirect: the next person on a shared phone starts their own.
    assert again.status_code == 200
    start = again.content.decode()
    assert f'<a href="{form}">Tiếp tục phiếu ông/bà đã bắt đầu trên trình duyệt này</a>' in start
    assert "Người khác dùng thiết bị này bắt đầu phiếu mới ở dưới." in start
    assert 'name="captcha"' in start
    page = client.get(form).content.decode()
    assert "Phần 2 / 7" in page and "Tiếp cận dịch vụ" in page
    assert Response.objects.count() == 1
    # The first part's answers are still there when the citizen goes back to it.
    back = client.get(f"{form}?phan=1").content.decode()
    assert 'value="2"' in back


def test_the_page_says_the_same_link_or_qr_code_brings_the_citizen_back(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")

    page = client.get(form).content.decode()

    assert "mở lại cùng đường dẫn hoặc mã QR trên trình duyệt này" in page
    assert "Trên điện thoại hoặc máy tính khác, hãy dùng địa chỉ của trang này." in page
    assert f'href="{open_link(campaign)}"' in page
    assert "Bắt đầu phiếu mới cho người khác hoặc lần giao dịch khác" in page


def test_an_invitation_link_keeps_its_own_words(world: Any, campaign: Any) -> None:
    invitation = invite(world, campaign, "online")

    page = Client().get(f"/khao-sat/{invitation.token}/").content.decode()

    assert "quay lại sau bằng cùng đường dẫn." in page
    assert "mã QR" not in page and "Bắt đầu phiếu mới cho người khác" not in page


def test_the_cookie_is_private_to_the_campaigns_open_link_and_expires(
    world: Any, campaign: Any, settings: Any
) -> None:
    settings.SESSION_COOKIE_SECURE = True  # as in production (DEBUG off)

    client, form = start_on_the_open_link(world, campaign, "citizen")

    cookie = client.cookies[COOKIE]
    assert cookie["path"] == open_link(campaign)
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 60 * 24 * 3600
    # Signed: the value names the form, and a bare token is refused (test below).
    token = form.strip("/").split("/")[-1]
    assert cookie.value.startswith(f"{token}:") and cookie.value != token


def test_in_development_the_cookie_also_works_without_https(world: Any, campaign: Any) -> None:
    client, _form = start_on_the_open_link(world, campaign, "citizen")

    assert not client.cookies[COOKIE]["secure"]


def test_another_browser_starts_its_own_form(world: Any, campaign: Any) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")
    client.post(form, PART_1)

    other = Client().get(open_link(campaign))

    assert other.status_code == 200
    page = other.content.decode()
    assert "Kiểm tra chống phiếu tự động" in page and "Tiếp tục phiếu" not in page


def test_a_forged_or_foreign_cookie_leads_nowhere(world: Any, campaign: Any) -> None:
    owner, form = start_on_the_open_link(world, campaign, "citizen")
    token = form.strip("/").split("/")[-1]

    forged = Client()
    forged.cookies[COOKIE] = token  # the bare token, not signed by chiso
    wrong_salt = Client()
    wrong_salt.cookies[COOKIE] = signing.get_cookie_signer(salt=COOKIE + "x").sign(token)

    other_campaign = create_campaign(
        actor=world.tuan,
        year=2025,
        name="Khảo sát hài lòng 2025",
        questionnaires=[campaign.open_questionnaire],
        agencies=[world.stp],
        open_questionnaire=campaign.open_questionnaire,
    )
    open_campaign(other_campaign, actor=world.tuan)
    other_campaign.refresh_from_db()
    elsewhere, _other_form = start_on_the_open_link(world, other_campaign, "citizen")
    foreign = Client()  # a cookie chiso signed, for another campaign's form
    foreign.cookies[COOKIE] = elsewhere.cookies[COOKIE].value

    for browser in (forged, wrong_salt, foreign):
        page = browser.get(open_link(campaign))
        assert page.status_code == 200
        assert "Kiểm tra chống phiếu tự động" in page.content.decode()
        assert "Tiếp tục phiếu" not in page.content.decode()


def test_a_sent_form_lets_the_browser_start_a_new_one_and_says_so(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")
    send_every_part(client, form)

    again = client.get(open_link(campaign))

    assert again.status_code == 200
    page = again.content.decode()
    assert "Trình duyệt này đã gửi một phiếu: xin cảm ơn!" in page
    assert "Bắt đầu" in page
    # A second person on the same phone starts and gets a form of their own.
    token = again.context["captcha_token"]
    answer = signing.loads(token, salt="chiso.surveys.captcha")
    second = client.post(
        open_link(campaign),
        {
            "agency": world.sxd.pk,
            "group": "citizen",
            "captcha": str(answer),
            "captcha_token": token,
        },
    )
    assert second.status_code == 302 and second["Location"] != form
    assert Response.objects.filter(status="submitted").count() == 1
    assert Response.objects.filter(status="started").get().agency == world.sxd
    # ... and the QR code now offers this browser that second form.
    assert f'href="{second["Location"]}"' in client.get(open_link(campaign)).content.decode()


def test_the_next_person_on_a_shared_device_never_sees_the_earlier_answers(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")
    client.post(form, {**PART_1, "so_lan_di_lai": "7"})

    fresh = client.get(open_link(campaign))

    assert fresh.status_code == 200
    page = fresh.content.decode()
    assert f'<a href="{form}">Tiếp tục phiếu ông/bà đã bắt đầu trên trình duyệt này</a>' in page
    assert 'name="captcha"' in page and 'value="7"' not in page


def test_coming_back_does_not_count_against_the_hourly_limit(
    world: Any, campaign: Any, settings: Any
) -> None:
    settings.SURVEY_OPEN_LINK_PER_HOUR = 1
    client, form = start_on_the_open_link(world, campaign, "citizen")

    for _ in range(3):
        page = client.get(open_link(campaign))
        assert page.status_code == 200 and f'href="{form}"' in page.content.decode()


def test_after_the_campaign_closes_the_open_link_is_gone_even_with_the_cookie(
    world: Any, campaign: Any
) -> None:
    client, form = start_on_the_open_link(world, campaign, "citizen")
    close_campaign(campaign, actor=world.tuan)

    assert client.get(open_link(campaign)).status_code == 404
    closed = client.get(form)
    assert closed.status_code == 410
