"""Review s7 L1, L2, L6, L7: the cancellation page of a round that cannot be cancelled shows
only why (a short list) and the way back; the office's own extensions and files removed again
do not block a cancellation; the council badge of one point; the cancellation's audit row in
words, with a link to the cancellation page (the council badge: test_s7_council_one_point)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chiso.accounts.models import Membership, Role
from chiso.api.actions import create_token
from chiso.assessments import actions as a
from chiso.assessments.actions import cancel
from chiso.assessments.actions.cancel import NotCancellable, cancel_round
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent
from tests.api.conftest import bearer
from tests.assessments.office_world import PDF, client_for, entry

REASON = "Mở nhầm khối"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def english(user: Any) -> Client:
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def self_assess(world: Any, rnd: Round, agency: Any, actor: Any) -> Assessment:
    assessment = Assessment.objects.get(round=rnd, agency=agency)
    a.save_self_assessment(
        assessment,
        "1.1",
        value=Decimal(1),
        not_applicable=False,
        justification="",
        expected_version=entry(assessment, "1.1").version,
        actor=actor,
    )
    return assessment


def test_a_round_that_cannot_be_cancelled_shows_only_why(world: Any, rnd: Round) -> None:
    self_assess(world, rnd, world.stp, world.lan)
    url = reverse("assessments:round_cancel", args=[rnd.pk])

    for response in (english(world.tuan).get(url), english(world.tuan).post(url, {"reason": "x"})):
        text = response.content.decode()
        assert response.status_code == 200
        refusal = text.split('id="cancel-refusal"')[1].split("</div>")[0]
        assert "<li>Sở Tư pháp: 1 item self-assessed</li>" in refusal
        # No promise to delete "empty" assessments, no reason box, no button that can only fail.
        assert "will be deleted" not in text
        assert 'name="reason"' not in text and "Confirm: cancel the round" not in text
        assert f'href="{reverse("assessments:round", args=[rnd.pk])}"' in text
    assert Round.objects.filter(pk=rnd.pk).exists()


def test_the_refusal_names_a_few_agencies_then_how_many_more(
    world: Any, rnd: Round, monkeypatch: Any
) -> None:
    from django.contrib.auth.models import User

    hoa = User.objects.create_user("hoa")
    Membership.objects.create(user=hoa, role=Role.FOCAL_OFFICER, agency=world.sxd)
    for agency, actor in ((world.stp, world.lan), (world.sxd, hoa)):
        self_assess(world, rnd, agency, actor)
    # Two agencies here; a block has ~20: show the first one, then the count of the others.
    monkeypatch.setattr(cancel, "SHOWN_AGENCIES", 1)

    with translation.override("en"), pytest.raises(NotCancellable) as refused:
        cancel_round(rnd, reason=REASON, actor=world.tuan)

    assert str(refused.value).splitlines() == [
        "The round cannot be cancelled: work has been entered in it.",
        "- Sở Tư pháp: 1 item self-assessed",
        "- and 1 other agency",
        "Only a round in which nothing has been entered can be cancelled.",
    ]


def test_the_api_refusal_is_a_list_too(world: Any, rnd: Round) -> None:
    self_assess(world, rnd, world.stp, world.lan)
    token = create_token(world.tuan, name="tuan-system", actor=None)[1]

    response = Client().post(
        f"/api/rounds/{rnd.pk}/cancel",
        data={"reason": REASON},
        content_type="application/json",
        headers={**bearer(token), "Accept-Language": "en"},
    )

    assert response.status_code == 422
    assert "\n- Sở Tư pháp: 1 item self-assessed\n" in response.json()["detail"]


def test_an_extension_and_a_removed_file_do_not_block_a_cancellation(
    world: Any, rnd: Round
) -> None:
    a.grant_extension(
        rnd, world.sxd, "self_assessment", rnd.council_due, reason="Lũ", actor=world.tuan
    )
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    evidence = a.add_evidence(
        stp,
        SimpleUploadedFile("nham.pdf", PDF, "application/pdf"),
        entry=entry(stp, "1.2"),
        description="Tải nhầm",
        actor=world.lan,
    )
    with pytest.raises(NotCancellable):  # a file still there is work
        cancel_round(rnd, reason=REASON, actor=world.tuan)
    a.remove_evidence(evidence, reason="Tải nhầm đợt", actor=world.lan)

    event = cancel_round(rnd, reason=REASON, actor=world.tuan)

    assert not Round.objects.filter(pk=rnd.pk).exists()
    # The audit row keeps what went with the round.
    assert event.data["extensions"] == [
        {"agency_id": world.sxd.pk, "stage": "self_assessment", "new_date": str(rnd.council_due)}
    ]
    assert [f["name"] for f in event.data["removed_evidence"]] == ["nham.pdf"]
    assert AuditEvent.objects.filter(action="assessments.deadline.extended").exists()
    assert AuditEvent.objects.filter(action="assessments.evidence_removed").exists()


def test_the_audit_row_of_a_cancellation_is_in_words_and_links_to_its_page(
    world: Any, rnd: Round
) -> None:
    event = cancel_round(rnd, reason=REASON, actor=world.tuan)

    page = english(world.tuan).get("/audit/", {"action": "assessments.round.cancelled"})

    text = page.content.decode()
    row = text.split('id="audit-rows"')[1].split("</tr>")[1]
    assert f'href="{reverse("assessments:round_cancelled", args=[event.pk])}"' in row
    assert rnd.block.name in row and rnd.framework.title in row
    assert "Sở Nội vụ, Sở Tư pháp, Sở Xây dựng" in row
    assert "so-ban-nganh" not in row and "vong-thu:2024" not in row
    # Deadlines named alike, in lower case (not "Appraisal round 1" among "self-assessment").
    assert "self-assessment: " in row and "appraisal round 1: " in row
    assert "Appraisal round 1" not in row and "Appraisal council" not in row
    # The API still answers the agencies' codes.
    assert cancel.agency_codes(event.data) == ["snv", "stp", "sxd"]
    cancelled = client_for(world.lan).get(reverse("assessments:round_cancelled", args=[event.pk]))
    assert cancelled.status_code == 200 and "Sở Tư pháp" in cancelled.content.decode()


def test_saving_into_a_round_cancelled_meanwhile_is_refused_with_a_message(
    world: Any, rnd: Round
) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    version = entry(stp, "1.1").version  # the page Lan loaded before the cancellation
    cancel_round(rnd, reason=REASON, actor=world.tuan)
    with translation.override("en"), pytest.raises(a.StateError, match="it was cancelled"):
        a.save_self_assessment(
            stp,
            "1.1",
            value=Decimal("1"),
            not_applicable=False,
            justification="",
            expected_version=version,
            actor=world.lan,
        )
