"""``/api/results``: the numbers in JSON are the stored ones, digit for digit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chiso.results.models import AgencyScore
from tests.api.conftest import session

RANKING = "/api/results/2023/so-ban-nganh"


def get(url: str, persona: str = "tuan") -> Any:
    response = session(persona).get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_the_result_sets_the_caller_may_see(province: Any) -> None:
    body = get("/api/results")

    [item] = body["items"]
    assert item["block"] == {"code": "so-ban-nganh", "name": "Khối sở, ban, ngành"}
    assert item["framework"]["key"] == "so-ban-nganh:2023:1"
    assert (item["status"], item["source"], item["agencies"]) == ("draft", "import", 3)
    assert item["mean_final"] == str(province.result_set.mean_final)
    assert item["class_counts"] == province.result_set.class_counts
    assert get("/api/results", "lan") == {"count": 0, "items": []}
    assert get("/api/results?year=2022") == {"count": 0, "items": []}
    province.publish()
    assert get("/api/results", "mai")["items"][0]["status"] == "published"


def test_the_ranking_carries_the_stored_numbers(province: Any) -> None:
    body = get(RANKING)

    stored = list(
        AgencyScore.objects.filter(result_set=province.result_set).order_by("rank", "agency__name")
    )
    assert [s["agency"]["code"] for s in body["scores"]] == [s.agency.code for s in stored]
    for row, score in zip(body["scores"], stored, strict=True):
        assert row["rank"] == score.rank
        for field in ("base_points", "base_max", "base_percent", "bonus", "penalty", "final"):
            assert Decimal(row[field]) == getattr(score, field), field
        assert row["final"] == str(score.final)  # percents keep their two decimals exactly
        assert row["classification"] == score.classification
        assert [Decimal(f["percent"]) for f in row["fields"]] == score.field_percents()
    assert [f["code"] for f in body["fields"]] == [str(n) for n in range(1, 9)]


def test_the_scorecard_of_the_first_agency(province: Any) -> None:
    body = get(f"{RANKING}/stp")

    assert (body["rank"], body["agency"]["code"], body["classification"]) == (1, "stp", "Yếu")
    assert (body["base_points"], body["base_max"], body["base_percent"]) == (
        "12.10",
        "97.00",
        "12.47",
    )
    assert (body["bonus"], body["penalty"], body["final"]) == ("1.00", "0.50", "12.97")
    nodes = {n["code"]: n for n in body["nodes"]}
    assert nodes["1.1"]["points"] == "1.00" and nodes["1.1"]["max"] == "1.00"
    assert nodes["1.1"]["explanation"]["vi"].startswith("Theo mức: số ngày 0 ≤ 0 → 1,00 điểm")
    assert nodes["1.1"]["explanation"]["en"].startswith(
        "Tiered: number of days 0 ≤ 0 → 1.00 points"
    )
    assert nodes["2.1"]["not_applicable"] and nodes["2.1"]["percent"] is None
    assert nodes["1.5"]["missing_input"] and nodes["1.5"]["points"] == "0.00"
    head, deputy = body["leaders"]
    assert (head["name"], head["role"], head["assigned_percent"]) == ("Phạm Văn Bình", "head", None)
    assert (deputy["role"], deputy["assigned"]) == ("deputy", ["2"])
    assert deputy["assigned_percent"] == nodes["2"]["percent"] == "88.00"


def test_every_node_matches_the_stored_scorecard(province: Any) -> None:
    body = get(f"{RANKING}/sxd")
    stored = AgencyScore.objects.get(result_set=province.result_set, agency__code="sxd")

    assert [n["code"] for n in body["nodes"]] == [n["code"] for n in stored.nodes]
    for got, want in zip(body["nodes"], stored.nodes, strict=True):
        for key in ("points", "max", "applicable_max", "percent"):
            assert (got[key] is None) == (want[key] is None)
            if got[key] is not None:
                assert Decimal(got[key]) == Decimal(want[key]), (want["code"], key)
        assert got["explanation"] == want["explanation"]


def test_missing_results_are_not_found(province: Any) -> None:
    for url in (f"{RANKING}/khong-co", "/api/results/2022/so-ban-nganh", f"{RANKING}x"):
        response = session("tuan").get(url)
        assert response.status_code == 404, url
    assert session("tuan").get(f"{RANKING}/stp-tgpl").json() == {
        "detail": "Cơ quan, đơn vị này không có kết quả trong khối và năm này."
    }
