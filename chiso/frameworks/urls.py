from django.urls import path

from chiso.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("upload/", views.framework_upload, name="upload"),
    path("diff/", views.framework_diff, name="diff"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/download.<str:fmt>", views.framework_download, name="download"),
    path("<int:pk>/clone/", views.framework_clone, name="clone"),
    path("<int:pk>/publish/", views.framework_publish, name="publish"),
    path("<int:pk>/archive/", views.framework_archive, name="archive"),
    path("<int:pk>/delete/", views.framework_delete, name="delete"),
]
