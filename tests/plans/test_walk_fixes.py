"""What a first-time user noticed on the plans pages: dates read dd/mm/yyyy (on the task list
and in the plan and task forms, which accept both dd/mm/yyyy and yyyy-mm-dd), empty choices in
Vietnamese, a hint on the multi-select, counts grouped as 4.000, and the completion page in
words rather than fact identifiers."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chiso.dossiers import rollups
from chiso.dossiers.models import DailyRollup
from chiso.plans.models import Plan, Task
from tests.conftest import PASSWORD
from tests.dossiers.helpers import make_procedures

D = datetime.date


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_the_tasks_behind_a_rate_give_the_date_as_dd_mm_yyyy(world: Any, plans: Any) -> None:
    url = reverse("plans:tasks") + "?year=2024&outcome=done&as_of=2024-12-31"
    page = client_for(world.tuan).get(url).content.decode()
    assert "tính đến ngày 31/12/2024." in page
    assert "2024-12-31." not in page


@pytest.mark.parametrize("typed", ["30/11/2024", "2024-11-30"])
def test_the_task_form_takes_a_deadline_as_dd_mm_yyyy_or_iso(
    world: Any, plans: Any, typed: str
) -> None:
    c = client_for(world.tuan)
    url = reverse("plans:task_create", args=[plans.plan.code])
    form = c.get(url).content.decode()
    deadline = (
        form.split('name="deadline"')[0].rsplit("<input", 1)[1]
        + form.split('name="deadline"')[1].split(">", 1)[0]
    )
    assert 'type="text"' in deadline and 'placeholder="dd/mm/yyyy"' in deadline
    response = c.post(
        url,
        {
            "number": "5",
            "title": "Rà soát thủ tục hành chính lĩnh vực hộ tịch",
            "lead_agency": world.stp.pk,
            "deadline": typed,
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(plan=plans.plan, number="5")
    assert task.deadline == D(2024, 11, 30)
    edit = c.get(reverse("plans:task_edit", args=[task.pk])).content.decode()
    assert 'value="30/11/2024"' in edit


def test_the_task_form_speaks_vietnamese_in_its_choices_and_hints(world: Any, plans: Any) -> None:
    page = client_for(world.tuan).get(reverse("plans:task_create", args=[plans.plan.code]))
    text = page.content.decode()
    assert "---------" not in text
    assert '<option value="" selected>— Chọn —</option>' in text  # the lead agency
    assert '<option value="" selected>— Không chọn —</option>' in text  # the leader
    assert "Giữ Ctrl (⌘ trên máy Mac) để chọn nhiều cơ quan." in text
    assert 'aria-describedby="id_co_agencies_helptext"' in text
    assert 'id="id_co_agencies_helptext"' in text


def test_the_plan_form_names_the_empty_agency_the_provinces_plan(world: Any) -> None:
    office = client_for(world.tuan).get(reverse("plans:create")).content.decode()
    assert "— Kế hoạch của tỉnh —" in office and "---------" not in office
    assert 'name="document_date"' in office and 'type="date"' not in office
    agency_user = client_for(world.lan).get(reverse("plans:create")).content.decode()
    assert "— Chọn —" in agency_user and "Kế hoạch của tỉnh" not in agency_user


def test_a_plan_dated_dd_mm_yyyy_is_created(world: Any) -> None:
    response = client_for(world.tuan).post(
        reverse("plans:create"),
        {
            "year": "2025",
            "code": "cchc-2025",
            "title": "Kế hoạch CCHC năm 2025",
            "document_number": "02/KH-UBND",
            "document_date": "10/01/2025",
        },
    )
    assert response.status_code == 302
    assert Plan.objects.get(code="cchc-2025").document_date == D(2025, 1, 10)


def test_the_completion_page_explains_rates_in_words(world: Any, plans: Any) -> None:
    page = client_for(world.tuan).get(reverse("plans:completion") + "?year=2024").content.decode()
    for identifier in ("plan.done_rate", "plan.on_time_rate", "task.on_time_rate"):
        assert identifier not in page
    assert "tỷ lệ nhiệm vụ UBND tỉnh giao được hoàn thành đúng hạn" in page


def test_the_leaders_dashboard_groups_thousands(world: Any, plans: Any) -> None:
    land = make_procedures()["land"]
    DailyRollup.objects.create(
        agency=world.stp,
        procedure=land,
        field_code=land.field_code,
        day=D(2024, 3, 4),
        received=9000,
        settled=9000,
        late=4000,
    )
    rollups.rebuild_monthly()
    page = client_for(world.tuan).get(reverse("plans:dashboard")).content.decode()
    table = page.split('id="late-dossiers"')[1].split("</table>")[0]
    assert ">4.000</a>" in table and ">9.000</td>" in table
    assert "4000" not in table and "9000" not in table
