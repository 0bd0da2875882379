"""URL map. Each app owns its URLs under its own prefix."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chiso.api.main import api
from chiso.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("org/", include("chiso.org.urls")),
    path("results/", include("chiso.results.urls")),
    path("cong-khai/", include("chiso.public.urls")),
    path("reports/", include("chiso.reports.urls")),
    path("frameworks/", include("chiso.frameworks.urls")),
    path("accounts/", include("chiso.accounts.urls")),
    path("facts/", include("chiso.facts.urls")),
    path("rounds/", include("chiso.assessments.urls")),
    path("audit/", include("chiso.audit.urls")),
    path("notifications/", include("chiso.notifications.urls")),
    path("dossiers/", include("chiso.dossiers.urls")),
    path("surveys/", include("chiso.surveys.urls")),
    path("khao-sat/", include("chiso.surveys.public_urls")),
    path("plans/", include("chiso.plans.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
