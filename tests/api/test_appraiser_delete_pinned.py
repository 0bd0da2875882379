# ruff: noqa: F811  (the fixtures imported are redefined as test parameters)
"""DELETE of an appraiser over the API can name who the caller means to remove, as the page's
confirmation does: if a colleague has assigned someone else since, nothing is removed."""

from __future__ import annotations

import pytest

from chiso.assessments.models import AppraiserAssignment
from chiso.audit.models import AuditEvent
from tests.api.test_assessments_api import Evaluation, evaluation  # noqa: F401
from tests.assessments.conftest import block, framework, rnd  # noqa: F401


@pytest.mark.parametrize("named", ["tuan", "nobody-by-that-name"])
def test_another_appraiser_named_removes_nothing_and_says_who_is_assigned(
    evaluation: Evaluation, named: str
) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/appraisers/stp/1?appraiser={named}"

    response = evaluation.call("tuan", "DELETE", url)

    assert response.status_code == 422
    assert "Trần Văn Minh" in response.json()["detail"]  # the one assigned now
    assert AppraiserAssignment.objects.filter(round=evaluation.round).count() == 1
    assert not AuditEvent.objects.filter(action="assessments.appraiser.removed").exists()


def test_the_appraiser_named_is_removed(evaluation: Evaluation) -> None:
    url = f"/api/rounds/{evaluation.round.pk}/appraisers/stp/1?appraiser=minh"

    response = evaluation.call("tuan", "DELETE", url)

    assert response.status_code == 200 and response.json() == {"count": 0, "items": []}
    assert AuditEvent.objects.get(action="assessments.appraiser.removed").data["appraiser"] == [
        "minh",
        None,
    ]
