"""The reform office manages accounts and roles; everyone else is kept out; all is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client

from chiso.accounts import actions, scope
from chiso.accounts.models import Membership, Role
from chiso.audit.models import AuditEvent
from tests.conftest import PASSWORD


def login(persona: str | None) -> Client:
    client = Client()
    if persona:
        assert client.login(username=persona, password=PASSWORD)
    return client


@pytest.mark.parametrize("persona", ["hanh", "minh", "lan", "nam", "mai", "khach"])
def test_only_the_reform_office_opens_the_account_pages(world: Any, persona: str) -> None:
    client = login(persona)
    assert client.get("/accounts/").status_code == 403
    assert client.get("/accounts/lan/").status_code == 403
    assert client.post("/accounts/lan/", {"role": "viewer"}).status_code == 403
    assert client.post("/accounts/lan/active/", {"active": "0"}).status_code == 403
    assert not Membership.objects.filter(user=world.lan, role=Role.VIEWER).exists()
    assert login("tuan").get("/accounts/lan/").status_code == 200


def test_anonymous_users_are_sent_to_login(world: Any) -> None:
    response = Client().get("/accounts/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_tuan_creates_an_account_and_grants_an_agency_role(world: Any) -> None:
    client = login("tuan")
    response = client.post(
        "/accounts/",
        {
            "username": "hoa",
            "full_name": "Đỗ Thị Hoa",
            "email": "",
            "password": "Mot-mat-khau-dai-2024",
        },
    )
    assert response.status_code == 302
    hoa = User.objects.get(username="hoa")
    assert hoa.get_full_name() == "Đỗ Thị Hoa" and hoa.check_password("Mot-mat-khau-dai-2024")
    page = client.post("/accounts/hoa/", {"role": "focal_officer", "agency": ""}, follow=True)
    assert "Vai trò này gắn với một cơ quan: hãy chọn cơ quan." in page.content.decode()
    client.post("/accounts/hoa/", {"role": "focal_officer", "agency": "sxd"})
    assert scope.own_agency_ids(User.objects.get(username="hoa")) == {world.sxd.pk}
    actions_written = list(
        AuditEvent.objects.filter(object_id=str(hoa.pk)).values_list("action", "actor_label")
    )
    assert actions_written == [("accounts.role.granted", "tuan"), ("accounts.user.created", "tuan")]


def test_a_weak_password_is_refused_in_vietnamese(world: Any) -> None:
    page = (
        login("tuan")
        .post("/accounts/", {"username": "x1", "full_name": "X", "password": "123"})
        .content.decode()
    )
    assert "Mật khẩu này quá ngắn" in page
    assert not User.objects.filter(username="x1").exists()


def test_revoking_and_disabling_are_audited(world: Any) -> None:
    client = login("tuan")
    membership = Membership.objects.get(user=world.lan)
    client.post(f"/accounts/lan/roles/{membership.pk}/revoke/", {"reason": "chuyển công tác"})
    assert not Membership.objects.filter(user=world.lan).exists()
    client.post("/accounts/lan/active/", {"active": "0"})
    world.lan.refresh_from_db()
    assert not world.lan.is_active
    assert not Client().login(username="lan", password=PASSWORD)
    revoked = AuditEvent.objects.get(action="accounts.role.revoked")
    assert revoked.reason == "chuyển công tác" and revoked.data == {
        "role": "focal_officer",
        "agency": "stp",
    }
    assert AuditEvent.objects.filter(action="accounts.user.deactivated").exists()


def test_the_reform_office_cannot_lock_itself_out(world: Any) -> None:
    own = Membership.objects.get(user=world.tuan, role=Role.REFORM_OFFICE)
    with pytest.raises(ValidationError):
        actions.revoke_role(own, actor=world.tuan)
    with pytest.raises(ValidationError):
        actions.set_active(world.tuan, False, actor=world.tuan)


def test_others_cannot_call_the_actions(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        actions.grant_role(world.lan, Role.REFORM_OFFICE, agency=None, actor=world.lan)


def test_the_command_line_manages_accounts(world: Any, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("account", "create", "hung", "--name", "Anh Hùng")
    out = capsys.readouterr().out
    assert "Đã tạo tài khoản hung." in out and "Mật khẩu ban đầu" in out
    call_command("account", "grant", "hung", "agency_leader", "--agency", "stp")
    assert scope.own_agency_ids(User.objects.get(username="hung")) == {
        world.stp.pk,
        world.stp_unit.pk,
    }
    with pytest.raises(CommandError, match="Không có cơ quan mã nope"):
        call_command("account", "grant", "hung", "agency_leader", "--agency", "nope")
    call_command("account", "revoke", "hung", "agency_leader", "--agency", "stp")
    call_command("account", "list")
    assert "hung" in capsys.readouterr().out
    assert AuditEvent.objects.filter(
        action="accounts.role.revoked", actor_label__startswith="CLI"
    ).exists()
