"""Pages of the agency side of a round: self-assessment, evidence, approval, explanation."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
