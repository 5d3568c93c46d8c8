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


# --- the contract a generated client relies on ------------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def schema(client, db):
    return client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_every_operation_has_a_summary_and_a_tag(schema):
    missing = [(p, m) for p, m, op in operations(schema) if not op.get("summary") or not op.get("tags")]
    assert not missing


def test_every_operation_documents_its_errors_with_the_one_error_envelope(schema):
    for path, method, op in operations(schema):
        expected = {"400", "401", "403", "429", "503"}
        expected |= {"404"} if "{" in path else set()
        expected |= {"409", "411", "413", "415"} if method != "get" else set()
        assert expected <= set(op["responses"]), (method, path, sorted(op["responses"]))
        for status in expected:
            assert op["responses"][status]["content"] == {"application/json": {"schema": {"$ref": ERROR_REF}}}
        assert "Retry-After" in op["responses"]["429"]["headers"]


def test_an_operation_offering_formats_documents_406(schema):
    trd = schema["paths"]["/api/tech-spec/sessions/{session_pk}/trd"]["get"]["responses"]
    assert trd["406"]["content"] == {"application/json": {"schema": {"$ref": ERROR_REF}}}
    assert "406" not in schema["paths"]["/api/sessions/"]["get"]["responses"]


def test_the_error_component_is_the_envelope_the_api_answers(schema, api_as):
    component = schema["components"]["schemas"]["Error"]
    assert component["required"] == ["error"]
    detail = schema["components"]["schemas"][component["properties"]["error"]["$ref"].rsplit("/", 1)[1]]
    assert set(detail["properties"]) == {"code", "message", "fields", "details"}
    assert set(detail["required"]) == {"code", "message"}
    body = api_as().client.get("/api/sessions/?page_size=0").json()
    assert set(body) == {"error"} and set(body["error"]) <= set(detail["properties"])


def test_request_bodies_are_json_only(schema):
    bodies = [(p, m, op["requestBody"]) for p, m, op in operations(schema) if "requestBody" in op]
    assert bodies
    assert all(list(body["content"]) == ["application/json"] for _, _, body in bodies)


def test_every_path_id_is_a_uuid(schema):
    for path, method, op in operations(schema):
        for parameter in op.get("parameters", []):
            if parameter["in"] == "path":
                assert parameter["schema"] == {"type": "string", "format": "uuid"}, (method, path, parameter)


def test_list_parameters_are_bounded_and_enumerated(schema):
    sessions = {p["name"]: p["schema"] for p in schema["paths"]["/api/sessions/"]["get"]["parameters"]}
    assert sessions["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}
    assert "-progress_percentage" in sessions["ordering"]["enum"] and "user_id" not in sessions["ordering"]["enum"]
    assert sessions["design_job_id"]["format"] == sessions["project_id"]["format"] == "uuid"


def test_every_list_has_the_same_page_envelope(schema):
    components = schema["components"]["schemas"]
    lists = {op["operationId"] for _, _, op in operations(schema) if op["operationId"].endswith("_list")}
    assert "sessions_conversations_list" in lists and len(lists) == 7, lists
    for path, _method, op in operations(schema):
        if op["operationId"] in lists:
            ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            page = components[ref.rsplit("/", 1)[1]]
            assert {"next", "previous", "results"} <= set(page["properties"]), path


def test_states_are_enums_and_json_fields_have_schemas(schema):
    components = schema["components"]["schemas"]
    start = components["StartTechSpecOutput"]["properties"]
    assert start["status"]["$ref"].endswith("/SessionStatusEnum")
    assert start["current_stage"]["$ref"].endswith("Enum")
    design_status = components["DesignJobOutput"]["properties"]["status"]
    assert design_status["allOf"][0]["$ref"].endswith("/DesignJobStatusEnum")
    options = components["ResearchOutput"]["properties"]["researched_options"]
    assert options["type"] == "array" and options["items"]["required"] == ["name"]
    assert components["ConversationOutput"]["properties"]["metadata"]["type"] == "object"
    assert components["TRDOutput"]["properties"]["validation_report"]["type"] == "object"


def test_the_markdown_trd_is_described_as_text_markdown(schema):
    markdown = schema["paths"]["/api/tech-spec/sessions/{session_pk}/trd/markdown"]["get"]
    assert list(markdown["responses"]["200"]["content"]) == ["text/markdown"]
    trd = schema["paths"]["/api/tech-spec/sessions/{session_pk}/trd"]["get"]
    assert {"application/json", "text/markdown"} <= set(trd["responses"]["200"]["content"])


def test_a_transition_patch_documents_a_required_body_naming_at_least_one_field(schema):
    patch = schema["paths"]["/api/sessions/{id}/"]["patch"]["requestBody"]
    assert patch["required"] is True
    ref = patch["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][ref]["minProperties"] == 1
