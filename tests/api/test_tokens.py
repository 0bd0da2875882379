"""API tokens: created once and shown once, stored hashed, audited, revoked for good."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from chiso.api import actions
from chiso.api.models import ApiToken
from chiso.audit.models import AuditEvent
from tests.api.conftest import bearer, session


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_the_cli_prints_a_new_token_once_and_stores_only_its_hash(world: Any) -> None:
    out = run("create", "--user", "tuan", "--name", "Hệ thống báo cáo")

    lines = out.splitlines()
    token = lines[-1]
    stored = ApiToken.objects.get()
    assert lines[0] == (
        f'Đã tạo mã truy cập API "Hệ thống báo cáo" (tiền tố {stored.prefix}) cho tài khoản tuan.'
    )
    assert token.startswith(f"chiso_{stored.prefix}_")
    secret = token.removeprefix(f"chiso_{stored.prefix}_")
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in stored.secret_hash and stored.user == world.tuan
    assert session(None).get("/api/agencies", headers=bearer(token)).status_code == 200


def test_creating_and_revoking_leave_audit_rows_without_the_secret(world: Any) -> None:
    token, plain = actions.create_token(world.hanh, name="dashboard", actor=world.tuan)
    actions.revoke_token(token, actor=None)

    created, revoked = AuditEvent.objects.order_by("id").filter(action__startswith="api_token.")
    assert (created.action, created.actor, created.object_id) == (
        "api_token.created",
        world.tuan,
        str(token.pk),
    )
    assert created.data == {"user": "hanh", "name": "dashboard", "prefix": token.prefix}
    assert revoked.action == "api_token.revoked" and revoked.actor_label.startswith("CLI (")
    assert plain.split("_")[-1] not in json.dumps([created.data, revoked.data])


def test_a_revoked_token_is_refused(province: Any) -> None:
    headers = bearer(province.tokens["hanh"])
    assert session(None).get("/api/agencies", headers=headers).status_code == 200
    prefix = ApiToken.objects.get(user=province.world.hanh).prefix

    out = run("revoke", prefix)

    assert out.strip() == f'Đã thu hồi mã truy cập API "hanh-system" (tiền tố {prefix}).'
    response = session(None).get("/api/agencies", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "Mã truy cập API không hợp lệ hoặc đã bị thu hồi."
    with pytest.raises(CommandError, match="đã bị thu hồi trước đó"):
        run("revoke", province.tokens["hanh"])  # the whole token names it too


def test_using_a_token_marks_it_used(province: Any) -> None:
    token = ApiToken.objects.get(user=province.world.minh)
    assert token.last_used_at is None

    session(None).get("/api/blocks", headers=bearer(province.tokens["minh"]))

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(seconds=30)


def test_it_writes_last_used_at_at_most_once_a_minute(province: Any) -> None:
    earlier = timezone.now() - datetime.timedelta(seconds=30)
    ApiToken.objects.filter(user=province.world.minh).update(last_used_at=earlier)

    session(None).get("/api/blocks", headers=bearer(province.tokens["minh"]))

    assert ApiToken.objects.get(user=province.world.minh).last_used_at == earlier


def test_a_token_of_a_deactivated_user_is_refused(province: Any) -> None:
    province.world.tuan.is_active = False
    province.world.tuan.save()

    response = session(None).get("/api/agencies", headers=bearer(province.tokens["tuan"]))

    assert response.status_code == 401


def test_a_wrong_secret_with_a_real_prefix_is_refused(province: Any) -> None:
    real = province.tokens["tuan"]
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")

    assert session(None).get("/api/agencies", headers=bearer(forged)).status_code == 401


@pytest.mark.parametrize("persona", ["lan", "nam", "minh", "hanh", "mai", "khach"])
def test_only_the_reform_office_hands_out_tokens(world: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_token(world.tuan, name="x", actor=getattr(world, persona))
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_name_and_a_known_user(world: Any) -> None:
    with pytest.raises(CommandError, match="Hãy đặt tên cho mã truy cập"):
        run("create", "--user", "tuan", "--name", "  ")
    with pytest.raises(CommandError, match="Không có tài khoản ai-do"):
        run("create", "--user", "ai-do", "--name", "x")
    with pytest.raises(CommandError, match="Không có mã truy cập API nào có tiền tố abc"):
        run("revoke", "abc")


def test_the_cli_lists_tokens_and_speaks_json(world: Any) -> None:
    created = json.loads(run("create", "--user", "lan", "--name", "stp-app", "--json"))
    run("revoke", created["prefix"])

    listed = json.loads(run("list", "--json"))
    text = run("list", "--user", "lan", "--lang", "en")

    assert created["ok"] and created["token"].startswith("chiso_") and created["user"] == "lan"
    [row] = listed["tokens"]
    assert row["prefix"] == created["prefix"] and row["revoked_at"] is not None
    assert "token" not in row
    assert created["prefix"] in text and "(revoked; never used)" in text
