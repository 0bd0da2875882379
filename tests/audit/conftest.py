"""The round of the assessments tests (a tiny framework, three departments), for audit rows."""

from tests.assessments.conftest import block, framework, rnd  # noqa: F401
