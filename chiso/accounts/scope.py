"""Who may see and change what. Every view and API endpoint asks these helpers.

Province-wide roles (reform office, read-only provincial leaders, appraisers) see the whole
registry; agency roles see their own agency and the units below it. Only the reform office (or
a superuser) changes the registry, frameworks and results.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from chiso.accounts.models import Role

PROVINCE_WIDE = frozenset({Role.REFORM_OFFICE, Role.VIEWER, Role.APPRAISER})


def roles(user: Any) -> set[str]:
    """The user's role codes (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_chiso_roles", None)
    if cached is None:
        cached = set(user.memberships.values_list("role", flat=True))
        if user.is_superuser:
            cached.add(Role.REFORM_OFFICE)
        user._chiso_roles = cached
    return set(cached)


def has_role(user: Any, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def is_reform_office(user: Any) -> bool:
    return has_role(user, Role.REFORM_OFFICE)


def sees_whole_province(user: Any) -> bool:
    return bool(roles(user) & PROVINCE_WIDE)


def own_agency_ids(user: Any) -> set[int]:
    """Agencies the user acts for through an agency role, with every unit below them."""
    if not getattr(user, "is_authenticated", False):
        return set()
    from chiso.org.models import Agency

    ids = set(
        user.memberships.filter(role__in=[Role.FOCAL_OFFICER, Role.AGENCY_LEADER])
        .exclude(agency=None)
        .values_list("agency_id", flat=True)
    )
    frontier = set(ids)
    while frontier:
        frontier = (
            set(Agency.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        )
        ids |= frontier
    return ids


def visible_agencies(user: Any, queryset: QuerySet | None = None) -> QuerySet:
    """The agencies this user may see: all for province-wide roles, else their own."""
    from chiso.org.models import Agency

    qs = queryset if queryset is not None else Agency.objects.all()
    if sees_whole_province(user):
        return qs
    return qs.filter(pk__in=own_agency_ids(user))


def can_see_agency(user: Any, agency_id: int) -> bool:
    return sees_whole_province(user) or agency_id in own_agency_ids(user)


def require_reform_office(user: Any) -> None:
    """Raise PermissionDenied unless the user belongs to the reform office."""
    if not is_reform_office(user):
        raise PermissionDenied


def require_any_role(user: Any, wanted: Iterable[str] | None = None) -> None:
    """Raise PermissionDenied unless the user holds a role (one of ``wanted`` if given)."""
    mine = roles(user)
    if not mine or (wanted is not None and not mine & set(wanted)):
        raise PermissionDenied
