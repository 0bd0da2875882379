"""Pages of the agency side of a round: self-assessment, evidence, approval, explanation."""

from django.urls import URLPattern, path

from chiso.assessments.views import agency, agency_evidence, agency_items

urlpatterns: list[URLPattern] = [
    path("mine/", agency.mine, name="mine"),
    path("assessment/<int:pk>/", agency.assessment_page, name="assessment"),
    path("assessment/<int:pk>/submit/", agency.submit, name="submit"),
    path("assessment/<int:pk>/approve/", agency.approve, name="approve"),
    path("assessment/<int:pk>/return/", agency.return_to_agency, name="return"),
    path("assessment/<int:pk>/item/<str:code>/", agency_items.item, name="item"),
    path("assessment/<int:pk>/item/<str:code>/explain/", agency_items.explain, name="explain"),
    path("assessment/<int:pk>/evidence/", agency_evidence.upload, name="upload_evidence"),
    path("evidence/<int:pk>/", agency_evidence.download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", agency_evidence.remove, name="remove_evidence"),
]
