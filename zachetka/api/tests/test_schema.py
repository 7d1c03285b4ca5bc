"""The OpenAPI schema, its docs page from local files, and schemathesis against the schema
through the WSGI application: no server error, no answer the schema does not describe."""

from collections.abc import Iterator

import pytest
import schemathesis
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from zachetka.api import services

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Built without a request, as `manage.py spectacular` builds it: the same document /schema/ serves.
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
application = get_wsgi_application()


def test_the_schema_is_served(db, client):
    response = client.get(reverse("api:schema"), headers={"Accept": "application/json"})
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/grades/bulk/" in document["paths"]
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_docs_page_uses_local_files_under_the_sites_csp(db, client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "<script>" not in html and "<style>" not in html  # no inline code the CSP would block
    assets = [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/api/docs.css",
    ]
    for asset in assets:
        assert f'"{asset}"' in html
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in html.lower()
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in script.content.decode()


@pytest.fixture
def registry_token(world, registrar) -> Iterator[str]:
    """A token of the registry (who sees everything), with the test's database connection kept
    open across the WSGI requests, as Django's test client keeps it."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield services.create_token(name="schemathesis", user=registrar)[1]
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_keeps_to_its_schema(case, registry_token):
    response = case.call(app=application, headers={"Authorization": f"Bearer {registry_token}"})
    case.validate_response(response, checks=CHECKS)
