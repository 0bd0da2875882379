"""The notification pages: one's own list, unread first, and marking read (htmx or plain POST).

Only the recipient ever sees or marks a notification; another's answers 404, as if it did not
exist.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from chiso.notifications.actions import mark_read
from chiso.notifications.models import Notification

PAGE_SIZE = 50


def _page(request: HttpRequest) -> object:
    me: Any = request.user  # login_required: a real user
    unread = ExpressionWrapper(Q(read_at=None), output_field=BooleanField())
    mine = (
        Notification.objects.filter(user=me)
        .annotate(unread=unread)
        .order_by("-unread", "-created_at", "-id")
    )
    return Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(request, "notifications/list.html", {"page": _page(request)})


@login_required
@require_POST
def mark_one_read(request: HttpRequest, pk: int) -> HttpResponse:
    me: Any = request.user
    note = get_object_or_404(Notification, pk=pk, user=me)
    mark_read(request.user, [note.pk])
    if request.headers.get("HX-Request"):
        note.refresh_from_db()
        return render(request, "notifications/_row.html", {"note": note, "oob_bell": True})
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)
    if request.headers.get("HX-Request"):
        return render(
            request, "notifications/_list.html", {"page": _page(request), "oob_bell": True}
        )
    return redirect("notifications:list")
