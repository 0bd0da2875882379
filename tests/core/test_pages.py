"""The shell every user sees: login, home page, language, formats."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.test import Client
from django.utils import translation

from tests.conftest import PASSWORD


def test_it_asks_anonymous_users_to_log_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_shows_the_login_page_in_vietnamese(client: Client, db: None) -> None:
    response = client.get("/login/")
    assert "Đăng nhập" in response.content.decode()


def test_it_lists_the_users_roles_after_login(client: Client, world) -> None:
    assert client.login(username="lan", password=PASSWORD)
    page = client.get("/").content.decode()
    assert "Cán bộ đầu mối" in page and "Sở Tư pháp" in page


def test_it_formats_numbers_and_dates_the_vietnamese_way() -> None:
    with translation.override("vi"):
        out = Template("{% load l10n %}{{ n }} {{ big }} {{ d|date:'SHORT_DATE_FORMAT' }}").render(
            Context(
                {
                    "n": Decimal("82.22"),
                    "big": Decimal("1234567.5"),
                    "d": datetime.date(2023, 12, 28),
                }
            )
        )
    assert out == "82,22 1234567,5 28/12/2023"


def test_it_stays_vietnamese_for_an_english_browser_until_english_is_chosen(
    client: Client, db: None
) -> None:
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Log in" in page and "Đăng nhập" not in page


def test_the_home_page_shows_each_user_where_to_start(client: Client, demo: None) -> None:
    from chiso.demo.build import DEMO_PASSWORD

    assert client.login(username="tuan", password=DEMO_PASSWORD)
    page = client.get("/").content.decode()
    assert "82,22%" in page and "Cơ quan, đơn vị đang hoạt động" in page
    client.logout()
    assert client.login(username="lan", password=DEMO_PASSWORD)
    page = client.get("/").content.decode()
    assert "Kết quả của cơ quan bạn" in page and "/results/2023/so-ban-nganh/stp/" in page
    assert "Cơ quan, đơn vị đang hoạt động" not in page
