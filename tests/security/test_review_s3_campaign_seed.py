"""Security review (session 3), cheap robustness: a campaign's random seed beyond the model's
integer range was accepted by the form and failed when saved (a server error on PostgreSQL).
The form now says which numbers a seed may be."""

from __future__ import annotations

from typing import Any

from django.test import Client

from chiso.surveys.models import Campaign
from tests.surveys.conftest import questionnaires  # noqa: F401  (fixture)


def test_a_seed_beyond_the_integer_range_is_refused_with_a_message(
    world: Any,
    questionnaires: dict[str, Any],  # noqa: F811
) -> None:
    sipas = questionnaires["sipas-nguoi-dan"]
    client = Client()
    client.force_login(world.tuan)

    response = client.post(
        "/surveys/new/",
        {
            "action": "save",
            "name": "Khảo sát sự hài lòng 2025",
            "year": "2025",
            "questionnaires": [str(sipas.pk)],
            "agencies": [str(world.stp.pk)],
            "margin_percent": "5",
            "min_cell": "5",
            "no_opinion": "exclude",
            "seed": str(10**12),
            "open_questionnaire": str(sipas.pk),
        },
    )

    assert response.status_code == 400
    assert "2147483647" in response.content.decode()  # the message names the largest seed
    assert not Campaign.objects.exists()
