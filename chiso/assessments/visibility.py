"""When an agency may see what the appraisers and the council did to its assessment.

Appraisers and the reform office follow the appraisal as it happens; the agency sees an
appraisal round's values (and who appraised it) only once that round is closed for every agency
of the round, when it is asked to explain (the round 1 → explanation → round 2 loop of
par-index.md §1.4 item 7). Marks still being changed are not the agency's to argue with yet, and
no agency learns its marks before another. The assessment page (``views/agency_context.py``)
and the audit trail (``chiso/audit/views.py``) both read these sets, so they cannot tell an
agency different things.
"""

from __future__ import annotations

from chiso.assessments.models import Stage

# The stages at which the agency sees appraisal round 1 (values, comments, explanation marks).
AFTER_ROUND_1 = frozenset(
    {
        Stage.EXPLANATION,
        Stage.APPRAISAL_2,
        Stage.COUNCIL,
        Stage.FINALISED,
        Stage.PUBLISHED,
    }
)
# ... appraisal round 2.
AFTER_ROUND_2 = frozenset({Stage.COUNCIL, Stage.FINALISED, Stage.PUBLISHED})
# ... the council's decisions.
AFTER_COUNCIL = frozenset({Stage.FINALISED, Stage.PUBLISHED})

# Audit actions about an item the agency may read only from the given stages of its assessment.
ITEM_ACTIONS_SHOWN_AFTER = {
    "assessments.item.appraised_1": AFTER_ROUND_1,
    "assessments.item.appraised_2": AFTER_ROUND_2,
    "assessments.item.council_decided": AFTER_COUNCIL,
}
# Who appraises which field is told with round 1's marks.
ASSIGNMENTS_SHOWN_AFTER = AFTER_ROUND_1
