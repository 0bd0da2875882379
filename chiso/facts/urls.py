from django.urls import path

from chiso.facts import views

app_name = "facts"
urlpatterns = [
    path("", views.fact_list, name="list"),
    path("import/", views.fact_import, name="import"),
]
