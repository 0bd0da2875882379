"""Error bodies: ``{"detail": …}`` in Vietnamese unless the caller asks for English."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.api.conftest import bearer, session

DENIED_VI = "Bạn không có quyền xem nội dung này."
DENIED_EN = "You do not have permission to see this."


def detail(response: Any) -> str:
    return str(response.json()["detail"])


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("", DENIED_VI),
        ("en", DENIED_EN),
        ("en-US,en;q=0.9", DENIED_EN),
        ("fr,en;q=0.5,vi;q=0.9", DENIED_VI),
        ("fr,de", DENIED_VI),
    ],
)
def test_a_system_chooses_the_language_with_accept_language(
    province: Any, accept: str, expected: str
) -> None:
    headers = {**bearer(province.tokens["khach"]), "Accept-Language": accept}

    response = session(None).get("/api/agencies", headers=headers)

    assert response.status_code == 403 and detail(response) == expected
    assert response["Content-Language"] == ("en" if expected == DENIED_EN else "vi")


def test_the_language_chosen_in_the_menu_wins(province: Any) -> None:
    """A person who picked Vietnamese in the menu gets Vietnamese, whatever the browser says."""
    client = session("khach")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    assert detail(client.get("/api/agencies", headers={"Accept-Language": "en"})) == DENIED_VI
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert detail(client.get("/api/agencies")) == DENIED_EN


def test_invalid_parameters_answer_422_with_each_problem(province: Any) -> None:
    response = session("tuan").get("/api/agencies?page=0&page_size=x&validity=soon")

    body = response.json()
    assert response.status_code == 422
    assert body["detail"].startswith("Tham số của yêu cầu không hợp lệ. ")
    assert sorted(e["loc"][1] for e in body["errors"]) == ["page", "page_size", "validity"]
    assert all(set(e) == {"loc", "msg", "type"} for e in body["errors"])


def test_an_agency_outside_the_scope_looks_like_a_missing_one(province: Any) -> None:
    out_of_scope = session("lan").get("/api/agencies/sxd")
    missing = session("lan").get("/api/agencies/khong-co")

    assert (out_of_scope.status_code, out_of_scope.content) == (404, missing.content)


def test_path_parameters_are_checked(province: Any) -> None:
    assert session("tuan").get("/api/results/20x3/so-ban-nganh").status_code == 422
    assert session("tuan").get("/api/frameworks/0").status_code == 422
    assert session("tuan").get("/api/agencies/st%20p").status_code == 422


def test_only_get_is_allowed(province: Any) -> None:
    response = session("tuan").post("/api/agencies")

    assert response.status_code == 405 and response["Allow"] == "GET"
