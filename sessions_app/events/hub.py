"""One PostgreSQL LISTEN connection per ASGI process, fanning committed events out to its sockets.

The triggers of migration 0011 log each change in session_events and NOTIFY
`<session id> <seq>` at commit. The hub listens on one connection, reads the
announced rows on a second one (one query per batch of notifications, only for
sessions that have a socket in this process), encodes each event once and hands
the same text to every Subscription of that session. Batches are handled one after
another, so a session's events reach each subscription in cursor order.

If the LISTEN connection is lost (PostgreSQL restarted, the backend terminated),
notifications sent meanwhile are lost too: every subscription is told (`lost`), its
socket closes with 1012, and the client resumes from its cursor on a new hub.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import deque
from collections.abc import Callable

import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from psycopg import sql

from sessions_app.errors import Id, SessionNotFound, as_uuid
from sessions_app.selectors.events import EVENTS_NAMED_SQL, event_message

logger = logging.getLogger(__name__)

CHANNEL = "techspec_session_events"
APPLICATION_NAME = "techspec-events-listener"
_CONNECTION_KEYS = ("dbname", "user", "password", "host", "port", "sslmode", "connect_timeout", "options")


class Subscription:
    """One socket's bounded queue of live events of one session."""

    def __init__(self, hub: EventHub, session_id: uuid.UUID, limit: int):
        self.hub = hub
        self.session_id = session_id
        self.limit = limit
        self.items: deque[tuple[int, str]] = deque()
        self.overflowed = False
        self.lost = False
        self.on_stop: Callable[[Subscription], None] | None = None  # called once when overflowed or lost
        self._wake = asyncio.Event()

    def push(self, seq: int, text: str) -> None:
        if self.overflowed:
            return
        if len(self.items) >= self.limit:
            # The socket is not keeping up: stop buffering for it; it closes (4429) and resumes.
            self.overflowed = True
            self.items.clear()
            self.hub.unsubscribe(self)
            self._stopped()
        else:
            self.items.append((seq, text))
            self._wake.set()

    def mark_lost(self) -> None:
        self.lost = True
        self.items.clear()
        self._stopped()

    def _stopped(self) -> None:
        self._wake.set()
        if self.on_stop is not None:
            self.on_stop(self)

    async def wait(self) -> list[tuple[int, str]]:
        """The events queued so far (waiting for one); empty once overflowed or lost."""
        while not self.items and not (self.overflowed or self.lost):
            self._wake.clear()
            await self._wake.wait()
        batch = list(self.items)
        self.items.clear()
        return batch

    def close(self) -> None:
        self.hub.unsubscribe(self)


class EventHub:
    """The process's listener; `subscribe` returns only once LISTEN is in effect."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self._subscriptions: dict[uuid.UUID, set[Subscription]] = {}
        self._pending: deque[tuple[uuid.UUID, int]] = deque()
        self._wake = asyncio.Event()
        self._listening: asyncio.Future | None = None
        self._task: asyncio.Task | None = None

    async def subscribe(self, session_id: Id, *, limit: int) -> Subscription:
        """A subscription to one session's events; SessionNotFound for a malformed id."""
        session_id = as_uuid(session_id, SessionNotFound)
        if self._task is None or self._task.done():
            self._listening = self.loop.create_future()
            self._task = asyncio.create_task(self._run(self._listening))
        assert self._listening is not None  # set with the task above
        await asyncio.shield(self._listening)  # raises if PostgreSQL cannot be reached
        subscription = Subscription(self, session_id, limit)
        self._subscriptions.setdefault(session_id, set()).add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        subscribers = self._subscriptions.get(subscription.session_id)
        if subscribers is not None:
            subscribers.discard(subscription)
            if not subscribers:
                del self._subscriptions[subscription.session_id]

    async def _run(self, listening: asyncio.Future) -> None:
        try:
            conninfo, params = _connection_params()
            async with (
                await psycopg.AsyncConnection.connect(conninfo, **params) as listen,
                await psycopg.AsyncConnection.connect(conninfo, **params) as reader,
            ):
                await listen.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                await reader.execute("SET TIME ZONE 'UTC'")
                listening.set_result(True)
                fetcher = asyncio.create_task(self._fetch_forever(reader))
                try:
                    async for notify in listen.notifies():
                        self._note(notify.payload)
                finally:
                    fetcher.cancel()
        except (psycopg.Error, OSError, ImproperlyConfigured) as exc:
            if not listening.done():
                listening.set_exception(exc)
            else:
                logger.warning("events listener lost its PostgreSQL connection: %s", exc)
        finally:
            self._lose_all()

    def _note(self, payload: str) -> None:
        session_text, _, seq_text = payload.partition(" ")
        try:
            session_id, seq = uuid.UUID(session_text), int(seq_text)
        except ValueError:
            return  # not one of ours: anyone may NOTIFY on the channel
        if session_id in self._subscriptions:
            self._pending.append((session_id, seq))
            self._wake.set()

    async def _fetch_forever(self, reader: psycopg.AsyncConnection) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch = list(self._pending)
            self._pending.clear()
            if not batch:
                continue
            try:
                cursor = await reader.execute(
                    EVENTS_NAMED_SQL, [[s for s, _ in batch], [q for _, q in batch]], prepare=False
                )
                rows = await cursor.fetchall()
            except psycopg.Error as exc:
                logger.warning("events reader lost its PostgreSQL connection: %s", exc)
                assert self._task is not None  # this runs inside it
                self._task.cancel()
                return
            for row in rows:
                session_id, seq, text = event_message(row)
                for subscription in list(self._subscriptions.get(session_id, ())):
                    subscription.push(seq, text)

    def _lose_all(self) -> None:
        subscriptions = [s for group in self._subscriptions.values() for s in group]
        self._subscriptions.clear()
        self._pending.clear()
        for subscription in subscriptions:
            subscription.mark_lost()


def _connection_params() -> tuple[str, dict]:
    """EVENTS_DATABASE_URL, else the default database's parameters (not through PgBouncer:
    LISTEN needs a session of its own, which transaction pooling does not keep)."""
    extra = {"autocommit": True, "application_name": APPLICATION_NAME}
    if settings.EVENTS_DATABASE_URL:
        return settings.EVENTS_DATABASE_URL, extra
    if settings.DB_PGBOUNCER:
        raise ImproperlyConfigured(
            "Live events need a direct PostgreSQL connection: with DB_PGBOUNCER on, set EVENTS_DATABASE_URL "
            "to the primary itself (LISTEN does not work through transaction pooling)."
        )
    params = connections["default"].get_connection_params()
    return "", {**{key: params[key] for key in _CONNECTION_KEYS if params.get(key) not in (None, "")}, **extra}


_hub: EventHub | None = None


def event_hub() -> EventHub:
    """The hub of this process's event loop (a test that runs a second loop gets a second hub)."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop:
        _hub = EventHub(loop)
    return _hub
