"""TRD exports (?format=md|html, anything else 406) and compare (unified diff per section)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import GeneratedTRDDocumentFactory, TechSpecSessionFactory
from tests.support.api import assert_error
from tests.support.trd_hostile import HOSTILE, assert_nothing_hostile_survives

pytestmark = pytest.mark.django_db


def trd_url(session) -> str:
    return f"/api/tech-spec/sessions/{session.id}/trd"


def compare_url(session) -> str:
    return f"/api/sessions/{session.id}/trd-versions/compare"



@pytest.fixture
def owner_with_two_versions(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    GeneratedTRDDocumentFactory(
        session=session, version=1, trd_content="# TRD\n\n- p95 under 300 ms\n",
        api_specification="paths:\n  /a:\n    get: {}\n", database_schema="CREATE TABLE a (id int);\n",
        validation_report={"passed": True},
    )
    GeneratedTRDDocumentFactory(
        session=session, version=2, trd_content="# TRD\n\n- p95 under 250 ms\n",
        api_specification="paths:\n  /a:\n    get: {}\n  /b:\n    get: {}\n",
        database_schema="CREATE TABLE a (id int);\n", validation_report={"passed": False},
    )
    return caller, session


# --- exports ------------------------------------------------------------------------------


def test_html_export_is_one_self_contained_file_to_download(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    GeneratedTRDDocumentFactory(session=session, version=2, architecture_diagram="flowchart LR\n  A --> B\n",
                                **{k: v for k, v in HOSTILE.items() if k != "tech_stack_document"})

    response = caller.client.get(trd_url(session), {"format": "html"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert f'filename="trd-{session.id}-v2.html"' in response["Content-Disposition"]
    assert "script-src 'sha256-" in response["Content-Security-Policy"]
    page = response.content.decode()
    assert page.startswith("<!DOCTYPE html>") and '<pre class="mermaid">' in page
    assert_nothing_hostile_survives(page.split("<main", 1)[1].split("</main>")[0])


def test_markdown_export_is_the_canonical_document(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    GeneratedTRDDocumentFactory(session=session, version=1, api_specification="openapi: 3.1.0\n")
    text = caller.client.get(trd_url(session), {"format": "md"}).content.decode()
    assert "## Contents\n" in text and "## API specification\n\n```yaml\nopenapi: 3.1.0\n```" in text


@pytest.mark.parametrize("fmt", ["pdf", "docx", "xml"])
def test_any_other_format_is_406_in_the_error_shape(api_as, fmt):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    GeneratedTRDDocumentFactory(session=session, version=1)
    error = assert_error(caller.client.get(trd_url(session), {"format": fmt}), 406, "not_acceptable")
    assert "html, json, md" in error["message"]


def test_json_stays_the_default_and_explicit_format(api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    GeneratedTRDDocumentFactory(session=session, version=1, trd_content="# One")
    for params in ({}, {"format": "json"}):
        response = caller.client.get(trd_url(session), params)
        assert response["Content-Type"] == "application/json" and response.json()["trd_content"] == "# One"


# --- compare ------------------------------------------------------------------------------


def test_compare_returns_a_unified_diff_per_section(owner_with_two_versions):
    caller, session = owner_with_two_versions

    response = caller.client.get(compare_url(session), {"from": 1, "to": 2})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["session_id"] == str(session.id) and body["changed"] is True
    assert (body["from"]["version"], body["to"]["version"]) == (1, 2)
    sections = {s["section"]: s for s in body["sections"]}
    assert list(sections) == ["trd_content", "api_specification", "database_schema", "architecture_diagram",
                              "tech_stack_document", "validation_report"]
    assert sections["trd_content"]["diff"] == (
        "--- v1/trd_content\n+++ v2/trd_content\n@@ -1,3 +1,3 @@\n # TRD\n \n-- p95 under 300 ms\n+- p95 under 250 ms\n"
    )
    assert (sections["api_specification"]["added"], sections["api_specification"]["removed"]) == (2, 0)
    assert sections["database_schema"] == {"section": "database_schema", "title": "Database schema",
                                           "changed": False, "added": 0, "removed": 0, "diff": ""}
    assert '-  "passed": true\n+  "passed": false' in sections["validation_report"]["diff"]


def test_compare_backwards_shows_the_opposite_diff(owner_with_two_versions):
    caller, session = owner_with_two_versions
    body = caller.client.get(compare_url(session), {"from": 2, "to": 1}).json()
    assert "-- p95 under 250 ms\n+- p95 under 300 ms" in body["sections"][0]["diff"]


def test_compare_of_a_version_with_itself_is_400(owner_with_two_versions):
    caller, session = owner_with_two_versions
    assert_error(caller.client.get(compare_url(session), {"from": 2, "to": 2}), 400, "invalid_value")


@pytest.mark.parametrize("params", [{"from": 1}, {"to": 2}, {"from": "x", "to": 2}, {"from": 0, "to": 2},
                                    {"from": 1, "to": "99999999999"}])
def test_compare_without_two_version_numbers_is_400_naming_the_field(owner_with_two_versions, params):
    caller, session = owner_with_two_versions
    error = assert_error(caller.client.get(compare_url(session), params), 400, "invalid")
    assert set(error["fields"]) & {"from", "to"}


def test_compare_with_an_unknown_version_is_404(owner_with_two_versions):
    caller, session = owner_with_two_versions
    error = assert_error(caller.client.get(compare_url(session), {"from": 1, "to": 7}), 404, "trd_not_found")
    assert error["details"]["version"] == 7


def test_compare_on_another_users_session_is_404_like_a_missing_one(owner_with_two_versions, api_as):
    _, session = owner_with_two_versions
    other = api_as()
    assert_error(other.client.get(compare_url(session), {"from": 1, "to": 2}), 404, "session_not_found")
    assert api_as(role="staff").client.get(compare_url(session), {"from": 1, "to": 2}).status_code == 200
    agent = api_as(role="agent", user_id=session.user_id)
    assert agent.client.get(compare_url(session), {"from": 1, "to": 2}).status_code == 200


def test_compare_reads_the_same_queries_however_many_versions_the_session_has(owner_with_two_versions):
    caller, session = owner_with_two_versions
    caller.client.get(compare_url(session), {"from": 1, "to": 2})
    with CaptureQueriesContext(connection) as few:
        caller.client.get(compare_url(session), {"from": 1, "to": 2})
    for version in range(3, 40):
        GeneratedTRDDocumentFactory(session=session, version=version)
    caller.client.get(compare_url(session), {"from": 1, "to": 39})  # both pairs' diffs cached alike
    with CaptureQueriesContext(connection) as many:
        caller.client.get(compare_url(session), {"from": 1, "to": 39})
    assert len(many) == len(few)


def test_compare_is_in_the_openapi_schema_with_its_parameters(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/sessions/{session_pk}/trd-versions/compare"]["get"]
    assert {(p["name"], p["required"]) for p in operation["parameters"] if p["in"] == "query"} == {
        ("from", True), ("to", True)}
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert {"session_id", "from", "to", "changed", "sections"} <= set(component["properties"])
