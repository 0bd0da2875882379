"""The round page, "My assessments" and the appraiser's worklist answer with a number of database
queries that does not grow with the number of agencies: a province's 19 departments load as
fast as 2 (a speed users notice, counted in queries rather than timed)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chiso.accounts.models import Membership, Role
from chiso.assessments import actions as a
from chiso.assessments.models import Deadline, Round
from chiso.org.models import Agency, Block
from tests.assessments.conftest import deadlines
from tests.assessments.office_world import PDF, client_for

LATER = datetime.date.today() + datetime.timedelta(days=60)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def round_of(world: Any, framework: Any, block: Block, n: int) -> Round:
    """A round of ``n`` departments, each with two items entered by its focal officer, a file,
    an extension and Minh appraising two of its fields."""
    agencies = []
    for i in range(n):
        agency, _new = Agency.objects.get_or_create(
            code=f"so-{i}", defaults={"name": f"Sở thứ {i}", "type": world.stp.type}
        )
        agencies.append(agency)
    block.agencies.set(agencies)
    rnd = a.open_round(block, framework, deadlines(), actor=world.tuan)
    for agency in agencies:
        focal, _new = get_user_model().objects.get_or_create(username=f"dm-{agency.code}")
        Membership.objects.get_or_create(user=focal, role=Role.FOCAL_OFFICER, agency=agency)
        assessment = rnd.assessments.get(agency=agency)
        for code in ("1.1", "1.2"):
            a.save_self_assessment(
                assessment,
                code,
                value=Decimal(1),
                not_applicable=False,
                justification="",
                expected_version=assessment.entries.get(code=code).version,
                actor=focal,
            )
        a.add_evidence(
            assessment,
            SimpleUploadedFile("bao-cao.pdf", PDF),
            entry=assessment.entries.get(code="1.2"),
            description="",
            actor=focal,
        )
        a.grant_extension(
            rnd, agency, Deadline.SELF_ASSESSMENT, LATER, reason="Đổi lãnh đạo", actor=world.tuan
        )
        for field in ("1", "3"):
            a.assign_appraiser(rnd, agency, field, world.minh, actor=world.tuan)
    return rnd


def queries_per_page(world: Any, rnd: Round) -> dict[str, int]:
    pages = {
        "round page": (world.tuan, reverse("assessments:round", args=[rnd.pk])),
        "my assessments": (world.tuan, reverse("assessments:mine")),
        "worklist": (world.minh, reverse("assessments:worklist")),
    }
    counts = {}
    for name, (user, url) in pages.items():
        client = client_for(user)
        client.get(url)  # sessions and caches warm, as for a user who is already working
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, name
        assert "Sở thứ 1" in response.content.decode(), name
        counts[name] = len(captured.captured_queries)
    return counts


def test_pages_of_a_round_cost_the_same_queries_for_2_and_6_agencies(
    world: Any, framework: Any, block: Block, django_assert_max_num_queries: Any
) -> None:
    small = queries_per_page(world, round_of(world, framework, block, 2))
    Round.objects.all().delete()  # the same block, now with three times the agencies
    rnd = round_of(world, framework, block, 6)
    large = queries_per_page(world, rnd)
    assert large == small, (small, large)
    tuan, url = client_for(world.tuan), reverse("assessments:round", args=[rnd.pk])
    tuan.get(url)
    with django_assert_max_num_queries(small["round page"]):
        tuan.get(url)
