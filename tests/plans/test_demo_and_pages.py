"""The demo's 2024 plan has every status, and the leaders' dashboard shows it with links."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chiso.facts.importing import facts_for
from chiso.org.models import Agency
from chiso.plans.models import ExternalIndex, Plan


@pytest.fixture
def demo(demo_with_dossiers: None) -> None:
    """The pages read the demo's dossiers too (late dossiers by field)."""


def login(username: str) -> Client:
    from django.contrib.auth.models import User

    c = Client()
    c.force_login(User.objects.get(username=username))
    return c


def test_the_demo_plans_have_tasks_in_every_status_and_their_facts(demo: Any) -> None:
    today = timezone.localdate()
    past = Plan.objects.get(code="cchc-2024")
    # The 2024 plan is history: 2024 deadlines, every task finished (some late, in 2025).
    assert {t.deadline.year for t in past.tasks.all()} == {2024}
    assert {t.status_on(today) for t in past.tasks.all()} == {"done", "done_late"}
    # The plan of the current year is live: its deadlines lie in the year, counted from today.
    current = Plan.objects.get(code=f"cchc-{today.year}")
    assert current.year == today.year
    assert {t.deadline.year for t in current.tasks.all()} == {today.year}
    statuses = {t.status_on(today) for t in current.tasks.all()}
    # Deadlines stay within the year: early in a year the past ones bunch on 1 January.
    if today.month >= 6:
        assert statuses == {"not_started", "in_progress", "done", "done_late", "overdue"}
    # Sở Tư pháp as of 31/12/2024: tasks 4 (not done then), 5 (on time), 6 (late) → 2 of 3 done
    facts = facts_for(Agency.objects.get(code="stp"), 2024)
    assert str(facts["plan.done_rate"]) == "66.6700"
    assert str(facts["plan.on_time_rate"]) == "33.3300"
    par = ExternalIndex.objects.get(kind="par", year=2024)
    assert (str(par.value), par.rank, par.of) == ("88.20", 36, 63)


def test_the_indices_name_their_real_sources(demo: Any) -> None:
    page = login("hanh").get(reverse("plans:indices")).content.decode()
    assert "Bộ Nội vụ, Chỉ số CCHC năm 2023 (công bố 2024)" in page
    assert "Quyết định 766/QĐ-TTg" in page
    # The conflicting 2024 rank is resolved and the other figure stated.
    assert "Trang Sở Ngoại vụ ghi hạng 29/63" in page
    for internal in ("par-index.md", "source-article.txt", "[S2"):
        assert internal not in page


def test_hanh_sees_targets_gaps_and_overdue_tasks_each_linked_to_its_list(demo: Any) -> None:
    page = login("hanh").get(reverse("plans:dashboard")).content.decode()
    assert "36/63" in page  # PAR Index 2024
    assert "nhóm 30 đến năm 2025" in page
    # 36 → 30: six places still to climb
    assert "<strong>6</strong>" in page
    assert f"{reverse('plans:tasks')}?agency=stp&status=overdue" in page
    assert "Mất điểm ở đâu" in page
    assert 'id="dashboard-data"' in page
    # the demo has dossiers: the late ones by field, each linked to its list
    assert "Hồ sơ trễ hạn theo lĩnh vực" in page
    assert f"{reverse('dossiers:late')}?period=" in page


def test_the_loss_page_lists_criteria_and_links_to_scorecards(demo: Any) -> None:
    from chiso.results.models import ResultSet

    rs = ResultSet.objects.filter(year=2023).first()
    assert rs is not None
    page = login("tuan").get(reverse("plans:losses", args=[rs.pk])).content.decode()
    assert "Điểm bị mất" in page
    assert reverse("results:scorecard", args=[2023, rs.block.code, "x"]).rsplit("/x/", 1)[0] in page


def test_every_plans_page_answers_the_reform_office(demo: Any) -> None:
    c = login("tuan")
    for name in ("list", "tasks", "deadlines", "completion", "inspections", "indices", "dashboard"):
        assert c.get(reverse(f"plans:{name}")).status_code == 200, name
    assert c.get(reverse("plans:detail", args=["cchc-2024"])).status_code == 200
    export = c.get(reverse("plans:export", args=["cchc-2024"]))
    assert export["Content-Disposition"] == 'attachment; filename="cchc-2024.xlsx"'
    completion = c.get(reverse("plans:completion"), {"year": 2024, "as_of": "2024-12-31"})
    assert "outcome=on_time" in completion.content.decode()
