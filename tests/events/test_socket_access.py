"""Who may follow a session on the events WebSocket: the owner, the agent and staff by token,
staff by this site's admin cookie; anyone else, any bad credential or cursor is closed with its code."""

from __future__ import annotations

import time
import uuid

import pytest

from tests.support.api import bearer_token, token_for
from tests.support.events_server import close_code, next_event, silent

pytestmark = pytest.mark.slow


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
