from django.urls import path

from chiso.surveys import views, views_campaigns, views_frames, views_questionnaires

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
    # sample frames from dossier applicants and sending invitations (views_frames.py)
    path("<int:pk>/draw-dossiers/", views_frames.draw_dossiers, name="draw_dossiers"),
    path("<int:pk>/send/", views_frames.send, name="send"),
    # campaign settings and quotas in the browser (views_campaigns.py)
    path("new/", views_campaigns.campaign_create, name="create"),
    path("<int:pk>/edit/", views_campaigns.campaign_edit, name="edit"),
    path("<int:pk>/quotas/", views_campaigns.quota_grid, name="quotas"),
    path("<int:pk>/quotas.xlsx", views_campaigns.quota_export, name="quotas_xlsx"),
    path("<int:pk>/quotas/import/", views_campaigns.quota_import, name="quotas_import"),
    # questionnaires in the browser (views_questionnaires.py)
    path("questionnaires/", views_questionnaires.questionnaire_list, name="questionnaires"),
    path(
        "questionnaires/upload/",
        views_questionnaires.questionnaire_upload,
        name="questionnaire_upload",
    ),
    path(
        "questionnaires/<int:pk>/",
        views_questionnaires.questionnaire_detail,
        name="questionnaire",
    ),
    path(
        "questionnaires/<int:pk>/preview/",
        views_questionnaires.questionnaire_preview,
        name="questionnaire_preview",
    ),
    path(
        "questionnaires/<int:pk>/publish/",
        views_questionnaires.questionnaire_publish,
        name="questionnaire_publish",
    ),
    path(
        "questionnaires/<int:pk>/edit/",
        views_questionnaires.questionnaire_edit,
        name="questionnaire_edit",
    ),
    path(
        "questionnaires/<int:pk>.yaml",
        views_questionnaires.questionnaire_yaml,
        name="questionnaire_yaml",
    ),
]
