"""The demo's open 2024 round: every persona finds something to do, and building twice is harmless."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from chiso.assessments.actions import approve_submission, save_self_assessment, submit_assessment
from chiso.assessments.models import (
    AppraiserAssignment,
    Assessment,
    Deadline,
    DeadlineExtension,
    ItemEntry,
    Round,
)
from chiso.assessments.queries import worklist
from chiso.audit.models import AuditEvent
from chiso.demo.build import build
from chiso.frameworks.models import Framework


@pytest.fixture
def rnd(demo: None) -> Round:
    return Round.objects.get(year=2024, block__code="so-ban-nganh")


def user(name: str) -> User:
    return User.objects.get(username=name)


def test_the_round_is_open_with_agencies_at_every_first_stage(rnd: Round) -> None:
    assert rnd.stage == "draft" and rnd.framework.status == Framework.Status.PUBLISHED
    counts = Counter(rnd.assessments.values_list("status", flat=True))
    assert counts == {"draft": 8, "submitted": 4, "approved": 4, "appraisal_1": 3}
    # Drafts are partly filled, except two agencies that have not started.
    drafts = rnd.assessments.filter(status="draft")
    filled = [a.entries.exclude(self_value=None).count() for a in drafts]
    assert sorted(filled)[:2] == [0, 0] and sum(1 for f in filled if f) == 6
    assert ItemEntry.objects.filter(assessment__round=rnd).exclude(appraised_value_1=None).count()
    assert ItemEntry.objects.filter(assessment__round=rnd, needs_explanation=True).exists()


def test_the_2024_frameworks_keep_the_2023_structure(demo: None) -> None:
    for code in ("so-ban-nganh", "huyen"):
        new = Framework.objects.get(code=code, year=2024, status=Framework.Status.PUBLISHED)
        old = Framework.objects.get(code=code, year=2023, status=Framework.Status.PUBLISHED)
        assert [n.code for n in new.to_engine().nodes] == [n.code for n in old.to_engine().nodes]
        assert "2024" in new.title


def test_deadlines_lateness_penalty_and_extension(rnd: Round) -> None:
    opened = timezone.localdate(rnd.opened_at)
    assert rnd.self_assessment_due == opened + datetime.timedelta(days=14)
    assert rnd.late_penalty_code == "D3"
    # Submitted on the day the demo was built: on time.
    assert not rnd.assessments.filter(late=True).exists()
    extension = DeadlineExtension.objects.get(round=rnd)
    assert extension.agency.code == "sldtbxh" and extension.stage == Deadline.SELF_ASSESSMENT
    assert extension.new_date > rnd.self_assessment_due and extension.reason


def test_lan_continues_her_draft_submits_and_nam_approves(rnd: Round) -> None:
    assessment = Assessment.objects.get(round=rnd, agency__code="stp")
    assert assessment.status == "draft"
    empty = list(assessment.entries.filter(self_value=None, self_not_applicable=False))
    assert empty and assessment.entries.exclude(self_value=None).exists()
    lan = user("lan")
    for entry in empty:
        save_self_assessment(
            assessment,
            entry.code,
            value=Decimal(0),
            not_applicable=False,
            justification="Chưa thực hiện trong năm.",
            expected_version=entry.version,
            actor=lan,
        )
    assert ItemEntry.objects.get(pk=empty[0].pk).justification == "Chưa thực hiện trong năm."
    submitted = submit_assessment(assessment, actor=lan)
    assert submitted.status == "submitted" and not submitted.late
    assert approve_submission(submitted, actor=user("nam")).status == "approved"


def test_minh_has_a_worklist_and_nothing_in_his_own_agency(rnd: Round) -> None:
    minh = user("minh")
    work = worklist(rnd, minh)
    agencies = {w.assessment.agency.code for w in work}
    assert len(agencies) >= 5 and "snv" not in agencies
    assert any(w.remaining for w in work) and any(w.remaining < w.total for w in work)
    assert not AppraiserAssignment.objects.filter(round=rnd, agency__code="snv").exists()
    assert not ItemEntry.objects.filter(
        assessment__round=rnd, assessment__agency__code="snv"
    ).exclude(appraised_value_1=None)


def test_the_audit_trail_names_the_people_who_did_it(rnd: Round) -> None:
    actors = set(
        AuditEvent.objects.filter(action__startswith="assessments.").values_list(
            "actor__username", flat=True
        )
    )
    assert {"tuan", "lan", "minh", "snv.daumoi", "sct.lanhdao"} <= actors
    assert "stp.daumoi" not in actors  # Sở Tư pháp's draft is Lan's


def test_building_twice_changes_nothing(rnd: Round) -> None:
    counts = (Round.objects.count(), ItemEntry.objects.count(), AuditEvent.objects.count())
    build(progress=lambda _: None)
    assert (Round.objects.count(), ItemEntry.objects.count(), AuditEvent.objects.count()) == counts


def test_agencies_that_submitted_have_real_evidence_files(rnd: Round, settings: Any) -> None:
    from pathlib import Path

    from django.test import Client

    from chiso.assessments.evidence import missing_evidence_of
    from chiso.assessments.models import Evidence

    assessments = list(rnd.assessments.select_related("agency"))
    missing = missing_evidence_of(assessments)
    for assessment in assessments:
        if assessment.status != "draft":
            required = (
                len(missing[assessment.pk])
                + assessment.evidence.filter(removed_at=None, entry__isnull=False)
                .values("entry")
                .distinct()
                .count()
            )
            # Most required items have a file; a few are still missing, as in a real round.
            assert 0 < len(missing[assessment.pk]) <= required // 5, assessment.agency.code
    files = Evidence.objects.filter(assessment__round=rnd)
    assert files.filter(content_type="application/pdf").exists()
    assert files.filter(content_type="image/png").exists()
    sample = files.filter(content_type="application/pdf").first()
    data = (Path(settings.MEDIA_ROOT) / sample.storage_key).read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    # An appraiser says "matches the evidence" only of an item that has some.
    agrees = ItemEntry.objects.filter(
        assessment__round=rnd, appraiser_comment_1="Phù hợp với minh chứng."
    )
    assert agrees.exists()
    assert all(e.evidence.filter(removed_at=None).exists() for e in agrees)
    client = Client()
    client.force_login(user("tuan"))
    page = client.get(f"/rounds/{rnd.pk}/").content.decode()
    # The "evidence missing" column: the 4th cell of each agency's row, no longer equal for all.
    column = {
        int(re.findall(r'<td class="num">([^<]*)</td>', row)[1])
        for row in page.split('<th scope="row">')[1:]
        if row.count('<td class="num">') >= 2
    }
    assert len(column) > 1 and min(column) < max(column) // 4
