# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""Sending the same appraiser again (an API client retrying its PUT) answers as before and
leaves the audit trail alone: no "minh → minh" row."""

from __future__ import annotations

from chiso.audit.models import AuditEvent
from tests.api.test_assessments_api import Evaluation, evaluation  # noqa: F401
from tests.assessments.conftest import block, framework, rnd  # noqa: F401


def test_resending_the_same_appraiser_writes_no_audit_row(evaluation: Evaluation) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/appraisers/sxd/2"
    rows = AuditEvent.objects.filter(
        action="assessments.appraiser.assigned", object_repr__startswith="sxd"
    )
    first = evaluation.call("tuan", "PUT", url, {"appraiser": "minh"})
    assert first.status_code == 200
    assert rows.count() == 1

    again = evaluation.call("tuan", "PUT", url, {"appraiser": "minh"})

    assert again.status_code == 200
    assert again.json() == first.json()
    assert rows.count() == 1
    assert [r.data["appraiser"] for r in rows] == [[None, "minh"]]
