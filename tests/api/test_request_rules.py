"""The API's rules as a client sees them: routes with or without the trailing slash, JSON-only
bodies, canonical ids, fields of their documented JSON type only, the Markdown TRD operation.
(Lists: one page shape and one set of page rules, test_list_pages.py.)"""

from __future__ import annotations

import uuid

import pytest

from sessions_app.models import AgentErrorLog, TechConversation
from tests.factories import (
    AgentErrorLogFactory,
    GeneratedTRDDocumentFactory,
)
from tests.support.api import assert_error

pytestmark = pytest.mark.django_db


# --- routes: with or without the trailing slash ----------------------------------------


@pytest.mark.parametrize("slash", ["", "/"])
def test_a_post_is_served_with_or_without_the_trailing_slash(agent_world, slash):
    agent, session = agent_world
    url = f"/api/sessions/{session.id}/conversations" + slash

    response = agent.client.post(url, {"role": "agent", "message": "hello"}, format="json")

    assert response.status_code == 201, response.content[:300]
    assert TechConversation.objects.filter(session=session, message="hello").count() == 1


@pytest.mark.parametrize("slash", ["", "/"])
def test_a_nested_action_and_a_patch_are_served_with_or_without_the_trailing_slash(agent_world, slash):
    agent, session = agent_world
    error = AgentErrorLogFactory(session=session, recovered=False)

    recovered = agent.client.post(f"/api/sessions/{session.id}/errors/recovered" + slash,
                                  {"error_ids": [str(error.id)]}, format="json")
    patched = agent.client.patch(f"/api/sessions/{session.id}" + slash, {"progress_percentage": 40}, format="json")

    assert (recovered.status_code, recovered.json()) == (200, {"changed": 1})
    assert AgentErrorLog.objects.get(pk=error.pk).recovered
    assert (patched.status_code, patched.json()["progress_percentage"]) == (200, 40)


@pytest.mark.parametrize("slash", ["", "/"])
def test_the_planned_endpoints_answer_with_or_without_the_trailing_slash(agent_world, slash):
    agent, session = agent_world
    assert agent.client.get(f"/api/tech-spec/sessions/{session.id}/status" + slash).status_code == 200


# --- bodies: JSON only, with a length ----------------------------------------------------


@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", "role=agent&message=hello"),
    ("multipart/form-data; boundary=B", '--B\r\nContent-Disposition: form-data; name="role"\r\n\r\nagent\r\n--B--\r\n'),
    ("text/plain", '{"role": "agent", "message": "hello"}'),
])
def test_a_body_that_is_not_json_is_415_in_the_envelope(agent_world, content_type, body):
    agent, session = agent_world

    response = agent.client.generic("POST", f"/api/sessions/{session.id}/conversations/", body,
                                    content_type=content_type)

    assert_error(response, 415, "unsupported_media_type")
    assert not TechConversation.objects.filter(session=session).exists()


def test_a_chunked_body_without_content_length_is_411_in_the_envelope(agent_world):
    agent, session = agent_world

    response = agent.client.generic("POST", f"/api/sessions/{session.id}/conversations/", b"",
                                    content_type="application/json", HTTP_TRANSFER_ENCODING="chunked")

    assert_error(response, 411, "length_required")


# --- ids: canonical UUIDs only ---------------------------------------------------------------


def non_canonical_spellings(value: uuid.UUID) -> dict[str, str]:
    text = str(value)
    return {
        "urn": f"urn:uuid:{text}",
        "braces": "{" + text + "}",
        "no hyphens": value.hex,
        "fullwidth digits": text.translate({ord(d): ord(d) - ord("0") + 0xFF10 for d in "0123456789"}),
        "Arabic-Indic digits": text.translate({ord(d): ord(d) - ord("0") + 0x0660 for d in "0123456789"}),
    }


@pytest.mark.parametrize("spelling", list(non_canonical_spellings(uuid.uuid4())))
def test_a_path_id_spelled_other_than_canonically_is_400(agent_world, spelling):
    agent, session = agent_world
    text = non_canonical_spellings(session.id)[spelling]

    for url in (f"/api/sessions/{text}/", f"/api/tech-spec/sessions/{text}/status",
                f"/api/sessions/{text}/research/"):
        error = assert_error(agent.client.get(url), 400, "invalid")
        assert "session_id" in error["fields"], error


@pytest.mark.parametrize("spelling", ["urn", "braces", "fullwidth digits"])
def test_a_filter_id_spelled_other_than_canonically_is_400(agent_world, spelling):
    agent, session = agent_world
    text = non_canonical_spellings(session.design_job_id)[spelling]

    error = assert_error(agent.client.get("/api/sessions/", {"design_job_id": text}), 400, "invalid")

    assert "design_job_id" in error["fields"]


def test_an_uppercase_canonical_id_is_the_same_session(agent_world):
    agent, session = agent_world
    assert agent.client.get(f"/api/sessions/{str(session.id).upper()}/").json()["id"] == str(session.id)


# --- body types: a field takes its documented JSON type only ----------------------------------


@pytest.mark.parametrize("body, field", [
    ({"role": "agent", "message": 7}, "message"),
    ({"role": "agent", "message": "hi", "research_id": 12}, "research_id"),
    ({"role": "agent", "message": "hi", "research_id": "urn:uuid:" + str(uuid.uuid4())}, "research_id"),
])
def test_a_conversation_field_of_the_wrong_json_type_is_400(agent_world, body, field):
    agent, session = agent_world
    error = assert_error(agent.client.post(f"/api/sessions/{session.id}/conversations/", body, format="json"),
                         400, "invalid")
    assert list(error["fields"]) == [field]
    assert not TechConversation.objects.filter(session=session).exists()


@pytest.mark.parametrize("body, field", [
    ({"node": "n", "error_type": "E", "message": "m", "retry_count": "3"}, "retry_count"),
    ({"node": "n", "error_type": "E", "message": "m", "retry_count": True}, "retry_count"),
])
def test_an_error_log_field_of_the_wrong_json_type_is_400(agent_world, body, field):
    agent, session = agent_world
    error = assert_error(agent.client.post(f"/api/sessions/{session.id}/errors/", body, format="json"), 400, "invalid")
    assert list(error["fields"]) == [field]


@pytest.mark.parametrize("score, stored", [(91.5, "91.50"), ("92.50", "92.50"), (0.57, "0.57"), (100, "100.00")])
def test_a_quality_score_is_a_json_number_or_the_decimal_string_outputs_carry(agent_world, score, stored):
    agent, session = agent_world
    response = agent.client.post(f"/api/sessions/{session.id}/trd-versions/",
                                 {"trd_content": "# TRD", "quality_score": score}, format="json")
    assert (response.status_code, response.json()["quality_score"]) == (201, stored)


@pytest.mark.parametrize("score", [True, "1e2", "100.01", 100.5, "abc", [1]])
def test_a_quality_score_outside_its_documented_forms_is_400(agent_world, score):
    agent, session = agent_world
    response = agent.client.post(f"/api/sessions/{session.id}/trd-versions/",
                                 {"trd_content": "# TRD", "quality_score": score}, format="json")
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["quality_score"]


def test_recovered_must_be_a_json_boolean(agent_world):
    agent, session = agent_world
    error = AgentErrorLogFactory(session=session, recovered=False)
    response = agent.client.post(f"/api/sessions/{session.id}/errors/recovered/",
                                 {"error_ids": [str(error.id)], "recovered": "false"}, format="json")
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["recovered"]
    assert not AgentErrorLog.objects.get(pk=error.pk).recovered


# --- the Markdown TRD as its own operation ------------------------------------------------------


def test_the_markdown_trd_operation_answers_markdown_whatever_the_accept_header(agent_world):
    agent, session = agent_world
    GeneratedTRDDocumentFactory(session=session, version=1, trd_content="# Hello TRD")
    for accept in ("application/json", "text/markdown", "*/*"):
        response = agent.client.get(f"/api/tech-spec/sessions/{session.id}/trd/markdown", HTTP_ACCEPT=accept)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/markdown"), accept
        assert "# Hello TRD" in response.content.decode()


def test_the_markdown_trd_operation_answers_errors_in_the_json_envelope(agent_world):
    agent, session = agent_world
    response = agent.client.get(f"/api/tech-spec/sessions/{session.id}/trd/markdown")
    assert_error(response, 404, "trd_not_found")
