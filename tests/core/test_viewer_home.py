"""Hạnh, the provincial leader who only reads, finds her screens from the home page; the
evaluation list does not tell her that no round was opened "for her agency"."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from chiso.assessments.models import Round
from tests.assessments.conftest import block, framework, rnd  # noqa: F401 - fixtures
from tests.assessments.office_world import client_for


def shortcuts(html: str) -> str:
    return html.split('id="shortcuts-title"')[1].split("</nav>")[0]


def test_hanh_reaches_the_dashboard_and_the_surveys_from_home(world: Any) -> None:
    html = client_for(world.hanh).get("/").content.decode()
    links = shortcuts(html)
    assert f'href="{reverse("plans:dashboard")}">Bảng điều hành của lãnh đạo<' in links
    assert f'href="{reverse("surveys:list")}">Khảo sát và kết quả<' in links
    assert f'href="{reverse("assessments:rounds")}"' in links
    # A viewer has no assessment to fill in nor an audit log to read.
    assert reverse("assessments:mine") not in links and reverse("audit:list") not in links
    # Every shortcut opens for her.
    client = client_for(world.hanh)
    for href in links.split('href="')[1:]:
        assert client.get(href.split('"')[0]).status_code == 200, href


def test_lan_gets_her_own_screens(world: Any) -> None:
    links = shortcuts(client_for(world.lan).get("/").content.decode())
    assert f'href="{reverse("assessments:mine")}"' in links
    assert reverse("plans:dashboard") not in links


def test_the_nav_gives_hanh_the_dashboard_and_the_surveys(world: Any) -> None:
    html = client_for(world.hanh).get("/").content.decode()
    nav = html.split('class="main-nav')[1].split("</nav>")[0]
    assert reverse("plans:dashboard") in nav and reverse("surveys:list") in nav


def test_hanh_is_not_told_her_agency_has_no_round(world: Any, rnd: Round) -> None:  # noqa: F811
    html = client_for(world.hanh).get(reverse("assessments:mine")).content.decode()
    assert "cho cơ quan của bạn" not in html
    assert f'<a href="{reverse("assessments:rounds")}">' in html


def test_lan_still_reads_about_her_agency(world: Any) -> None:
    html = client_for(world.lan).get(reverse("assessments:mine")).content.decode()
    assert "chưa mở đợt đánh giá nào cho cơ quan của bạn" in html


def test_the_language_menu_names_each_language_in_itself(world: Any) -> None:
    html = client_for(world.lan).get("/").content.decode()
    menu = html.split('id="lang"')[1].split("</select>")[0]
    assert '<option value="vi" lang="vi" selected>Tiếng Việt</option>' in menu
    assert '<option value="en" lang="en">English</option>' in menu
    assert "Tiếng Việt Nam" not in menu and "Tiếng Anh" not in menu


@pytest.mark.parametrize("who", ["tuan", "lan", "nam", "minh", "hanh", "mai"])
def test_every_shortcut_opens_for_whoever_sees_it(world: Any, who: str) -> None:
    client = client_for(getattr(world, who))
    links = shortcuts(client.get("/").content.decode())
    hrefs = [h.split('"')[0] for h in links.split('href="')[1:]]
    assert hrefs, f"{who} has no shortcut"
    for href in hrefs:
        assert client.get(href, follow=True).status_code == 200, (who, href)


def test_no_role_no_shortcut(world: Any) -> None:
    assert 'id="shortcuts-title"' not in client_for(world.khach).get("/").content.decode()
