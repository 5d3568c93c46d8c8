"""The events socket's guards against one caller, on a real uvicorn server with small limits:
handshakes count against the API's per-caller rate, sockets per caller are capped, and
an admin login needs the permission to view sessions."""

from __future__ import annotations

import time
import uuid
from contextlib import ExitStack

import pytest
from django.contrib.auth.models import Permission
from websockets.exceptions import ConnectionClosed

from sessions_app.choices import SessionStage, SessionStatus
from tests.factories import TechSpecSessionFactory
from tests.support.api import bearer_token
from tests.support.events_server import close_code, next_event, start_events_server
from tests.support.processes import stop_process, suite_database_url

pytestmark = pytest.mark.slow

USER_RATE = 5
MAX_SOCKETS = 2


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    url = suite_database_url()
    served = start_events_server(url, tmp_path_factory.mktemp("events-guards") / "uvicorn.log",
                                 API_USER_RATE=f"{USER_RATE}/min", API_GLOBAL_RATE="100000/min",
                                 EVENTS_MAX_SOCKETS_PER_CALLER=str(MAX_SOCKETS))
    yield served
    stop_process(served.process)


@pytest.fixture
def session(transactional_db):
    return TechSpecSessionFactory(status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.RESEARCH)


def test_handshakes_share_the_callers_api_rate_and_are_refused_4429_past_it(server, session):
    token = bearer_token(session.user_id, "user")
    status_path = f"/api/tech-spec/sessions/{session.pk}/status"
    for _ in range(USER_RATE - 2):
        assert server.request("GET", status_path, token)[0] == 200
    for _ in range(2):
        with server.follow(session.pk, token) as socket:
            assert next_event(socket)["type"] == "snapshot"
    with server.follow(session.pk, token) as socket:
        assert close_code(socket) == 4429
        assert "Too many requests" in socket.close_reason
    assert server.request("GET", status_path, token)[0] == 429  # the same count as the HTTP API's
    # Another role of the same user is another caller, with its own budget.
    with server.follow(session.pk, bearer_token(session.user_id, "agent")) as socket:
        assert next_event(socket)["type"] == "snapshot"


def test_a_caller_holding_the_maximum_of_sockets_is_refused_4429_and_others_are_not(server, session):
    token = bearer_token(session.user_id, "user")
    other = bearer_token(uuid.uuid4(), "staff")
    with ExitStack() as stack:
        held = [stack.enter_context(server.follow(session.pk, token)) for _ in range(MAX_SOCKETS)]
        for socket in held:
            assert next_event(socket)["type"] == "snapshot"
        with server.follow(session.pk, token) as extra:
            assert close_code(extra) == 4429
            assert "open sockets" in extra.close_reason
        with server.follow(session.pk, other) as socket:
            assert next_event(socket)["type"] == "snapshot"
        agent = bearer_token(session.user_id, "agent")
        assert server.request("PATCH", f"/api/sessions/{session.pk}/", agent, {"progress_percentage": 40})[0] == 200
        for socket in held:  # the refusal touched nothing of the caller's open sockets
            assert next_event(socket)["type"] == "session.updated"
        held[0].close()
        # A closed socket gives its place back (once the server has seen the close).
        deadline = time.monotonic() + 10
        while True:
            with server.follow(session.pk, token) as socket:
                try:
                    first = next_event(socket)
                    break
                except ConnectionClosed:
                    if time.monotonic() > deadline:
                        raise
            time.sleep(0.1)
        assert first["type"] == "snapshot"


def _admin_cookie(client, user) -> dict:
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def test_a_staff_login_without_the_view_permission_is_refused_4401(server, session, client, django_user_model):
    user = django_user_model.objects.create_user("helpdesk", password="x", is_staff=True)
    with server.follow(session.pk, headers={**_admin_cookie(client, user), "Origin": server.http}) as socket:
        assert close_code(socket) == 4401


def test_a_staff_login_with_the_view_permission_and_a_superuser_follow_the_session(
        server, session, client, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_techspecsession"))
    superuser = django_user_model.objects.create_superuser("root", password="x")
    for user in (viewer, superuser):
        with server.follow(session.pk, headers={**_admin_cookie(client, user), "Origin": server.http}) as socket:
            assert next_event(socket)["type"] == "snapshot"


def test_a_staff_login_socket_closes_4401_after_session_cookie_age(
        django_db_setup, tmp_path_factory, session, admin_client):
    url = suite_database_url()
    served = start_events_server(url, tmp_path_factory.mktemp("events-cookie-age") / "uvicorn.log",
                                 SESSION_COOKIE_AGE="3")
    try:
        cookie = {"Cookie": f"sessionid={admin_client.cookies['sessionid'].value}", "Origin": served.http}
        with served.follow(session.pk, headers=cookie) as socket:
            assert next_event(socket)["type"] == "snapshot"
            started = time.monotonic()
            assert close_code(socket, timeout=8) == 4401
            assert 1.5 < time.monotonic() - started < 5
            assert "expired" in socket.close_reason
    finally:
        stop_process(served.process)
