"""Every list has one page shape (next, previous, results) and one set of page rules: the same
400 for a forged cursor, a bad page size or a parameter it cannot use."""

from __future__ import annotations

import base64
import json

import pytest

from tests.factories import (
    AgentErrorLogFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
)
from tests.support.api import assert_error

pytestmark = pytest.mark.django_db


def list_urls(session) -> list[str]:
    return [
        "/api/sessions/", "/api/errors/", "/api/design-jobs/",
        f"/api/sessions/{session.id}/research/", f"/api/sessions/{session.id}/conversations/",
        f"/api/sessions/{session.id}/trd-versions/", f"/api/sessions/{session.id}/errors/",
    ]


@pytest.fixture
def full_world(agent_world):
    agent, session = agent_world
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
            continue  # one design job and one session in this agent_world
        second = agent.client.get(first["next"]).json()
        assert second["previous"] and second["results"][0]["id"] != first["results"][0]["id"], url
        back = agent.client.get(second["previous"]).json()
        assert back["results"] == first["results"], url


def test_conversation_pages_walk_the_whole_conversation_in_order(agent_world):
    agent, session = agent_world
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
def test_a_session_list_parameter_it_cannot_use_is_400_not_ignored(agent_world, query):
    agent, _ = agent_world
    error = assert_error(agent.client.get("/api/sessions/", query), 400, "invalid")
    assert list(error["fields"]) == list(query)


@pytest.mark.parametrize("value", ["maybe", "", "yes"])
def test_an_error_list_recovered_filter_that_is_not_a_boolean_is_400(agent_world, value):
    agent, _ = agent_world
    error = assert_error(agent.client.get("/api/errors/", {"recovered": value}), 400, "invalid")
    assert list(error["fields"]) == ["recovered"]


def test_ordering_accepts_each_documented_value(agent_world):
    agent, _ = agent_world
    for value in ("created_at", "-created_at", "updated_at", "-updated_at", "progress_percentage",
                  "-progress_percentage"):
        assert agent.client.get("/api/sessions/", {"ordering": value}).status_code == 200, value


def test_the_conversation_list_document_is_json_with_the_same_keys_as_research(full_world):
    agent, session = full_world
    conversations = agent.client.get(f"/api/sessions/{session.id}/conversations/").json()
    research = agent.client.get(f"/api/sessions/{session.id}/research/").json()
    assert set(conversations) == set(research) == {"next", "previous", "results"}
    json.dumps(conversations)
