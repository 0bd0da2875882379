from django.urls import path

from chiso.org import views

app_name = "org"
urlpatterns = [
    path("", views.agency_list, name="agencies"),
    path("agencies/<slug:code>/", views.agency_detail, name="agency"),
    path("people/", views.people, name="people"),
    path("blocks/", views.blocks, name="blocks"),
    path("import/", views.import_file, name="import"),
    path("export/", views.export, name="export"),
]
