"""Account pages for the reform office: who has which role, and granting or revoking roles."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chiso.accounts import actions, scope
from chiso.accounts.forms import GrantRoleForm, UserCreateForm
from chiso.accounts.models import Membership
from chiso.audit.models import AuditEvent


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    scope.require_reform_office(request.user)
    users = User.objects.order_by("username").prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("agency"))
    )
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.create_user(**form.cleaned_data, actor=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.username})
            return redirect("accounts:user", username=user.username)
    return render(request, "accounts/user_list.html", {"users": users, "form": form})


@login_required
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    scope.require_reform_office(request.user)
    user = get_object_or_404(User, username=username)
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.grant_role(
                user,
                form.cleaned_data["role"],
                agency=form.cleaned_data["agency"],
                actor=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user", username=user.username)
    history = AuditEvent.objects.filter(object_type="auth.user", object_id=str(user.pk))[:50]
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "memberships": user.memberships.select_related("agency"),
            "form": form,
            "history": history,
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, username: str, membership_id: int) -> HttpResponse:
    scope.require_reform_office(request.user)
    membership = get_object_or_404(Membership, pk=membership_id, user__username=username)
    try:
        actions.revoke_role(membership, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Role revoked."))
    return redirect("accounts:user", username=username)


@login_required
@require_POST
def set_active(request: HttpRequest, username: str) -> HttpResponse:
    scope.require_reform_office(request.user)
    user = get_object_or_404(User, username=username)
    active = request.POST.get("active") == "1"
    try:
        actions.set_active(user, active, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Account enabled.") if active else _("Account disabled."))
    return redirect("accounts:user", username=username)
