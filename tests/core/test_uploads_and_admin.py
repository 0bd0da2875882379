"""Uploads are bounded, and the admin cannot change anything the audit trail must record."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from chiso.accounts.actions import set_superuser
from tests.conftest import PASSWORD


def test_a_file_over_10_mb_is_refused_before_it_is_read(world: Any) -> None:
    client = Client()
    assert client.login(username="tuan", password=PASSWORD)
    big = SimpleUploadedFile("big.csv", b"x" * (10 * 1024 * 1024 + 1), "text/csv")
    for url in ("/facts/import/", "/frameworks/upload/", "/org/import/"):
        big.seek(0)
        page = client.post(url, {"file": big}).content.decode()
        assert "Tệp lớn hơn 10 MB." in page, url


def test_the_admin_shows_users_but_cannot_change_them(world: Any) -> None:
    set_superuser(world.tuan, True, actor=None)
    client = Client()
    assert client.login(username="tuan", password=PASSWORD)
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/auth/user/add/").status_code == 403
    response = client.post(f"/admin/auth/user/{world.lan.pk}/change/", {"is_superuser": "on"})
    assert response.status_code == 403
    assert not User.objects.get(pk=world.lan.pk).is_superuser
    assert client.get("/admin/accounts/membership/add/").status_code == 403
