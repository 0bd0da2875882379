"""Who may call which endpoint: every endpoint for every persona, by session and by token.

Province-wide roles (Tuấn, Hạnh, Minh) read everything; Lan and Nam read only Sở Tư pháp and
its unit (Sở Xây dựng is "not found"), and no framework; Mai has a role but no registry access;
Khách has no role. Before publication only the province-wide roles see results.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import bearer, session

URLS = {
    "agencies": "/api/agencies",
    "own": "/api/agencies/stp",
    "unit": "/api/agencies/stp-tgpl",
    "other": "/api/agencies/sxd",
    "missing": "/api/agencies/khong-co",
    "blocks": "/api/blocks?year=2023",
    "frameworks": "/api/frameworks",
    "framework": "/api/frameworks/{framework}",
    "no_framework": "/api/frameworks/999999",
    "results": "/api/results",
    "ranking": "/api/results/2023/so-ban-nganh",
    "scorecard": "/api/results/2023/so-ban-nganh/stp",
}
PROVINCE_WIDE = {**dict.fromkeys(URLS, 200), "missing": 404, "no_framework": 404}
NO_FRAMEWORKS = dict.fromkeys(("frameworks", "framework", "no_framework"), 403)
AGENCY = {
    **PROVINCE_WIDE,
    **NO_FRAMEWORKS,
    "other": 404,
    "ranking": 404,  # a draft: not theirs to see before publication
    "scorecard": 404,
}
NO_REGISTRY = {**dict.fromkeys(URLS, 403), "results": 200, "ranking": 404, "scorecard": 404}
MATRIX = {
    "tuan": PROVINCE_WIDE,
    "hanh": PROVINCE_WIDE,
    "minh": PROVINCE_WIDE,
    "lan": AGENCY,
    "nam": AGENCY,
    "mai": NO_REGISTRY,
    "khach": dict.fromkeys(URLS, 403),
}


def urls(province: Any) -> dict[str, str]:
    return {k: v.format(framework=province.framework.pk) for k, v in URLS.items()}


def statuses(province: Any, persona: str, how: str) -> dict[str, int]:
    if how == "session":
        client, headers = session(persona), {}
    else:
        client, headers = session(None), bearer(province.tokens[persona])
    return {k: client.get(url, headers=headers).status_code for k, url in urls(province).items()}


@pytest.mark.parametrize("how", ["session", "token"])
@pytest.mark.parametrize("persona", MATRIX)
def test_it_answers_each_persona_within_their_scope(province: Any, persona: str, how: str) -> None:
    assert statuses(province, persona, how) == MATRIX[persona]


def test_it_asks_anonymous_callers_to_authenticate(province: Any) -> None:
    for url in urls(province).values():
        response = session(None).get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == 'Bearer realm="chiso"'
        assert response.json() == {
            "detail": "Hãy đăng nhập, hoặc gửi mã truy cập API trong tiêu đề "
            "Authorization: Bearer <mã>."
        }


@pytest.mark.parametrize("persona", ["lan", "nam", "mai"])
@pytest.mark.parametrize("how", ["session", "token"])
def test_published_results_are_open_to_every_role(province: Any, persona: str, how: str) -> None:
    province.publish()

    got = statuses(province, persona, how)

    assert (got["ranking"], got["scorecard"]) == (200, 200)
    assert statuses(province, "khach", how)["ranking"] == 403


def test_a_bad_token_is_refused_even_with_a_session(province: Any) -> None:
    client = session("tuan")

    response = client.get("/api/agencies", headers=bearer("chiso_000000000000_wrong"))

    assert response.status_code == 401
    assert response.json() == {"detail": "Mã truy cập API không hợp lệ hoặc đã bị thu hồi."}


@pytest.mark.parametrize(
    "header", ["Bearer", "Bearer ", "Bearer chiso_", "Bearer x_y_z", "Bearer chiso_abc_def"]
)
def test_malformed_tokens_are_refused(province: Any, header: str) -> None:
    response = session(None).get("/api/agencies", headers={"Authorization": header})

    assert response.status_code == 401


def test_another_authorization_scheme_falls_back_to_the_session(province: Any) -> None:
    headers = {"Authorization": "Basic dHVhbjp4"}

    assert session("tuan").get("/api/agencies", headers=headers).status_code == 200
    assert session(None).get("/api/agencies", headers=headers).status_code == 401


def test_a_token_has_the_roles_of_its_user_now(province: Any) -> None:
    """Roles are read at each call: revoking Lan's role takes her token's access away too."""
    province.world.lan.memberships.all().delete()

    response = session(None).get("/api/agencies/stp", headers=bearer(province.tokens["lan"]))

    assert response.status_code == 403
