"""The events WebSocket against a real uvicorn server and the real test database:
who may follow a session, and that every kind of committed write arrives, whoever made it."""

from __future__ import annotations

import time
import uuid

import pytest
from django.db import connection, transaction
from django.urls import reverse

from sessions_app.choices import SessionStage, SessionStatus
from sessions_app.models import AgentErrorLog
from tests.admin.test_sessions import change_post_data, change_url
from tests.conftest import bearer_token, stop_process
from tests.factories import AgentErrorLogFactory, TechResearchFactory, TechSpecSessionFactory
from tests.support.events_server import close_code, events, next_event, silent, start_events_server

pytestmark = pytest.mark.slow

# What a worker writing plain SQL sends: every column without a database default.
MESSAGE_SQL = ("INSERT INTO tech_conversations (session_id, role, message, message_type, metadata)"
               " VALUES (%s, 'user', %s, 'text', '{}')")


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    from techspec_project.database_url import server_url

    url = server_url(connection.settings_dict, connection.settings_dict["NAME"])
    served = start_events_server(url, tmp_path_factory.mktemp("events") / "uvicorn.log")
    yield served
    stop_process(served.process)


@pytest.fixture
def session(transactional_db):
    return TechSpecSessionFactory(status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.RESEARCH,
                                  progress_percentage=20)


def token_for(session, role="user", **claims):
    return bearer_token(session.user_id, role, **claims)


# --- authentication and scoping --------------------------------------------------------


def test_owner_gets_a_snapshot_of_what_status_returns(server, session):
    token = token_for(session)
    with server.follow(session.pk, token) as socket:
        snapshot = next_event(socket)
    status, body = server.request("GET", f"/api/tech-spec/sessions/{session.pk}/status", token)
    assert status == 200
    assert snapshot["type"] == "snapshot"
    assert snapshot["session_id"] == str(session.pk)
    assert snapshot["cursor"] == 0
    assert snapshot["data"] == body


@pytest.mark.parametrize("role", ["agent", "staff"])
def test_agent_and_staff_tokens_follow_the_session(server, session, role):
    user_id = session.user_id if role == "agent" else uuid.uuid4()
    with server.follow(session.pk, bearer_token(user_id, role)) as socket:
        assert next_event(socket)["type"] == "snapshot"


def test_a_browser_sends_the_token_as_a_subprotocol_and_only_the_version_is_echoed(server, session):
    token = token_for(session)
    with server.follow(session.pk, subprotocols=["techspec.v1", f"bearer.{token}"]) as socket:
        assert socket.subprotocol == "techspec.v1"
        assert next_event(socket)["type"] == "snapshot"
        assert token not in str(socket.response.headers)


@pytest.mark.parametrize("credentials", ["none", "garbage", "expired", "wrong_key", "bad_role", "basic"])
def test_missing_or_invalid_credentials_close_4401(server, session, credentials):
    headers = {
        "none": {},
        "garbage": {"Authorization": "Bearer not-a-jwt"},
        "expired": {"Authorization": f"Bearer {token_for(session, exp=int(time.time()) - 10)}"},
        "wrong_key": {"Authorization": "Bearer " + _token_signed_with_another_key(session)},
        "bad_role": {"Authorization": f"Bearer {token_for(session, role='root')}"},
        "basic": {"Authorization": "Basic dXNlcjpwYXNz"},
    }[credentials]
    with server.follow(session.pk, headers=headers) as socket:
        assert close_code(socket) == 4401


def _token_signed_with_another_key(session) -> str:
    import jwt

    claims = {"user_id": str(session.user_id), "role": "user", "exp": int(time.time()) + 60,
              "token_type": "access", "jti": "x"}
    return jwt.encode(claims, "another-key-entirely-and-long-enough-for-hs256", algorithm="HS256")


def test_another_users_session_and_an_unknown_one_close_4404_alike(server, session):
    stranger = bearer_token(uuid.uuid4(), "user")
    reasons = []
    for session_id in (session.pk, uuid.uuid4(), "not-a-uuid"):
        with server.follow(session_id, stranger) as socket:
            assert close_code(socket) == 4404
            reasons.append(socket.close_reason)
    assert len(set(reasons)) == 1


def test_an_agent_token_of_another_user_closes_4404(server, session):
    with server.follow(session.pk, bearer_token(uuid.uuid4(), "agent")) as socket:
        assert close_code(socket) == 4404


@pytest.mark.parametrize("after", ["abc", "-1", "999"])
def test_a_bad_cursor_closes_4400(server, session, after):
    with server.follow(session.pk, token_for(session), after=after) as socket:
        assert close_code(socket) == 4400


def test_a_token_that_expires_while_connected_closes_4401_at_expiry(server, session):
    token = token_for(session, exp=int(time.time()) + 3)
    with server.follow(session.pk, token) as socket:
        assert next_event(socket)["type"] == "snapshot"
        assert silent(socket, 1.0)
        started = time.monotonic()
        assert close_code(socket, timeout=6) == 4401
        assert time.monotonic() - started < 4


def test_staff_admin_session_cookie_works_from_this_sites_pages_only(server, session, admin_client):
    cookie = f"sessionid={admin_client.cookies['sessionid'].value}"
    with server.follow(session.pk, headers={"Cookie": cookie, "Origin": server.http}) as socket:
        assert next_event(socket)["type"] == "snapshot"
    with server.follow(session.pk, headers={"Cookie": cookie, "Origin": "https://evil.example"}) as socket:
        assert close_code(socket) == 4401
    with server.follow(session.pk, headers={"Cookie": cookie}) as socket:
        assert close_code(socket) == 4401


def test_a_non_staff_admin_login_is_refused(server, session, client, django_user_model):
    user = django_user_model.objects.create_user("plain", password="x")
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    with server.follow(session.pk, headers={"Cookie": cookie, "Origin": server.http}) as socket:
        assert close_code(socket) == 4401


def test_another_path_closes_4404(server, session):
    from websockets.sync.client import connect

    with connect(f"ws://127.0.0.1:{server.port}/ws/other/{session.pk}") as socket:
        assert close_code(socket) == 4404


def test_the_token_never_reaches_the_server_log(server, session):
    token = token_for(session)
    with server.follow(session.pk, token) as socket:
        next_event(socket)
    with server.follow(session.pk, subprotocols=["techspec.v1", f"bearer.{token}"]) as socket:
        next_event(socket)
    assert token.split(".")[2] not in server.log.read_text()


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
        page = admin_client.get(change_url(session))
        response = admin_client.post(change_url(session), change_post_data(page, progress_percentage="45"))
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


# --- resume ------------------------------------------------------------------------------


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
