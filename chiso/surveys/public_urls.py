from django.urls import URLPattern, path  # noqa: F401

# The public questionnaire (no login), reached by invitation link, QR code or open link.
app_name = "survey_form"
urlpatterns: list[URLPattern] = []
