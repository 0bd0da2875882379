"""The write path for accounts: create users, grant and revoke roles, deactivate.

Only the reform office (or the command line, ``actor=None``) manages accounts; every change is
audited, so who could do what, and since when, can always be answered.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chiso.accounts import scope
from chiso.accounts.models import AGENCY_ROLES, Membership, Role
from chiso.audit.actions import record
from chiso.org.models import Agency


def _authorize(actor: Any) -> None:
    if actor is not None and not scope.is_reform_office(actor):
        raise PermissionDenied


@transaction.atomic
def create_user(
    *, username: str, full_name: str, password: str, actor: Any, email: str = ""
) -> User:
    """Create an active account without roles. Raises ValidationError for a taken username or
    a weak password (Django's validators), with Vietnamese messages."""
    _authorize(actor)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(_("The username %(name)s is taken.") % {"name": username})
    user = User(username=username, first_name=full_name, email=email)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    record(
        "accounts.user.created",
        actor=actor,
        obj=user,
        data={"new": {"username": username, "full_name": full_name, "email": email}},
    )
    return user


@transaction.atomic
def grant_role(user: User, role: str, *, agency: Agency | None, actor: Any) -> Membership:
    """Give ``user`` a role (for agency roles, in ``agency``). Granting a role the user already
    holds returns the existing membership and writes nothing."""
    _authorize(actor)
    if role not in Role.values:
        raise ValidationError(_("Unknown role: %(role)s") % {"role": role})
    if role in AGENCY_ROLES and agency is None:
        raise ValidationError(_("This role acts for one agency: choose it."))
    existing = Membership.objects.filter(user=user, role=role, agency=agency).first()
    if existing is not None:
        return existing
    membership = Membership.objects.create(user=user, role=role, agency=agency)
    record(
        "accounts.role.granted",
        actor=actor,
        obj=user,
        agency_id=agency.pk if agency else None,
        data={"role": role, "agency": agency.code if agency else None},
    )
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, actor: Any, reason: str = "") -> None:
    """Take a role away. The reform office cannot remove its own last reform-office role, so
    that the province is never left without anyone able to manage accounts."""
    _authorize(actor)
    user = membership.user
    if (
        actor is not None
        and user.pk == actor.pk
        and membership.role == Role.REFORM_OFFICE
        and not user.memberships.filter(role=Role.REFORM_OFFICE).exclude(pk=membership.pk).exists()
    ):
        raise ValidationError(_("You cannot remove your own reform-office role."))
    data = {
        "role": membership.role,
        "agency": membership.agency.code if membership.agency else None,
    }
    agency_id = membership.agency_id
    membership.delete()
    record(
        "accounts.role.revoked",
        actor=actor,
        obj=user,
        agency_id=agency_id,
        reason=reason,
        data=data,
    )


@transaction.atomic
def set_active(user: User, active: bool, *, actor: Any, reason: str = "") -> bool:
    """Allow or stop a user's logins (accounts are never deleted: the audit trail names them).
    Returns whether anything changed."""
    _authorize(actor)
    if actor is not None and user.pk == actor.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return False
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        "accounts.user.activated" if active else "accounts.user.deactivated",
        actor=actor,
        obj=user,
        reason=reason,
        data={"old": {"is_active": not active}, "new": {"is_active": active}},
    )
    return True


@transaction.atomic
def set_superuser(user: User, flag: bool, *, actor: Any) -> bool:
    """Give or take Django's superuser and staff flags (the admin, read-only in chiso).
    Only from the command line or by the reform office; audited. Returns whether it changed."""
    _authorize(actor)
    if user.is_superuser == flag and user.is_staff == flag:
        return False
    old = {"is_superuser": user.is_superuser, "is_staff": user.is_staff}
    user.is_superuser = user.is_staff = flag
    user.save(update_fields=["is_superuser", "is_staff"])
    record(
        "accounts.user.superuser_set",
        actor=actor,
        obj=user,
        data={"old": old, "new": {"is_superuser": flag, "is_staff": flag}},
    )
    return True
