"""A client that comes back with its cursor gets exactly the events it missed, in order, then live ones."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import TechResearchFactory, TechSpecSessionFactory
from tests.support.api import token_for
from tests.support.events_server import MESSAGE_SQL, events, next_event, silent

pytestmark = pytest.mark.slow


def test_resume_after_a_disconnect_yields_exactly_the_missed_events_in_order(server, session):
    token = token_for(session)
    with server.follow(session.pk, token) as socket:
        cursor = next_event(socket)["cursor"]
        TechResearchFactory(session=session)
        last_seen = next_event(socket)["cursor"]
    assert last_seen == cursor + 1
    for n in range(5):
        with connection.cursor() as c:
            c.execute(MESSAGE_SQL, [session.pk, f"missed {n}"])
    with server.follow(session.pk, token, after=last_seen) as socket:
        snapshot = next_event(socket)
        missed = events(socket, 5)
        assert silent(socket, 0.5)
        TechResearchFactory(session=session)
        live = next_event(socket)
    assert snapshot["type"] == "snapshot" and snapshot["cursor"] == last_seen + 5
    assert [e["data"]["message"] for e in missed] == [f"missed {n}" for n in range(5)]
    assert [e["cursor"] for e in missed] == list(range(last_seen + 1, last_seen + 6))
    assert live["cursor"] == last_seen + 6


def test_resume_from_zero_replays_a_long_history_in_pages(server, session):
    with connection.cursor() as c:
        c.execute("INSERT INTO tech_conversations (session_id, role, message, message_type, metadata)"
                  " SELECT %s, 'user', 'm' || n, 'text', '{}' FROM generate_series(1, 1234) n", [session.pk])
    with server.follow(session.pk, token_for(session), after=0) as socket:
        assert next_event(socket)["cursor"] == 1234
        replayed = events(socket, 1234)
        assert silent(socket, 0.5)
    assert [e["cursor"] for e in replayed] == list(range(1, 1235))


def test_sessions_on_one_server_only_see_their_own_events(server, transactional_db):
    first, second = TechSpecSessionFactory(), TechSpecSessionFactory()
    with server.follow(first.pk, token_for(first)) as a, server.follow(second.pk, token_for(second)) as b:
        next_event(a), next_event(b)
        TechResearchFactory(session=second)
        assert next_event(b)["session_id"] == str(second.pk)
        assert silent(a, 0.5)
