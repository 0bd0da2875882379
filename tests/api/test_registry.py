"""``/api/agencies`` and ``/api/blocks``: the same agencies as the pages, and what they say."""

from __future__ import annotations

import datetime
from typing import Any

from chiso.org import actions as org
from tests.api.conftest import session


def get(persona: str, url: str) -> Any:
    response = session(persona).get(url)
    assert response.status_code == 200, response.content
    return response.json()


def codes(page: dict[str, Any]) -> list[str]:
    return [a["code"] for a in page["items"]]


def test_lan_sees_her_department_and_its_unit_only(province: Any) -> None:
    page = get("lan", "/api/agencies")
    missing = session("lan").get("/api/agencies/sxd")
    unknown = session("lan").get("/api/agencies/khong-co")

    assert codes(page) == ["stp", "stp-tgpl"] and page["count"] == 2
    assert missing.status_code == unknown.status_code == 404
    assert (
        missing.json()
        == unknown.json()
        == {"detail": "Không có cơ quan, đơn vị nào mang mã này trong phạm vi bạn được xem."}
    )


def test_the_list_matches_the_registry_page(province: Any) -> None:
    """Same agencies, same order as /org/ for the same filters."""
    for query in ("", "?q=tư", "?type=don-vi-truc-thuoc", "?year=2023&block=so-ban-nganh"):
        page = get("tuan", f"/api/agencies{query}")
        html = session("tuan").get(f"/org/{query}").content.decode()
        positions = [html.find(f"/org/agencies/{code}/") for code in codes(page)]
        assert all(p > 0 for p in positions) and positions == sorted(positions), query
        assert html.count('href="/org/agencies/') == len(positions), query


def test_it_filters_and_pages(province: Any) -> None:
    assert codes(get("tuan", "/api/agencies?q=TGPL")) == ["stp-tgpl"]
    assert codes(get("tuan", "/api/agencies?type=don-vi-truc-thuoc")) == ["stp-tgpl"]
    assert codes(get("tuan", "/api/agencies?block=so-ban-nganh")) == ["snv", "stp", "sxd"]
    assert codes(get("tuan", "/api/agencies?year=2024&block=so-ban-nganh")) == []
    first = get("tuan", "/api/agencies?page_size=3")
    second = get("tuan", "/api/agencies?page_size=3&page=2")
    assert (first["count"], first["page"], first["page_size"]) == (4, 1, 3)
    assert codes(first) + codes(second) == ["snv", "stp", "sxd", "stp-tgpl"]
    assert get("tuan", "/api/agencies?page=9")["items"] == []


def test_former_agencies_are_listed_on_request(province: Any) -> None:
    """Phòng Tư pháp cũ merged into Sở Tư pháp on 01/01/2023 and no longer exists."""
    assert "stp-cu" not in codes(get("tuan", "/api/agencies"))
    assert "stp-cu" in codes(get("tuan", "/api/agencies?validity=all"))


def test_each_agency_carries_its_blocks_of_the_year(province: Any) -> None:
    page = get("tuan", "/api/agencies?year=2023")
    blocks = {a["code"]: a["blocks"] for a in page["items"]}

    assert page["year"] == 2023
    assert blocks["stp"] == [{"code": "so-ban-nganh", "name": "Khối sở, ban, ngành"}]
    assert blocks["stp-tgpl"] == []


def test_an_agency_with_its_lineage_leaders_and_results(province: Any) -> None:
    stp = get("tuan", "/api/agencies/stp")

    assert stp["type"] == {"code": "so", "name": "Sở, ban, ngành"}
    assert stp["children"] == [
        {"code": "stp-tgpl", "name": "Trung tâm Trợ giúp pháp lý", "visible": True}
    ]
    assert stp["predecessors"] == [
        {
            "kind": "merged_into",
            "effective_date": "2023-01-01",
            "legal_basis": "Quyết định 1/QĐ-UBND",
            "agency": {"code": "stp-cu", "name": "Phòng Tư pháp cũ", "visible": True},
        }
    ]
    assert stp["successors"] == []
    assert [a["code"] for a in stp["inherits_from"]] == ["stp-cu"]
    assert stp["blocks"] == [{"year": 2023, "code": "so-ban-nganh", "name": "Khối sở, ban, ngành"}]
    head, deputy = stp["leaders"]
    assert (head["person"]["name"], head["role"], head["assignments"]) == (
        "Phạm Văn Bình",
        "head",
        [],
    )
    assert deputy == {
        "person": {"code": "le-van-nam", "name": "Lê Văn Nam"},
        "role": "deputy",
        "title": "Phó Giám đốc",
        "start": "2021-01-01",
        "end": None,
        "current": True,
        "assignments": [{"year": 2023, "node_codes": ["2"], "decision": "Quyết định 5/QĐ-STP"}],
    }
    assert stp["results"] == [
        {
            "year": 2023,
            "block": {"code": "so-ban-nganh", "name": "Khối sở, ban, ngành"},
            "rank": 1,
            "final": "12.97",
            "classification": "Yếu",
        }
    ]


def test_lan_sees_names_outside_her_scope_as_the_page_does_but_cannot_open_them(
    province: Any,
) -> None:
    stp = get("lan", "/api/agencies/stp")
    unit = get("lan", "/api/agencies/stp-tgpl")

    assert stp["predecessors"][0]["agency"] == {
        "code": "stp-cu",
        "name": "Phòng Tư pháp cũ",
        "visible": False,
    }
    assert session("lan").get("/api/agencies/stp-cu").status_code == 404
    assert unit["parent"] == {"code": "stp", "name": "Sở Tư pháp", "visible": True}
    assert stp["results"] == []  # the draft is not hers to see


def test_children_outside_the_scope_are_left_out(province: Any) -> None:
    """Nam leads Sở Tư pháp only; a unit of Sở Xây dựng below it is not listed for him."""
    sxd_unit = org.create_agency(
        code="sxd-tt",
        name="Trung tâm Kiểm định",
        type=province.world.stp_unit.type,
        parent=province.world.sxd,
        valid_from=datetime.date(2020, 1, 1),
        actor=None,
    )
    assert get("tuan", "/api/agencies/sxd")["children"][0]["code"] == sxd_unit.code
    assert session("nam").get("/api/agencies/sxd-tt").status_code == 404


def test_blocks_list_only_the_members_the_caller_may_see(province: Any) -> None:
    everyone = get("tuan", "/api/blocks")
    lan = get("lan", "/api/blocks?year=2023")

    assert (everyone["year"], everyone["years"]) == (2023, [2023])
    [block] = everyone["items"]
    assert [a["code"] for a in block["agencies"]] == ["snv", "stp", "sxd"]
    assert [a["code"] for a in lan["items"][0]["agencies"]] == ["stp"]
    assert get("tuan", "/api/blocks?year=2030") == {
        "year": 2030,
        "years": [2030, 2023],
        "items": [],
    }
