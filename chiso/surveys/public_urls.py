from django.urls import path

from chiso.surveys import public_views

# The public questionnaire (no login), reached by invitation link, QR code or open link.
app_name = "survey_form"
urlpatterns = [
    path("mo/<str:code>/", public_views.open_link, name="open"),
    path("<str:token>/", public_views.fill, name="fill"),
]
