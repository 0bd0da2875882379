"""Pages of the reform office, appraisers and council: rounds, appraisal, council, audit."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
