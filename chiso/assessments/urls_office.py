"""Pages of the reform office, appraisers and council: rounds, appraisal, council."""

from django.urls import URLPattern, path

from chiso.assessments.views import (
    office_adjustments,
    office_appraisal,
    office_council,
    office_round_cancel,
    office_round_dates,
    office_rounds,
    rounds_index,
)

urlpatterns: list[URLPattern] = [
    path("", rounds_index.index, name="index"),
    path("all/", office_rounds.round_list, name="rounds"),
    path("open/", office_rounds.round_open, name="round_open"),
    path("<int:pk>/", office_rounds.round_detail, name="round"),
    path("<int:pk>/extend/", office_rounds.round_extend, name="round_extend"),
    path("<int:pk>/deadlines/", office_round_dates.round_deadlines, name="round_deadlines"),
    path("<int:pk>/cancel/", office_round_cancel.round_cancel, name="round_cancel"),
    path("cancelled/<int:event_pk>/", office_round_cancel.round_cancelled, name="round_cancelled"),
    path("<int:pk>/assign/", office_rounds.round_assign, name="round_assign"),
    path(
        "<int:pk>/unassign/<int:agency_pk>/<str:field_code>/",
        office_rounds.round_unassign,
        name="round_unassign",
    ),
    path("<int:pk>/step/<slug:step>/", office_rounds.round_step, name="round_step"),
    path("<int:pk>/council/", office_council.council, name="council"),
    path("council/item/<int:entry_pk>/", office_council.council_decide, name="council_decide"),
    path(
        "assessment/<int:pk>/adjustments/",
        office_adjustments.adjustments,
        name="adjustments",
    ),
    path("appraisal/", office_appraisal.worklist, name="worklist"),
    path(
        "appraisal/<int:pk>/<str:field_code>/",
        office_appraisal.appraisal_page,
        name="appraise",
    ),
    path("appraisal/item/<int:entry_pk>/", office_appraisal.appraisal_save, name="appraise_item"),
]
