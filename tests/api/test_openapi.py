"""The published contract and the documentation page, which must work without Internet."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from chiso.api.common import DECIMAL_PATTERN

OPERATIONS = {
    ("/api/agencies", "list_agencies"),
    ("/api/agencies/{code}", "get_agency"),
    ("/api/blocks", "list_blocks"),
    ("/api/frameworks", "list_frameworks"),
    ("/api/frameworks/{framework_id}", "get_framework"),
    ("/api/results", "list_results"),
    ("/api/results/{year}/{block}", "block_results"),
    ("/api/results/{year}/{block}/{agency}", "scorecard"),
    ("/api/facts", "list_facts"),
    ("/api/rounds", "list_rounds"),
    ("/api/rounds/{round_id}", "get_round"),
    ("/api/rounds/{round_id}/assessments", "list_assessments"),
    ("/api/assessments/{assessment_id}", "get_assessment"),
    ("/api/assessments/{assessment_id}/items/{code}/self", "save_self_assessment"),
    ("/api/assessments/{assessment_id}/submit", "submit_assessment"),
    ("/api/assessments/{assessment_id}/approve", "approve_assessment"),
    ("/api/assessments/{assessment_id}/items/{code}/appraisal", "record_appraisal"),
    ("/api/assessments/{assessment_id}/items/{code}/explanation", "submit_explanation"),
    ("/api/assessments/{assessment_id}/items/{code}/council", "record_council_decision"),
    ("/api/assessments/{assessment_id}/return", "return_assessment"),
    ("/api/blocks/{year}/{block}/rounds", "open_round"),
    ("/api/rounds/{round_id}/extensions", "extend_deadline"),
    ("/api/rounds/{round_id}/close", "close_round_stage"),
    ("/api/rounds/{round_id}/finalise", "finalise_round"),
    ("/api/rounds/{round_id}/reopen", "reopen_round"),
    ("/api/rounds/{round_id}/publish", "publish_round"),
    ("/api/rounds/{round_id}/deadlines", "change_deadlines"),
    ("/api/rounds/{round_id}/cancel", "cancel_round"),
    ("/api/rounds/{round_id}/appraisers", "list_appraiser_assignments"),
    ("/api/rounds/{round_id}/appraisers/{agency}/{field}", "assign_appraiser"),
    ("/api/rounds/{round_id}/appraisers/{agency}/{field}", "unassign_appraiser"),
    ("/api/assessments/{assessment_id}/adjustments", "list_adjustment_counts"),
    ("/api/assessments/{assessment_id}/adjustments/{code}", "save_adjustment_count"),
    ("/api/dossiers/batch", "push_dossiers"),
    ("/api/dossiers/petitions", "list_petitions"),
    ("/api/surveys/campaigns", "list_survey_campaigns"),
    ("/api/surveys/campaigns/{campaign_id}/results", "survey_results"),
    ("/api/surveys/responses/{token}", "submit_survey_response"),
}
# Respondents have no account: the invitation token in the path is their credential.
PUBLIC = {"/api/surveys/responses/{token}"}


def openapi() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def test_it_publishes_every_operation_with_every_answer(db: None) -> None:
    schema = openapi()

    assert (schema["info"]["title"], schema["info"]["version"]) == ("chiso API", "1")
    operations = {
        (path, op["operationId"]) for path, ops in schema["paths"].items() for op in ops.values()
    }
    assert operations == OPERATIONS
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            answers = set(op["responses"])
            assert answers & {"200", "201"}, path
            assert ("404" in answers) == ("{" in path), path
            assert ("409" in answers) == (method != "get"), path  # writes: stage or version
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in answers, path
            if path in PUBLIC:
                assert "security" not in op, path
            else:
                assert {"401", "403"} <= answers, path
                assert op["security"] == [{"TokenAuth": []}, {"SessionAuth": []}]


def test_numbers_are_declared_as_decimal_strings(db: None) -> None:
    components = openapi()["components"]["schemas"]
    score = components["Score"]["properties"]

    for field in ("base_points", "base_max", "base_percent", "bonus", "penalty", "final"):
        assert score[field] | {"description": ""} == {
            "description": "",
            "examples": ["82.22"],
            "pattern": DECIMAL_PATTERN,
            "title": score[field]["title"],
            "type": "string",
        }


def test_the_docs_page_uses_only_files_served_here(db: None) -> None:
    response = Client().get("/api/docs")

    html = response.content.decode()
    assert response.status_code == 200 and "<title>chiso API</title>" in html
    assert "http://" not in html and "https://" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    for url in assets:
        assert Client().get(url).status_code == 200, url
    assert '"validatorUrl": null' in html
