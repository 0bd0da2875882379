"""Session 7: the e-mail sent when a round opened links to the agency's assessment
(``/rounds/assessment/<id>/``). Once the round is cancelled, that old link leads the people
allowed to read the cancellation to its page; anyone else gets the plain 404, which does not
tell that the assessment existed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as a
from chiso.assessments.actions.cancel import cancel_round
from chiso.assessments.models import Assessment, Round
from chiso.audit.models import AuditEvent
from tests.assessments.office_world import client_for
from tests.conftest import PASSWORD

REASON = "Mở nhầm khối"


@pytest.fixture
def sxd_officer(world: Any) -> User:
    """A focal officer of Sở Xây dựng: an agency user of another agency than Sở Tư pháp."""
    user = User.objects.create_user("hoa", password=PASSWORD, email="hoa@sxd.example")
    Membership.objects.create(user=user, role=Role.FOCAL_OFFICER, agency=world.sxd)
    return user


def emailed_link(
    world: Any, framework: Any, block: Any, capture: Any, username: str
) -> tuple[Round, str]:
    """Open a round and return it with the link of the e-mail ``username`` received."""
    from tests.assessments.conftest import deadlines

    with capture(execute=True):
        rnd = a.open_round(block, framework, deadlines(), actor=world.tuan)
    user = User.objects.get(username=username)
    (sent,) = [m for m in mail.outbox if m.to == [user.email]]
    path = sent.body.rsplit("\n", 1)[-1].split("://", 1)[-1]
    return rnd, path[path.index("/rounds/") :]


def test_lans_old_email_link_leads_to_the_cancellation_page(
    world: Any, framework: Any, block: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world.lan.email = "lan@stp.example"
    world.lan.save()
    rnd, link = emailed_link(world, framework, block, django_capture_on_commit_callbacks, "lan")
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    assert link == f"/rounds/assessment/{stp.pk}/"
    event = cancel_round(rnd, reason=REASON, actor=world.tuan)

    response = client_for(world.lan).get(link, follow=True)

    assert response.redirect_chain == [
        (reverse("assessments:round_cancelled", args=[event.pk]), 302)
    ]
    text = response.content.decode()
    assert "đã bị hủy" in text and REASON in text and "Sở Tư pháp" in text


@pytest.mark.parametrize("persona", ["tuan", "lan", "nam", "minh", "hanh", "mai", "khach", "hoa"])
def test_only_those_allowed_to_read_the_cancellation_are_led_there(
    world: Any, rnd: Round, sxd_officer: User, persona: str
) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    event = cancel_round(rnd, reason=REASON, actor=world.tuan)
    user = sxd_officer if persona == "hoa" else getattr(world, persona)

    response = client_for(user).get(reverse("assessments:assessment", args=[stp.pk]))

    # The reform office, the viewer and Sở Tư pháp's own people; an appraiser, the survey
    # operator, someone without a role and Sở Xây dựng's officer (another agency of the same
    # round) get the 404 of an assessment that never existed.
    if persona in {"tuan", "hanh", "lan", "nam"}:
        assert response.status_code == 302
        assert response.url == reverse("assessments:round_cancelled", args=[event.pk])
    else:
        assert response.status_code == 404
        assert "hủy" not in response.content.decode()


def test_hoa_is_led_to_the_cancellation_by_his_own_agencys_link(
    world: Any, rnd: Round, sxd_officer: User
) -> None:
    sxd = Assessment.objects.get(round=rnd, agency=world.sxd)
    event = cancel_round(rnd, reason=REASON, actor=world.tuan)

    response = client_for(sxd_officer).get(reverse("assessments:assessment", args=[sxd.pk]))

    assert response.url == reverse("assessments:round_cancelled", args=[event.pk])


def test_the_audit_row_names_each_deleted_assessment_with_its_agency(
    world: Any, rnd: Round
) -> None:
    ids = {a.agency.code: a.pk for a in rnd.assessments.select_related("agency")}

    event = cancel_round(rnd, reason=REASON, actor=world.tuan)

    stored = AuditEvent.objects.get(pk=event.pk).data["assessments"]
    assert stored == {str(pk): code for code, pk in ids.items()}


def test_submitting_from_a_page_left_open_leads_to_the_cancellation(world: Any, rnd: Round) -> None:
    stp = Assessment.objects.get(round=rnd, agency=world.stp)
    event = cancel_round(rnd, reason=REASON, actor=world.tuan)

    response = client_for(world.lan).post(reverse("assessments:submit", args=[stp.pk]))

    assert response.url == reverse("assessments:round_cancelled", args=[event.pk])


def test_an_assessment_that_never_existed_is_still_a_404(world: Any, rnd: Round) -> None:
    cancel_round(rnd, reason=REASON, actor=world.tuan)
    missing = (Assessment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 999

    response = client_for(world.tuan).get(reverse("assessments:assessment", args=[missing]))

    assert response.status_code == 404
