"""The API's rules as a client sees them: routes with or without the trailing slash, JSON-only
bodies, canonical ids, and one page shape and one set of page rules for every list."""

from __future__ import annotations

import base64
import json
import uuid

import pytest

from sessions_app.models import AgentErrorLog, TechConversation
from tests.factories import (
    AgentErrorLogFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return body["error"]


@pytest.fixture
def world(api_as):
    agent = api_as("agent")
    job = DesignJobFactory(with_outputs=True, user_id=agent.user_id)
    session = TechSpecSessionFactory(design_job=job, user_id=agent.user_id, status="in_progress",
                                     current_stage="research")
    return agent, session


# --- routes: with or without the trailing slash ----------------------------------------


@pytest.mark.parametrize("slash", ["", "/"])
def test_a_post_is_served_with_or_without_the_trailing_slash(world, slash):
    agent, session = world
    url = f"/api/sessions/{session.id}/conversations" + slash

    response = agent.client.post(url, {"role": "agent", "message": "hello"}, format="json")

    assert response.status_code == 201, response.content[:300]
    assert TechConversation.objects.filter(session=session, message="hello").count() == 1


@pytest.mark.parametrize("slash", ["", "/"])
def test_a_nested_action_and_a_patch_are_served_with_or_without_the_trailing_slash(world, slash):
    agent, session = world
    error = AgentErrorLogFactory(session=session, recovered=False)

    recovered = agent.client.post(f"/api/sessions/{session.id}/errors/recovered" + slash,
                                  {"error_ids": [str(error.id)]}, format="json")
    patched = agent.client.patch(f"/api/sessions/{session.id}" + slash, {"progress_percentage": 40}, format="json")

    assert (recovered.status_code, recovered.json()) == (200, {"changed": 1})
    assert AgentErrorLog.objects.get(pk=error.pk).recovered
    assert (patched.status_code, patched.json()["progress_percentage"]) == (200, 40)


@pytest.mark.parametrize("slash", ["", "/"])
def test_the_planned_endpoints_answer_with_or_without_the_trailing_slash(world, slash):
    agent, session = world
    assert agent.client.get(f"/api/tech-spec/sessions/{session.id}/status" + slash).status_code == 200


# --- bodies: JSON only, with a length ----------------------------------------------------


@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", "role=agent&message=hello"),
    ("multipart/form-data; boundary=B", '--B\r\nContent-Disposition: form-data; name="role"\r\n\r\nagent\r\n--B--\r\n'),
    ("text/plain", '{"role": "agent", "message": "hello"}'),
])
def test_a_body_that_is_not_json_is_415_in_the_envelope(world, content_type, body):
    agent, session = world

    response = agent.client.generic("POST", f"/api/sessions/{session.id}/conversations/", body,
                                    content_type=content_type)

    assert_error(response, 415, "unsupported_media_type")
    assert not TechConversation.objects.filter(session=session).exists()


def test_a_chunked_body_without_content_length_is_411_in_the_envelope(world):
    agent, session = world

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
def test_a_path_id_spelled_other_than_canonically_is_400(world, spelling):
    agent, session = world
    text = non_canonical_spellings(session.id)[spelling]

    for url in (f"/api/sessions/{text}/", f"/api/tech-spec/sessions/{text}/status",
                f"/api/sessions/{text}/research/"):
        error = assert_error(agent.client.get(url), 400, "invalid")
        assert "session_id" in error["fields"], error


@pytest.mark.parametrize("spelling", ["urn", "braces", "fullwidth digits"])
def test_a_filter_id_spelled_other_than_canonically_is_400(world, spelling):
    agent, session = world
    text = non_canonical_spellings(session.design_job_id)[spelling]

    error = assert_error(agent.client.get("/api/sessions/", {"design_job_id": text}), 400, "invalid")

    assert "design_job_id" in error["fields"]


def test_an_uppercase_canonical_id_is_the_same_session(world):
    agent, session = world
    assert agent.client.get(f"/api/sessions/{str(session.id).upper()}/").json()["id"] == str(session.id)


# --- lists: one page shape, one set of rules -----------------------------------------------


def list_urls(session) -> list[str]:
    return [
        "/api/sessions/", "/api/errors/", "/api/design-jobs/",
        f"/api/sessions/{session.id}/research/", f"/api/sessions/{session.id}/conversations/",
        f"/api/sessions/{session.id}/trd-versions/", f"/api/sessions/{session.id}/errors/",
    ]


@pytest.fixture
def full_world(world):
    agent, session = world
    for _ in range(3):
        TechResearchFactory(session=session)
        TechConversationFactory(session=session)
        AgentErrorLogFactory(session=session)
    for version in (1, 2, 3):
        GeneratedTRDDocumentFactory(session=session, version=version)
    return agent, session


def test_every_list_pages_with_next_and_previous_links(full_world):
    agent, session = full_world
    for url in list_urls(session):
        first = agent.client.get(url, {"page_size": 1}).json()
        assert set(first) == {"next", "previous", "results"}, (url, first)
        assert len(first["results"]) == 1 and first["previous"] is None, url

        if url == "/api/design-jobs/" or url == "/api/sessions/":
            continue  # one design job and one session in this world
        second = agent.client.get(first["next"]).json()
        assert second["previous"] and second["results"][0]["id"] != first["results"][0]["id"], url
        back = agent.client.get(second["previous"]).json()
        assert back["results"] == first["results"], url


def test_conversation_pages_walk_the_whole_conversation_in_order(world):
    agent, session = world
    messages = [TechConversationFactory(session=session) for _ in range(5)]
    seen, url = [], f"/api/sessions/{session.id}/conversations/?page_size=2"
    while url:
        page = agent.client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    expected = sorted(messages, key=lambda m: (m.timestamp, str(m.id)))
    assert seen == [str(m.id) for m in expected]


def forged_cursors() -> dict[str, str]:
    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    return {
        "garbage": "not-a-cursor",
        "base64 junk": b64("hello"),
        "position not a timestamp": b64("p=2024-13-01"),
        "offset beyond what PostgreSQL accepts": b64("p=2025-01-01 00:00:00-16:00"),
        "conversation selector cursor": base64.urlsafe_b64encode(b"2025-01-01T00:00:00+00:00|x").decode(),
    }


@pytest.mark.parametrize("label", list(forged_cursors()))
def test_a_forged_cursor_is_400_invalid_cursor_on_every_list(full_world, label):
    agent, session = full_world
    cursor = forged_cursors()[label]
    for url in list_urls(session):
        assert_error(agent.client.get(url, {"cursor": cursor}), 400, "invalid_cursor")


def test_a_forged_position_for_a_version_ordered_list_is_400(full_world):
    agent, session = full_world
    cursor = base64.b64encode(b"p=99999999999999").decode()
    response = agent.client.get(f"/api/sessions/{session.id}/trd-versions/", {"cursor": cursor})
    assert_error(response, 400, "invalid_cursor")


@pytest.mark.parametrize("page_size", ["0", "-1", "201", "abc", "1.5", "²", "٣", "", "9" * 5000])
def test_a_bad_page_size_is_the_same_400_on_every_list(full_world, page_size):
    agent, session = full_world
    for url in list_urls(session):
        error = assert_error(agent.client.get(url, {"page_size": page_size}), 400, "invalid")
        assert list(error["fields"]) == ["page_size"], (url, error)


def test_page_size_200_is_accepted_everywhere(full_world):
    agent, session = full_world
    for url in list_urls(session):
        assert agent.client.get(url, {"page_size": 200}).status_code == 200, url


@pytest.mark.parametrize("query", [
    {"ordering": "nope"}, {"ordering": "created_at,updated_at"}, {"ordering": "-user_id"},
    {"status": "nope"}, {"status": ""}, {"created_after": ""},
])
def test_a_session_list_parameter_it_cannot_use_is_400_not_ignored(world, query):
    agent, _ = world
    error = assert_error(agent.client.get("/api/sessions/", query), 400, "invalid")
    assert list(error["fields"]) == list(query)


@pytest.mark.parametrize("value", ["maybe", "", "yes"])
def test_an_error_list_recovered_filter_that_is_not_a_boolean_is_400(world, value):
    agent, _ = world
    error = assert_error(agent.client.get("/api/errors/", {"recovered": value}), 400, "invalid")
    assert list(error["fields"]) == ["recovered"]


def test_ordering_accepts_each_documented_value(world):
    agent, _ = world
    for value in ("created_at", "-created_at", "updated_at", "-updated_at", "progress_percentage",
                  "-progress_percentage"):
        assert agent.client.get("/api/sessions/", {"ordering": value}).status_code == 200, value


def test_the_conversation_list_document_is_json_with_the_same_keys_as_research(full_world):
    agent, session = full_world
    conversations = agent.client.get(f"/api/sessions/{session.id}/conversations/").json()
    research = agent.client.get(f"/api/sessions/{session.id}/research/").json()
    assert set(conversations) == set(research) == {"next", "previous", "results"}
    json.dumps(conversations)


# --- body types: a field takes its documented JSON type only ----------------------------------


@pytest.mark.parametrize("body, field", [
    ({"role": "agent", "message": 7}, "message"),
    ({"role": "agent", "message": "hi", "research_id": 12}, "research_id"),
    ({"role": "agent", "message": "hi", "research_id": "urn:uuid:" + str(uuid.uuid4())}, "research_id"),
])
def test_a_conversation_field_of_the_wrong_json_type_is_400(world, body, field):
    agent, session = world
    error = assert_error(agent.client.post(f"/api/sessions/{session.id}/conversations/", body, format="json"),
                         400, "invalid")
    assert list(error["fields"]) == [field]
    assert not TechConversation.objects.filter(session=session).exists()


@pytest.mark.parametrize("body, field", [
    ({"node": "n", "error_type": "E", "message": "m", "retry_count": "3"}, "retry_count"),
    ({"node": "n", "error_type": "E", "message": "m", "retry_count": True}, "retry_count"),
])
def test_an_error_log_field_of_the_wrong_json_type_is_400(world, body, field):
    agent, session = world
    error = assert_error(agent.client.post(f"/api/sessions/{session.id}/errors/", body, format="json"), 400, "invalid")
    assert list(error["fields"]) == [field]


@pytest.mark.parametrize("score, stored", [(91.5, "91.50"), ("92.50", "92.50"), (0.57, "0.57"), (100, "100.00")])
def test_a_quality_score_is_a_json_number_or_the_decimal_string_outputs_carry(world, score, stored):
    agent, session = world
    response = agent.client.post(f"/api/sessions/{session.id}/trd-versions/",
                                 {"trd_content": "# TRD", "quality_score": score}, format="json")
    assert (response.status_code, response.json()["quality_score"]) == (201, stored)


@pytest.mark.parametrize("score", [True, "1e2", "100.01", 100.5, "abc", [1]])
def test_a_quality_score_outside_its_documented_forms_is_400(world, score):
    agent, session = world
    response = agent.client.post(f"/api/sessions/{session.id}/trd-versions/",
                                 {"trd_content": "# TRD", "quality_score": score}, format="json")
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["quality_score"]


def test_recovered_must_be_a_json_boolean(world):
    agent, session = world
    error = AgentErrorLogFactory(session=session, recovered=False)
    response = agent.client.post(f"/api/sessions/{session.id}/errors/recovered/",
                                 {"error_ids": [str(error.id)], "recovered": "false"}, format="json")
    assert list(assert_error(response, 400, "invalid")["fields"]) == ["recovered"]
    assert not AgentErrorLog.objects.get(pk=error.pk).recovered


# --- the Markdown TRD as its own operation ------------------------------------------------------


def test_the_markdown_trd_operation_answers_markdown_whatever_the_accept_header(world):
    agent, session = world
    GeneratedTRDDocumentFactory(session=session, version=1, trd_content="# Hello TRD")
    for accept in ("application/json", "text/markdown", "*/*"):
        response = agent.client.get(f"/api/tech-spec/sessions/{session.id}/trd/markdown", HTTP_ACCEPT=accept)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/markdown"), accept
        assert "# Hello TRD" in response.content.decode()


def test_the_markdown_trd_operation_answers_errors_in_the_json_envelope(world):
    agent, session = world
    response = agent.client.get(f"/api/tech-spec/sessions/{session.id}/trd/markdown")
    assert_error(response, 404, "trd_not_found")
