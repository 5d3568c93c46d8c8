"""Input PostgreSQL cannot store is a 400 that writes nothing, never a 500."""

from __future__ import annotations

import json

import pytest

from sessions_app.models import GeneratedTRDDocument, TechConversation

pytestmark = pytest.mark.django_db


def deep(levels: int) -> dict:
    value: dict = {}
    for _ in range(levels):
        value = {"k": value}
    return value


@pytest.mark.parametrize(
    "raw_body",
    [
        # A NUL in a JSON key: jsonb refuses \u0000.
        '{"trd_content": "x", "validation_report": {"a\\u0000": {}}}',
        # A NUL in a JSON value.
        '{"trd_content": "x", "validation_report": {"a": "b\\u0000"}}',
        # An unpaired surrogate in text: not encodable as UTF-8.
        '{"trd_content": "\\udb71"}',
        # An unpaired surrogate deep in JSON.
        '{"trd_content": "x", "validation_report": {"a": ["\\udc2b"]}}',
        # Nesting beyond the limit.
        json.dumps({"trd_content": "x", "validation_report": deep(40)}),
    ],
    ids=["nul-key", "nul-value", "surrogate-text", "surrogate-json", "too-deep"],
)
def test_unstorable_trd_input_is_400_and_stores_nothing(agent_session, raw_body):
    agent, session = agent_session
    response = agent.client.post(
        f"/api/sessions/{session.id}/trd-versions/", raw_body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "invalid"
    assert not GeneratedTRDDocument.objects.filter(session=session).exists()


def test_nul_in_conversation_metadata_is_400(agent_session):
    agent, session = agent_session
    body = '{"role": "agent", "message": "hi", "metadata": {"x\\u0000": 1}}'
    response = agent.client.post(f"/api/sessions/{session.id}/conversations/", body,
                                 content_type="application/json")
    assert response.status_code == 400
    assert not TechConversation.objects.filter(session=session).exists()
