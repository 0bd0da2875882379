from django.urls import path

from chiso.surveys import views

app_name = "surveys"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/state/", views.campaign_state, name="state"),
    path("<int:pk>/cell/", views.campaign_cell, name="cell"),
    path("<int:pk>/contacts/", views.contacts_import, name="contacts"),
    path("<int:pk>/results/", views.campaign_results_view, name="results"),
    path("<int:pk>/export.<str:fmt>", views.campaign_export, name="export"),
    path("<int:pk>/forms/<int:agency_pk>.pdf", views.paper_forms_pdf, name="forms_pdf"),
    path(
        "<int:pk>/invitations/<int:agency_pk>.pdf",
        views.invitation_slips_pdf,
        name="invitations_pdf",
    ),
    path("<int:pk>/entry/", views.paper_entry, name="entry"),
    path("<int:pk>/mismatches/", views.mismatches, name="mismatches"),
    path("<int:pk>/mismatches/<int:form_pk>/", views.reconcile, name="reconcile"),
    path("<int:pk>/quality/", views.quality, name="quality"),
]
