"""PostgreSQL itself restarts under the events server: sockets are told (1012), a client that
comes back while it is down is told to try later (1013), and once it is up again the client
resumes with its cursor and gets exactly what it missed, in order, then live events.

The test runs its own embedded PostgreSQL in a temporary folder (the private_postgres
fixture), so stopping it harms neither the shared test server nor anything else;
every process it starts is bounded in time and stopped in `finally`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import psycopg
import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.api import bearer_token
from tests.support.events_server import EventsServer, next_event, silent, start_events_server
from tests.support.processes import ROOT, stop_process

pytestmark = pytest.mark.slow

SERVICE_RESTART, TRY_AGAIN_LATER = 1012, 1013
MAKE_SESSION = (
    "import django; django.setup()\n"
    "from tests.factories import TechSpecSessionFactory\n"
    "s = TechSpecSessionFactory(); print(s.pk, s.user_id)\n"
)


def _django(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "techspec_project.settings_test"}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


def write_messages(url: str, session_id: str, texts: list[str]) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for text in texts:
            conn.execute("INSERT INTO tech_conversations (session_id, role, message, message_type, metadata)"
                         " VALUES (%s, 'agent', %s, 'text', '{}')", [session_id, text])


def read_until_closed(socket, seconds: float) -> tuple[list[dict], int, float]:
    """Every event still sent, the close code and how long the close took; fails after `seconds`."""
    started = time.monotonic()
    received = []
    try:
        while time.monotonic() - started < seconds:
            received.append(json.loads(socket.recv(timeout=max(seconds - (time.monotonic() - started), 0.01))))
    except ConnectionClosed as closed:
        return received, (closed.rcvd.code if closed.rcvd else 1006), time.monotonic() - started
    except TimeoutError:
        pass
    raise AssertionError(f"the socket was not closed within {seconds} s")


def refused_code(server: EventsServer, session_id, token, after) -> int | None:
    """The close code of a socket refused right after the handshake, None if it stays open."""
    with server.follow(session_id, token, after=after) as socket:
        try:
            socket.recv(timeout=5)
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else 1006
    return None


@pytest.fixture(params=["connection-per-request", "pool"])
def world(request, private_postgres, tmp_path):
    pg = private_postgres
    url = pg.create_database("techspec_restart")
    _django(url, "manage.py", "migrate", "--noinput")
    session_id, user_id = _django(url, "-c", MAKE_SESSION).split()
    # DB_CONNECT_TIMEOUT bounds each attempt while PostgreSQL is down; DB_POOL is production's shape.
    extra = {"DB_CONNECT_TIMEOUT": "1", "DB_POOL": "true" if request.param == "pool" else "false"}
    server = start_events_server(url, tmp_path / "uvicorn.log", **extra)
    try:
        yield pg, url, server, session_id, bearer_token(user_id, "user")
    finally:
        stop_process(server.process)


def test_a_postgres_restart_tells_clients_and_they_resume_without_loss(world):
    pg, url, server, session_id, token = world
    with server.follow(session_id, token) as socket:
        assert next_event(socket)["type"] == "snapshot"
        write_messages(url, session_id, ["before the stop"])
        seen = [next_event(socket)]
        # Committed just before the stop: the socket may or may not carry them before it closes.
        write_messages(url, session_id, ["committed just before 1", "committed just before 2"])
        pg.stop()
        try:
            tail, code, seconds = read_until_closed(socket, 15)
            assert code == SERVICE_RESTART, f"closed {code}:\n{server.log_tail()}"
            assert seconds < 10
            seen += tail
            # A client that comes back while PostgreSQL is down is told to try again later, quickly.
            started = time.monotonic()
            assert refused_code(server, session_id, token, seen[-1]["cursor"]) == TRY_AGAIN_LATER
            assert time.monotonic() - started < 8
        finally:
            pg.start()

    after = [f"after the restart {n}" for n in range(5)]
    write_messages(url, session_id, after)
    # The client resumes with its cursor, as README "Events" says to after 1012/1013. PostgreSQL is
    # accepting connections again, so the first attempt must succeed: a server that kept dead
    # connections (its pool's, Django's, the hub's) would refuse it with 1013 or fail it.
    with server.follow(session_id, token, after=seen[-1]["cursor"]) as resumed:
        snapshot = next_event(resumed)
        assert snapshot["type"] == "snapshot" and snapshot["cursor"] == 8
        missed = [next_event(resumed) for _ in range(8 - seen[-1]["cursor"])]
        write_messages(url, session_id, ["live again"])
        live = next_event(resumed)
        assert silent(resumed, 0.5)
    everything = seen + missed + [live]
    assert [e["cursor"] for e in everything] == list(range(1, 10))
    assert [e["data"]["message"] for e in everything] == [
        "before the stop", "committed just before 1", "committed just before 2", *after, "live again",
    ]
