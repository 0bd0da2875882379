from django.urls import path

from chiso.results import views, views_leaders

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/<slug:block>/", views.block_results, name="block"),
    path("leaders/<int:year>/<slug:block>/", views_leaders.block_leaders, name="leaders"),
    path("<int:year>/<slug:block>/<slug:agency>/", views.agency_scorecard, name="scorecard"),
]
