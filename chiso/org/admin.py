"""Read-only admin for the registry; changes go through the registry pages and imports,
which write the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from chiso.org import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(models.Agency)
class AgencyAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "type", "parent", "valid_from", "valid_to"]
    list_filter = ["type"]
    search_fields = ["code", "name", "electronic_id"]


@admin.register(models.AgencyType)
class AgencyTypeAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]


@admin.register(models.Block)
class BlockAdmin(ReadOnlyAdmin):
    list_display = ["code", "year", "name"]
    list_filter = ["year"]


@admin.register(models.Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ["code", "full_name"]
    search_fields = ["full_name", "code"]


@admin.register(models.Position)
class PositionAdmin(ReadOnlyAdmin):
    list_display = ["person", "agency", "role", "start", "end"]
    list_filter = ["role"]
