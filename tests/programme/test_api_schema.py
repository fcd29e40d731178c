"""Schemathesis against our own OpenAPI document: for every operation, generated parameters
(valid and not) never give a server error, and every answer — 200, 400, 404 — has the status
code, content type and body the document promises."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# The document as the site serves it (reading it needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def unlimited(settings):
    settings.API_RATE_LIMIT = 100_000  # hypothesis sends hundreds of requests per test


@pytest.fixture
def in_test_transaction():
    """Django's WSGI handler closes the connection at the end of each request (on PostgreSQL,
    the test's transaction with it); the test client avoids that the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_its_promises(case, programme, unlimited, in_test_transaction):
    # Identity: this WSGI client does not decompress the page cache's gzip copies.
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_the_document_describes_every_endpoint(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths) == {
        "/api/v1/events/",
        "/api/v1/events/{slug}/",
        "/api/v1/sessions/",
        "/api/v1/labs/",
        "/api/v1/labs/{slug}/",
        "/api/v1/organizations/",
        "/api/v1/organizations/{slug}/",
        "/api/v1/editions/",
        "/api/v1/editions/{year}/",
        "/api/v1/formats/",
        "/api/v1/themes/",
    }
    for path, operations in paths.items():
        assert set(operations) == {"get"}, path
        assert operations["get"]["summary"], path
        responses = set(operations["get"]["responses"])
        assert "429" in responses, path
        assert ("404" if "{" in path else "400") in responses, path
