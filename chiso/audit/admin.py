from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chiso.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail can be read here but never added to, changed or deleted."""

    list_display = ["at", "actor_label", "action", "object_repr", "reason"]
    list_filter = ["action"]
    search_fields = ["object_repr", "actor_label", "reason"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
