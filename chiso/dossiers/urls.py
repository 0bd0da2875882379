from django.urls import URLPattern, path

from chiso.dossiers import views, views_calendar, views_inputs, views_petitions

app_name = "dossiers"
urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("late/", views.late_list, name="late"),
    path("fields/<str:field_code>/", views.field_page, name="field"),
    path("procedures.xlsx", views.procedures_file, name="procedures_file"),
    path("agency/<slug:code>/", views.agency_page, name="agency"),
    path("agency/<slug:code>/due-soon/", views.due_soon, name="due_soon"),
    path("d/<str:code>/", views.dossier_detail, name="dossier"),
    *views_inputs.urlpatterns,
    *views_petitions.urlpatterns,
    *views_calendar.urlpatterns,
]
