"""The only write path for evaluation rounds (docs/evaluation-round.md).

Every action runs in one transaction, checks who acts (``PermissionDenied``) and the stage
(:class:`StateError`, a Vietnamese message), then writes one audit row with old → new values.
``actor=None`` is the command line and may do what the reform office does, nothing else.
"""

from chiso.assessments.actions.common import AssessmentError, ConflictError, StateError
from chiso.assessments.actions.evidence import add_evidence, remove_evidence
from chiso.assessments.actions.items import (
    approve_submission,
    record_appraisal,
    record_council_decision,
    save_adjustment,
    save_self_assessment,
    submit_assessment,
    submit_explanation,
)
from chiso.assessments.actions.publishing import publish_round
from chiso.assessments.actions.returns import return_submission
from chiso.assessments.actions.round_dates import (
    DeadlineError,
    PastDeadlinesError,
    change_deadlines,
)
from chiso.assessments.actions.rounds import (
    assign_appraiser,
    close_appraisal_1,
    close_appraisal_2,
    close_explanation,
    finalise_round,
    grant_extension,
    open_round,
    reopen_round,
    unassign_appraiser,
)

__all__ = [
    "AssessmentError",
    "ConflictError",
    "DeadlineError",
    "PastDeadlinesError",
    "StateError",
    "add_evidence",
    "approve_submission",
    "assign_appraiser",
    "change_deadlines",
    "close_appraisal_1",
    "close_appraisal_2",
    "close_explanation",
    "finalise_round",
    "grant_extension",
    "open_round",
    "publish_round",
    "record_appraisal",
    "record_council_decision",
    "remove_evidence",
    "reopen_round",
    "return_submission",
    "save_adjustment",
    "save_self_assessment",
    "submit_assessment",
    "submit_explanation",
    "unassign_appraiser",
]
