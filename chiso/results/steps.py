"""Which step of the evaluation round each item's value on a scorecard came from: the agency's
own, appraisal round 1 or 2, or the council (par-index.md §1.4: each later step overrides the
earlier ones).

The scorecard shows it as the assessment page does ("Tính theo: Hội đồng thẩm định"), with the
same rules: :func:`chiso.assessments.views.agency_context.permissions` decides which steps the
reader may see (``chiso/assessments/visibility.py``) and which fields (an appraiser reading as
such: those assigned), and nothing is shown before appraisal has begun. A step is shown only
when the value it gives is the value the result set was computed on, so a scorecard never
credits a step whose value came after the numbers on it (a reopened round, say).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chiso.assessments.inputs import ValueStep, counted
from chiso.assessments.models import Assessment
from chiso.assessments.views.agency_context import APPRAISAL_BEGUN, permissions
from chiso.results.models import AgencyScore, ResultSet


def counted_steps(score: AgencyScore, user: Any) -> dict[str, ValueStep]:
    """Item code → the step whose value ``score`` used, as far as ``user`` may see it; empty
    for results that did not come from an evaluation round (demo data, imported inputs)."""
    result_set = score.result_set
    if result_set.source != ResultSet.Source.ROUND:
        return {}
    # The result set does not record its round: the round it was computed from is the one of
    # its block, framework and year (finalise_round scores round.block under round.framework,
    # and a block has at most one round per framework: constraint round_block_framework).
    # Another round of the block, under another framework, is never taken for it.
    try:
        assessment = Assessment.objects.select_related("round", "agency").get(
            round__block_id=result_set.block_id,
            round__framework_id=result_set.framework_id,
            round__year=result_set.year,
            agency_id=score.agency_id,
        )
    except Assessment.DoesNotExist:
        return {}
    seen = permissions(user, assessment)
    if not seen.sees_round_1 or assessment.status not in APPRAISAL_BEGUN:
        return {}
    used = score.inputs.get("values", {})
    steps = {}
    for entry in assessment.entries.all():
        if seen.only_fields is not None and entry.field_code not in seen.only_fields:
            continue
        found = counted(
            entry, round_1=seen.sees_round_1, round_2=seen.sees_round_2, council=seen.sees_council
        )
        if found.step is not None and Decimal(used.get(entry.code, "NaN")) == found.value:
            steps[entry.code] = found.step
    return steps
