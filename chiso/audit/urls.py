"""The audit trail pages under ``/audit/``: read and export only."""

from django.urls import path

from chiso.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("export.xlsx", views.event_export, name="export"),
]
