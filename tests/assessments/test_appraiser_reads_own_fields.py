"""An appraiser assigned some fields of an agency reads only those fields of its assessment."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments.models import AppraiserAssignment, Round
from tests.assessments.office_world import approved_stp, client_for


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_an_appraiser_of_field_1_reads_field_1_only(world: Any, rnd: Round) -> None:
    stp = approved_stp(world, rnd)
    AppraiserAssignment.objects.filter(round=rnd, agency=world.stp, field_code="3").delete()
    minh = client_for(world.minh)
    page = minh.get(reverse("assessments:assessment", args=[stp.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đã thực hiện mục 1.2" in html and "bao-cao-cchc.pdf" in html
    for other in ("2.1", "3.1"):
        assert f"Đã thực hiện mục {other}" not in html
    assert "Xây dựng thể chế" not in html  # field 2's title
    # One item of another field, as htmx loads it: not found.
    htmx = {"HTTP_HX_REQUEST": "true"}
    assert minh.get(reverse("assessments:item", args=[stp.pk, "2.1"]), **htmx).status_code == 404
    assert minh.get(reverse("assessments:item", args=[stp.pk, "1.2"]), **htmx).status_code == 200
    # The agency itself still reads every field.
    own = client_for(world.lan).get(reverse("assessments:assessment", args=[stp.pk]))
    assert "Đã thực hiện mục 2.1" in own.content.decode()
