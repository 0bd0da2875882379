"""Every write of the surveys app (the house rule: views, CLI and API only call these)."""

from chiso.surveys.actions.campaigns import (
    close_campaign,
    create_campaign,
    open_campaign,
    set_quota,
)
from chiso.surveys.actions.common import SurveyError
from chiso.surveys.actions.online import (
    FormErrors,
    GroupContradiction,
    RateLimited,
    response_for_token,
    save_section,
    start_open_response,
    submit_response,
    submit_whole_form,
)
from chiso.surveys.actions.paper import FieldErrors, MostlyBlank, key_form, reconcile_form
from chiso.surveys.actions.quality import set_excluded
from chiso.surveys.actions.questionnaires import (
    load_questionnaire,
    publish_questionnaire,
    ship_templates,
)
from chiso.surveys.actions.samples import draw_sample, import_contacts, issue_invitations

__all__ = [
    "FieldErrors",
    "FormErrors",
    "GroupContradiction",
    "MostlyBlank",
    "RateLimited",
    "SurveyError",
    "close_campaign",
    "create_campaign",
    "draw_sample",
    "import_contacts",
    "issue_invitations",
    "key_form",
    "load_questionnaire",
    "open_campaign",
    "publish_questionnaire",
    "reconcile_form",
    "response_for_token",
    "save_section",
    "set_excluded",
    "set_quota",
    "ship_templates",
    "start_open_response",
    "submit_response",
    "submit_whole_form",
]
