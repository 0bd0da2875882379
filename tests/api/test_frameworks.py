"""``/api/frameworks``: the stored frameworks, the definition exactly as the YAML file has it."""

from __future__ import annotations

from typing import Any, get_args

from chiso.api import frameworks, results
from chiso.engine.spec import parse_framework
from chiso.frameworks.actions import clone_framework
from chiso.frameworks.models import Framework
from chiso.results.models import ResultSet
from tests.api.conftest import session


def get(url: str, persona: str = "hanh") -> Any:
    response = session(persona).get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_it_lists_frameworks_with_filters(province: Any) -> None:
    draft = clone_framework(province.framework, year=2024, actor=province.world.tuan)

    everything = get("/api/frameworks")
    published = get("/api/frameworks?status=published")
    of_2024 = get("/api/frameworks?year=2024&kind=par_index")

    assert [f["key"] for f in everything["items"]] == ["so-ban-nganh:2024:1", "so-ban-nganh:2023:1"]
    assert [f["key"] for f in published["items"]] == ["so-ban-nganh:2023:1"]
    assert of_2024["count"] == 1 and of_2024["items"][0]["cloned_from"] == province.framework.pk
    assert get("/api/frameworks?kind=service_index") == {"count": 0, "items": []}
    first = everything["items"][1]
    assert first["id"] == province.framework.pk and draft.pk == everything["items"][0]["id"]
    assert (first["status"], first["leaf_count"], first["blocks"]) == (
        "published",
        40,
        ["so-ban-nganh"],
    )


def test_the_filters_accept_only_known_values(province: Any) -> None:
    response = session("hanh").get("/api/frameworks?status=final")

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == [["query", "status"]]


def test_the_definition_is_the_canonical_dict_with_exact_numbers(province: Any) -> None:
    fw = province.framework

    body = get(f"/api/frameworks/{fw.pk}")

    definition = body["definition"]
    assert body["key"] == "so-ban-nganh:2023:1" and definition["code"] == "so-ban-nganh"
    assert list(definition) == list(fw.to_dict())
    assert definition["total_points"] == "100.00"
    assert definition["leaders"] == {"deputy_assigned_weight": "0.70"}
    first = definition["nodes"][0]
    assert (first["code"], first["max_points"], "rule" in first) == ("1", "12.00", False)
    assert first["children"][0]["rule"] == {
        "type": "tiered",
        "unit": "ngày",
        "bands": [
            {"lte": "0.00", "points": "1.00"},
            {"lte": "15.00", "points": "0.50"},
            {"points": "0.00"},
        ],
    }
    assert "guidance" not in first  # keys the canonical dict omits stay omitted
    # The definition reads back into the very framework the engine scores with.
    assert parse_framework(definition) == fw.to_engine()


def test_an_unknown_framework_is_not_found(province: Any) -> None:
    response = session("minh").get("/api/frameworks/999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Không có bộ chỉ số nào có mã số này."}


def test_agency_users_may_not_read_frameworks(province: Any) -> None:
    response = session("lan").get(f"/api/frameworks/{province.framework.pk}")

    assert response.status_code == 403
    assert response.json() == {"detail": "Bạn không có quyền xem nội dung này."}
    assert Framework.objects.count() == 1


def test_the_declared_choices_are_the_models_choices() -> None:
    assert set(get_args(frameworks.Status)) == set(Framework.Status.values)
    assert set(get_args(frameworks.Kind)) == set(Framework.Kind.values)
    assert set(get_args(results.SetStatus)) == set(ResultSet.Status.values)
    assert set(get_args(results.Source)) == set(ResultSet.Source.values)
