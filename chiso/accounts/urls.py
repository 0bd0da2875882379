from django.urls import path

from chiso.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.user_list, name="users"),
    path("<str:username>/", views.user_detail, name="user"),
    path("<str:username>/roles/<int:membership_id>/revoke/", views.revoke, name="revoke"),
    path("<str:username>/active/", views.set_active, name="set_active"),
]
