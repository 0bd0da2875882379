from django.urls import path

from chiso.public import views

app_name = "public"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/", views.index, name="year"),
    path("<int:year>/<slug:block>/<slug:agency>/", views.scorecard, name="scorecard"),
]
