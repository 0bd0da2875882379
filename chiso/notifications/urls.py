from django.urls import path

from chiso.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.mark_one_read, name="read"),
    path("read-all/", views.mark_all_read, name="read_all"),
]
