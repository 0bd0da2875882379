"""Error pages speak Vietnamese and lead back home, never Django's bare English defaults."""

from __future__ import annotations

from typing import Any

from django.template import loader
from django.test import Client
from django.utils import translation

from tests.assessments.office_world import client_for


def test_a_forbidden_page_says_so_in_vietnamese(world: Any, settings: Any) -> None:
    settings.DEBUG = False
    response = client_for(world.khach).get("/audit/")
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="vi">' in html and "Không có quyền truy cập" in html
    assert 'href="/">Về trang chủ</a>' in html and "403 Forbidden" not in html


def test_a_missing_page_says_so_in_vietnamese(world: Any, settings: Any) -> None:
    settings.DEBUG = False
    response = client_for(world.lan).get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="vi">' in html and "Không tìm thấy trang" in html
    assert "Về trang chủ" in html and "Not Found" not in html


def test_the_server_error_page_needs_no_request() -> None:
    with translation.override("vi"):
        html = loader.get_template("500.html").render()
    assert '<html lang="vi">' in html and "Lỗi máy chủ" in html and 'href="/"' in html


def test_an_expired_form_is_explained_in_vietnamese(world: Any, settings: Any) -> None:
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "lan", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Biểu mẫu đã hết hạn" in html and "CSRF verification failed" not in html
