"""The round's pages under ``/rounds/``: the agency side and the office side keep their own lists."""

from chiso.assessments import urls_agency, urls_office

app_name = "assessments"
urlpatterns = urls_agency.urlpatterns + urls_office.urlpatterns
