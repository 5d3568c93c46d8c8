"""The events WebSocket against a real uvicorn server and the real test database: every kind of
committed write arrives, whoever made it (the API, the admin, plain SQL), and nothing else does.
(Who may follow a session: test_socket_access.py; resuming: test_socket_resume.py.)"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.urls import reverse

from sessions_app.models import AgentErrorLog
from tests.factories import AgentErrorLogFactory, TechResearchFactory, TechSpecSessionFactory
from tests.support.admin import post_change
from tests.support.api import token_for
from tests.support.events_server import MESSAGE_SQL, events, next_event, silent

pytestmark = pytest.mark.slow


# --- every event type, from every kind of writer ------------------------------------------


def test_api_writes_arrive_as_events_in_commit_order(server, session):
    agent = token_for(session, "agent")
    base = f"/api/sessions/{session.pk}"
    with server.follow(session.pk, agent) as socket:
        cursor = next_event(socket)["cursor"]
        assert server.request("PATCH", f"{base}/", agent, {"progress_percentage": 30})[0] == 200
        status, research = server.request("POST", f"{base}/research/", agent, {
            "technology_category": "database", "gap_description": "Where data lives",
            "researched_options": [{"name": "PostgreSQL"}, {"name": "MySQL"}]})
        assert status == 201
        assert server.request("POST", f"/api/tech-spec/sessions/{session.pk}/decisions", token_for(session), {
            "decisions": [{"research_id": research["id"], "selected_technology": "PostgreSQL"}]})[0] == 201
        assert server.request("POST", f"{base}/conversations/", agent, {
            "role": "agent", "message": "Chose <b>PostgreSQL</b> " + "x" * 9000})[0] == 201
        status, trd = server.request("POST", f"{base}/trd-versions/", agent,
                                     {"trd_content": "# TRD\n" + "y" * 20000, "quality_score": "91.50"})
        assert status == 201
        status, error = server.request("POST", f"{base}/errors/", agent,
                                       {"node": "generate", "error_type": "Timeout", "message": "slow model"})
        assert status == 201
        assert server.request("POST", f"{base}/errors/recovered/", agent,
                              {"error_ids": [error["id"]], "recovered": True})[0] == 200
        received = events(socket, 8)
    decision_message = next(e for e in received if e["type"] == "conversation.message")
    assert decision_message["data"]["metadata"] or decision_message["data"]["research_id"]
    received.remove(decision_message)  # a decision is recorded together with its conversation message
    assert [e["type"] for e in received] == [
        "session.updated", "research.added", "research.decided", "conversation.message",
        "trd.stored", "error.logged", "error.recovered",
    ]
    assert sorted(e["cursor"] for e in [*received, decision_message]) == list(range(cursor + 1, cursor + 9))
    assert {e["session_id"] for e in received} == {str(session.pk)}
    assert all(e["timestamp"] for e in received)
    assert received[0]["data"]["progress_percentage"] == 30
    assert received[2]["data"]["selected_technology"] == "PostgreSQL"
    assert received[3]["data"]["message"] == "Chose <b>PostgreSQL</b> " + "x" * 9000  # full message
    assert received[4]["data"] == {"id": trd["id"], "version": 1, "quality_score": "91.50",
                                   "created_at": received[4]["data"]["created_at"]}  # no body
    assert received[5]["data"]["message"] == "slow model"
    assert received[6]["data"]["id"] == error["id"]


def test_admin_writes_arrive_as_events(server, session, admin_client):
    error = AgentErrorLogFactory(session=session)
    with server.follow(session.pk, token_for(session)) as socket:
        next_event(socket)
        response = post_change(admin_client, session, progress_percentage="45")
        assert response.status_code == 302
        admin_client.post(reverse("admin:sessions_app_agenterrorlog_changelist"),
                          {"action": "mark_recovered", "_selected_action": [str(error.pk)], "index": 0})
        received = events(socket, 2)
    assert [(e["type"], e["data"].get("progress_percentage")) for e in received] == [
        ("session.updated", 45), ("error.recovered", None)]
    assert AgentErrorLog.objects.get(pk=error.pk).recovered


def test_raw_sql_writes_arrive_as_events(server, session):
    research = TechResearchFactory(session=session, researched_options=[{"name": "Redis"}])
    with server.follow(session.pk, token_for(session)) as socket:
        next_event(socket)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE tech_spec_sessions SET current_stage = 'decisions' WHERE id = %s", [session.pk])
            cursor.execute("INSERT INTO tech_research (session_id, technology_category, gap_description,"
                           " researched_options, selected_technology, is_custom_selection, selection_reasoning)"
                           " VALUES (%s, 'cache', 'gap', '[]', '', false, '')", [session.pk])
            cursor.execute("UPDATE tech_research SET selected_technology = 'Redis', decision_timestamp = now()"
                           " WHERE id = %s", [research.pk])
            cursor.execute(MESSAGE_SQL,
                           [session.pk, "hi"])
            cursor.execute("INSERT INTO generated_trd_documents (session_id, trd_content, version, quality_score,"
                           " api_specification, database_schema, architecture_diagram, tech_stack_document,"
                           " validation_report) VALUES (%s, 'body', 1, 77, '', '', '', '', '{}')", [session.pk])
            cursor.execute("INSERT INTO agent_error_logs (session_id, node, error_type, message, stack_trace,"
                           " retry_count, recovered, recovery_strategy)"
                           " VALUES (%s, 'n', 't', 'boom', '', 0, false, '') RETURNING id", [session.pk])
            error_id = cursor.fetchone()[0]
            cursor.execute("UPDATE agent_error_logs SET recovered = true WHERE id = %s", [error_id])
            cursor.execute("UPDATE agent_error_logs SET recovered = false WHERE id = %s", [error_id])
        received = events(socket, 8)
    assert [e["type"] for e in received] == [
        "session.updated", "research.added", "research.decided", "conversation.message",
        "trd.stored", "error.logged", "error.recovered", "error.reopened",
    ]
    assert received[3]["data"]["message"] == "hi"
    assert received[4]["data"]["quality_score"] == "77.00"


def test_a_rolled_back_write_sends_nothing(server, session):
    with server.follow(session.pk, token_for(session)) as socket:
        cursor = next_event(socket)["cursor"]
        with pytest.raises(RuntimeError), transaction.atomic():
            with connection.cursor() as c:
                c.execute(MESSAGE_SQL, [session.pk, "lost"])
            raise RuntimeError("roll back")
        assert silent(socket, 1.0)
        with connection.cursor() as c:
            c.execute(MESSAGE_SQL, [session.pk, "kept"])
        event = next_event(socket)
    assert event["data"]["message"] == "kept"
    assert event["cursor"] == cursor + 1


def test_changes_that_clients_do_not_follow_send_nothing(server, session):
    with server.follow(session.pk, token_for(session)) as socket:
        next_event(socket)
        with connection.cursor() as c:
            c.execute("UPDATE tech_spec_sessions SET session_data = '{\"k\": 1}' WHERE id = %s", [session.pk])
        other = TechSpecSessionFactory()
        TechResearchFactory(session=other)
        assert silent(socket, 1.0)


def test_deleting_a_session_deletes_its_events_in_the_database(server, session):
    TechResearchFactory(session=session)
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM session_events WHERE session_id = %s", [session.pk])
        assert c.fetchone()[0] == 1
        c.execute("DELETE FROM tech_spec_sessions WHERE id = %s", [session.pk])
        c.execute("SELECT count(*) FROM session_events WHERE session_id = %s", [session.pk])
        assert c.fetchone()[0] == 0
        c.execute("SELECT count(*) FROM session_event_counters WHERE session_id = %s", [session.pk])
        assert c.fetchone()[0] == 0
