"""The landing page after login."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chiso.accounts.models import Membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    memberships = Membership.objects.filter(user=user).select_related("agency")
    return render(request, "core/home.html", {"memberships": memberships})
