"""The OpenAPI schema: generated without a warning, served, and documented in Swagger UI."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


def test_schema_generation_has_no_warnings_or_errors(tmp_path):
    err = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), stderr=err)
    assert "Warning" not in err.getvalue() and "Error" not in err.getvalue()


@pytest.mark.django_db
def test_the_schema_is_served_without_authentication(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {
        "/api/projects/{project_id}/start-tech-spec",
        "/api/tech-spec/sessions/{session_pk}/status",
        "/api/tech-spec/sessions/{session_pk}/decisions",
        "/api/tech-spec/sessions/{session_pk}/trd",
    } <= set(paths)


@pytest.mark.django_db
def test_the_schema_documents_bearer_authentication(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"


@pytest.mark.django_db
def test_the_swagger_page_answers(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200 and b"swagger" in response.content.lower()


@pytest.mark.django_db
def test_no_schema_description_comes_from_a_serializer_mixin(client):
    """drf-spectacular falls back to a base class's docstring; a mixin's would describe every output."""
    from sessions_app.api.output_fields import FieldsBuiltOnce

    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    described = {name: c.get("description", "") for name, c in schema["components"]["schemas"].items()}
    assert FieldsBuiltOnce.__doc__ is None
    assert not [name for name, text in described.items() if "Mixin" in text], described
