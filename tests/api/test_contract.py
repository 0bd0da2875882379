"""Schemathesis over every operation, as the reform office: no 5xx, and every answer (status,
content type, headers, body) conforms to the published OpenAPI schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from tests.api.conftest import bearer

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def in_test_transaction() -> Iterator[None]:
    """Keep Django from closing the test's connection around each call, as its test client
    does: the WSGI app then sees the province built inside the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_is_loaded_from_the_app() -> None:
    assert isinstance(schema.app, WSGIHandler)
    assert len(list(schema.get_all_operations())) == 38


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_its_contract(
    case: Any, province: Any, in_test_transaction: None
) -> None:
    case.call_and_validate(headers=bearer(province.tokens["tuan"]))
