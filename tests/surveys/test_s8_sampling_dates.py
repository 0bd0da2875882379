"""The periods of the sample frame and of the quota page's N are local (Asia/Ho_Chi_Minh) days,
read as a range on the stored instant: a dossier received at 23:30 on 31/12 belongs to that
year, one received at 00:10 on 01/01 to the next (7 hours apart from the UTC days)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chiso.dossiers.models import Procedure
from chiso.dossiers.workcalendar import LOCAL_ZONE
from chiso.surveys.actions.sampling import draw_from_dossiers, plan_dossier_draw
from chiso.surveys.models import Contact
from tests.conftest import PASSWORD
from tests.surveys.test_sampling import lodge as sampling_lodge

YEAR_FIRST, YEAR_LAST = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)


def lodge(procedure: Procedure, agency: Any, code: str, local: datetime.datetime) -> None:
    """A citizen's dossier received at the local (Việt Nam) time ``local``."""
    received = local.replace(tzinfo=LOCAL_ZONE)
    sampling_lodge(procedure, agency, code, at=received, phone=f"09{code[-8:]}")


@pytest.fixture
def edges(world: Any, procedure: Procedure) -> None:
    """Four dossiers around the two year ends of 2024; only the middle two are of 2024."""
    at = datetime.datetime
    lodge(procedure, world.stp, "E-00000001", at(2023, 12, 31, 23, 30))  # 16:30 UTC: 2023
    lodge(procedure, world.stp, "E-00000002", at(2024, 1, 1, 0, 10))  # 17:10 UTC 31/12/2023
    lodge(procedure, world.stp, "E-00000003", at(2024, 12, 31, 23, 30))  # 16:30 UTC: 2024
    lodge(procedure, world.stp, "E-00000004", at(2025, 1, 1, 0, 10))  # 17:10 UTC 31/12/2024


def test_the_frame_of_a_year_holds_its_local_days(world: Any, campaign: Any, edges: None) -> None:
    draw = draw_from_dossiers(
        campaign, period_first=YEAR_FIRST, period_last=YEAR_LAST, actor=world.tuan, per_cell=10
    )
    cell = next(s for s in draw.strata if s.agency == world.stp and s.group == "citizen")
    assert (cell.population, cell.reachable, cell.drawn) == (2, 2, 2)
    names = set(Contact.objects.values_list("full_name", flat=True))
    assert names == {"Người E-00000002", "Người E-00000003"}


def test_a_one_day_period_is_that_local_day(world: Any, campaign: Any, edges: None) -> None:
    new_year = datetime.date(2025, 1, 1)
    plan = plan_dossier_draw(campaign, period_first=new_year, period_last=new_year)
    cell = next(s for s in plan.strata if s.agency == world.stp and s.group == "citizen")
    assert (cell.population, cell.reachable) == (1, 1)


def test_the_quota_page_counts_the_local_year(
    world: Any, campaign: Any, procedure: Procedure, edges: None
) -> None:
    # A third dossier of the first local hour of 2024, so that UTC days would count 2, not 3.
    lodge(procedure, world.stp, "E-00000005", datetime.datetime(2024, 1, 1, 0, 20))
    client = Client()
    assert client.login(username="tuan", password=PASSWORD)
    body = client.get(f"/surveys/{campaign.pk}/quotas/").content.decode()
    field = re.search(rf'<input[^>]*name="n_{world.stp.pk}"[^>]*>', body)
    assert field is not None and 'value="3"' in field.group(0)


def test_the_frame_reads_the_stored_instant_not_a_converted_date(
    world: Any, campaign: Any, edges: None
) -> None:
    # Wrapping received_at in a time-zone conversion keeps PostgreSQL off any index on it and
    # leaves the planner guessing the row count (a > 1 min query was seen in a CI run).
    with CaptureQueriesContext(connection) as queries:
        plan_dossier_draw(campaign, period_first=YEAR_FIRST, period_last=YEAR_LAST)
    frame = [q["sql"] for q in queries.captured_queries if "dossiers_applicant" in q["sql"]]
    assert frame and all('"received_at" >= ' in sql for sql in frame)
    assert not any(re.search(r"AT TIME ZONE|cast_date|::date", sql) for sql in frame)


def test_periods_at_the_ends_of_the_calendar_do_not_fail(world: Any, campaign: Any) -> None:
    plan = plan_dossier_draw(
        campaign, period_first=datetime.date.min, period_last=datetime.date.max
    )
    assert all(s.population == 0 for s in plan.strata)
