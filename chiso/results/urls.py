from django.urls import path

from chiso.results import views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/<slug:block>/", views.block_results, name="block"),
    path("<int:year>/<slug:block>/<slug:agency>/", views.agency_scorecard, name="scorecard"),
]
