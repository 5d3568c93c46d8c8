"""Nothing lost, nothing twice: the seam between replay and live, concurrent writers,
a client too slow to keep up, and the loss of the server's LISTEN connection."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import psycopg
import pytest
from asgiref.testing import ApplicationCommunicator
from django.db import connection
from websockets.exceptions import ConnectionClosed

from sessions_app.events import consumer as consumer_module
from tests.factories import TechSpecSessionFactory
from tests.support.api import bearer_token
from tests.support.events_server import StalledClient, close_code, events, next_event, silent, start_events_server
from tests.support.processes import stop_process, suite_database_url

pytestmark = pytest.mark.slow

SOCKET_BUFFER = 20


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    served = start_events_server(suite_database_url(), tmp_path_factory.mktemp("events") / "uvicorn.log",
                                 EVENTS_SOCKET_BUFFER=str(SOCKET_BUFFER))
    yield served
    stop_process(served.process)


@pytest.fixture
def session(transactional_db):
    return TechSpecSessionFactory()


def write_messages(session_id, texts, url=None) -> None:
    """Each message in its own transaction, from a connection of its own (another process's worker)."""
    with psycopg.connect(url or suite_database_url(), autocommit=True) as conn:
        for text in texts:
            conn.execute("INSERT INTO tech_conversations (session_id, role, message, message_type, metadata)"
                         " VALUES (%s, 'agent', %s, 'text', '{}')", [session_id, text])


# --- the seam between the replay and the live stream (in-process, timed exactly) --------


class Socket(ApplicationCommunicator):
    """The ASGI application driven in this process (channels.testing would need daphne)."""

    async def connect(self) -> bool:
        await self.send_input({"type": "websocket.connect"})
        return (await self.receive_output(5))["type"] == "websocket.accept"

    async def receive_from(self, timeout: float = 5) -> str:
        message = await self.receive_output(timeout)
        assert message["type"] == "websocket.send", message
        return message["text"]

    async def disconnect(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(5)


def _follow_in_process(session, *, after=None):
    from techspec_project.asgi import application

    token = bearer_token(session.user_id, "user")
    return Socket(application, {
        "type": "websocket", "path": f"/ws/tech-spec/{session.pk}", "subprotocols": [],
        "query_string": b"" if after is None else f"after={after}".encode(),
        "headers": [(b"authorization", f"Bearer {token}".encode())],
    })


def test_a_write_between_subscribing_and_the_snapshot_arrives_once(session, monkeypatch):
    opened = consumer_module.session_events_open

    def write_then_open(**kwargs):
        write_messages(session.pk, ["between"])
        time.sleep(0.5)  # the hub has the NOTIFY and queues the event for the new subscriber
        return opened(**kwargs)

    monkeypatch.setattr(consumer_module, "session_events_open", write_then_open)

    async def scenario():
        communicator = _follow_in_process(session)
        assert await communicator.connect()
        snapshot = json.loads(await communicator.receive_from(timeout=5))
        await asyncio.to_thread(write_messages, session.pk, ["after"])
        event = json.loads(await communicator.receive_from(timeout=5))
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return snapshot, event

    snapshot, event = asyncio.run(scenario())
    assert snapshot["cursor"] == 1  # the snapshot already reflects "between" ...
    assert (event["cursor"], event["data"]["message"]) == (2, "after")  # ... so its live copy was dropped


def test_a_write_between_the_snapshot_and_the_live_stream_is_not_lost(session, monkeypatch):
    opened = consumer_module.session_events_open

    def open_then_write(**kwargs):
        opening = opened(**kwargs)
        write_messages(session.pk, ["right after the snapshot"])
        time.sleep(0.5)
        return opening

    monkeypatch.setattr(consumer_module, "session_events_open", open_then_write)

    async def scenario():
        communicator = _follow_in_process(session)
        assert await communicator.connect()
        snapshot = json.loads(await communicator.receive_from(timeout=5))
        event = json.loads(await communicator.receive_from(timeout=5))
        await communicator.disconnect()
        return snapshot, event

    snapshot, event = asyncio.run(scenario())
    assert snapshot["cursor"] == 0
    assert (event["cursor"], event["data"]["message"]) == (1, "right after the snapshot")


def test_a_resume_racing_a_write_replays_and_continues_without_gap_or_duplicate(session, monkeypatch):
    write_messages(session.pk, ["one", "two"])
    opened = consumer_module.session_events_open

    def write_then_open(**kwargs):
        write_messages(session.pk, ["three"])
        time.sleep(0.5)
        return opened(**kwargs)

    monkeypatch.setattr(consumer_module, "session_events_open", write_then_open)

    async def scenario():
        communicator = _follow_in_process(session, after=1)
        assert await communicator.connect()
        received = [json.loads(await communicator.receive_from(timeout=5)) for _ in range(3)]
        assert await communicator.receive_nothing(timeout=0.5)
        await communicator.disconnect()
        return received

    snapshot, *replayed = asyncio.run(scenario())
    assert snapshot["cursor"] == 3
    assert [(e["cursor"], e["data"]["message"]) for e in replayed] == [(2, "two"), (3, "three")]


# --- many writers, many readers, reconnects: every reader sees every event once, in order ----


def test_concurrent_writers_and_reconnecting_readers_lose_and_repeat_nothing(server, session):
    writers, per_writer = 3, 80
    total = writers * per_writer
    token = bearer_token(session.user_id, "user")
    failures: list[str] = []
    cut_off: list[int] = []

    def reader(index: int) -> None:
        try:
            after = None
            seen: list[int] = []
            while not seen or seen[-1] < total:
                # Read some events, then drop the connection and resume (odd readers), or read on;
                # a reader cut off as too slow (4429) resumes too, as the protocol says.
                with server.follow(session.pk, token, after=after) as socket:
                    try:
                        first = next_event(socket)
                        if not seen:
                            seen.append(first["cursor"])
                        for _ in range(30 if index % 2 else total):
                            if seen[-1] >= total:
                                break
                            seen.append(next_event(socket, timeout=20)["cursor"])
                    except ConnectionClosed as closed:
                        if closed.rcvd is None or closed.rcvd.code != 4429:
                            raise
                        cut_off.append(index)
                    after = seen[-1] if seen else None
            if seen != list(range(seen[0], total + 1)):
                failures.append(f"reader {index}: {seen[:5]}... not contiguous")
        except Exception as exc:
            failures.append(f"reader {index}: {exc!r}")

    readers = [threading.Thread(target=reader, args=(i,)) for i in range(6)]
    writer_threads = [
        threading.Thread(target=write_messages, args=(session.pk, [f"w{w}-{n}" for n in range(per_writer)]))
        for w in range(writers)
    ]
    for thread in readers[:3]:
        thread.start()
    time.sleep(0.3)
    for thread in writer_threads:
        thread.start()
    for thread in readers[3:]:  # these subscribe while the writers are committing
        thread.start()
    for thread in [*writer_threads, *readers]:
        thread.join(timeout=120)
    assert not failures, failures
    with connection.cursor() as c:
        c.execute("SELECT count(*), min(seq), max(seq) FROM session_events WHERE session_id = %s", [session.pk])
        assert c.fetchone() == (total, 1, total)


# --- backpressure ------------------------------------------------------------------------


def test_a_slow_client_is_closed_4429_while_others_continue_and_it_resumes(server, session):
    token = bearer_token(session.user_id, "user")
    count = 200
    slow = StalledClient(server, session.pk, token)
    with server.follow(session.pk, token) as fast:
        next_event(fast)
        texts = [f"{n} " + "x" * 50_000 for n in range(count)]  # 10 MB
        # Written ten at a time, each ten read by the reading client before the next: it is never
        # more than half its buffer behind, so only the stalled client can overflow, however busy
        # the machine (written all at once, a starved server let the reader fall 20 behind too).
        fast_cursors = []
        for start in range(0, count, 10):
            write_messages(session.pk, texts[start:start + 10])
            fast_cursors += [e["cursor"] for e in events(fast, 10, timeout=30)]
        assert silent(fast, 0.5)
    received, code = slow.drain()
    assert fast_cursors == list(range(1, count + 1))
    assert code == 4429
    snapshot, *slow_events = received
    slow_cursors = [e["cursor"] for e in slow_events]
    assert len(slow_cursors) < count
    assert slow_cursors == list(range(1, len(slow_cursors) + 1))
    with server.follow(session.pk, token, after=slow_cursors[-1] if slow_cursors else 0) as resumed:
        next_event(resumed)
        rest = [e["cursor"] for e in events(resumed, count - len(slow_cursors), timeout=30)]
    assert slow_cursors + rest == list(range(1, count + 1))


# --- the LISTEN connection is lost (PostgreSQL restarted, the backend terminated) -----------


def test_losing_the_listen_connection_closes_1012_and_clients_resume_without_loss(server, session):
    token = bearer_token(session.user_id, "user")
    with server.follow(session.pk, token) as socket:
        next_event(socket)
        write_messages(session.pk, ["before"])
        last = next_event(socket)["cursor"]
        with psycopg.connect(suite_database_url(), autocommit=True) as conn:
            terminated = conn.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = 'techspec-events-listener' AND datname = current_database()"
            ).fetchone()[0]
        assert terminated >= 1
        assert close_code(socket) == 1012
    write_messages(session.pk, ["while away 1", "while away 2"])
    with server.follow(session.pk, token, after=last) as socket:
        snapshot = next_event(socket)
        missed = events(socket, 2)
        write_messages(session.pk, ["live again"])
        live = next_event(socket)
        assert silent(socket, 0.5)
    assert snapshot["cursor"] == 3
    assert [e["data"]["message"] for e in [*missed, live]] == ["while away 1", "while away 2", "live again"]
    assert [e["cursor"] for e in [*missed, live]] == [2, 3, 4]
