from django.urls import path

from chiso.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/new/", views.job_create, name="job_create"),
    path("jobs/<str:key>/", views.job_detail, name="job"),
    path("jobs/<str:key>/status/", views.job_status, name="job_status"),
    path("jobs/<str:key>/download/", views.job_download, name="job_download"),
    path("<int:year>.pdf", views.province, name="province"),
    path("<int:year>/<slug:block>.xlsx", views.block_xlsx, name="block_xlsx"),
    path("<int:year>/<slug:block>/<slug:agency>.pdf", views.scorecard, name="scorecard"),
]
