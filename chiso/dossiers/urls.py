from django.urls import URLPattern, path

from chiso.dossiers import views

app_name = "dossiers"
urlpatterns: list[URLPattern] = [
    path("", views.dashboard, name="dashboard"),
    path("late/", views.late_list, name="late"),
    path("agency/<slug:code>/", views.agency_page, name="agency"),
    path("agency/<slug:code>/due-soon/", views.due_soon, name="due_soon"),
    path("d/<str:code>/", views.dossier_detail, name="dossier"),
]
