from django.urls import path

from chiso.reports import views

app_name = "reports"
urlpatterns = [
    path("<int:year>.pdf", views.province, name="province"),
    path("<int:year>/<slug:block>.xlsx", views.block_xlsx, name="block_xlsx"),
    path("<int:year>/<slug:block>/<slug:agency>.pdf", views.scorecard, name="scorecard"),
]
