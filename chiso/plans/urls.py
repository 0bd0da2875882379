from django.urls import path

from chiso.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/progress/", views.task_progress, name="progress"),
    path("tasks/<int:pk>/owner/", views.task_owner, name="owner"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("deadlines/", views.deadlines, name="deadlines"),
    path("completion/", views.completion, name="completion"),
    path("inspections/", views.inspections, name="inspections"),
    path("indices/", views.indices, name="indices"),
    path("dashboard/", views.leaders_dashboard, name="dashboard"),
    path("losses/<int:pk>/", views.losses, name="losses"),
    path("<slug:code>/", views.plan_detail, name="detail"),
    path("<slug:code>/export/", views.plan_export, name="export"),
    path("<slug:code>/import/", views.plan_import, name="import"),
    path("<slug:code>/tasks/new/", views.task_create, name="task_create"),
]
