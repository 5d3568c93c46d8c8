"""The events socket of one session: a snapshot, the events a resuming client missed, then live ones.

Close codes (README, "Events"): 4400 bad cursor, 4401 no or invalid token (and at the
token's expiry), 4404 unknown session or another user's (the same), 4429 too slow (the
socket's buffer of unsent events filled up) or too many (the caller is over API_USER_RATE,
each handshake counting as one API request, or already holds EVENTS_MAX_SOCKETS_PER_CALLER
sockets on this process), 1011 events not configured (see
EVENTS_DATABASE_URL), 1012 the server lost its PostgreSQL listener (resume with the
cursor), 1013 PostgreSQL unreachable (try again later).

Order of work on connect, which is what makes the seam between replay and live exact:
subscribe to the hub first (LISTEN is in effect), then read the snapshot and the
missed events; live events queued meanwhile with a cursor at or below the last one
sent are dropped, and a live event past a gap is preceded by the gap read from the table.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import parse_qs

import psycopg
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from sessions_app.api.serializers import StatusSummaryOutput
from sessions_app.api.throttling import count_call
from sessions_app.errors import SessionNotFound
from sessions_app.events.auth import NotAuthenticated, offered_subprotocol, socket_caller
from sessions_app.events.hub import Subscription, event_hub
from sessions_app.selectors.events import (
    REPLAY_PAGE,
    CursorAhead,
    session_events_after,
    session_events_open,
    snapshot_event,
)

logger = logging.getLogger(__name__)

BAD_CURSOR, UNAUTHENTICATED, NOT_FOUND, TOO_SLOW = 4400, 4401, 4404, 4429
TOO_MANY = 4429  # the same code as TOO_SLOW: back off, then reconnect with the cursor
SERVER_ERROR, SERVICE_RESTART, TRY_AGAIN_LATER = 1011, 1012, 1013


# Open sockets per caller (the throttle's key) in this process; touched only on the event loop.
_open_sockets: Counter[str] = Counter()


class BadCursor(ValueError):
    pass


def _after(scope) -> int | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("after")
    if not values:
        return None
    try:
        after = int(values[-1])
    except ValueError:
        raise BadCursor("after must be a cursor (a non-negative integer) from an earlier event.") from None
    if after < 0:
        raise BadCursor("after must be a cursor (a non-negative integer) from an earlier event.")
    return after


async def _open_with_one_retry(**kwargs):
    """session_events_open, tried a second time after a database error.

    The hub has just reached PostgreSQL, so a failure here is most likely a dead connection
    left from before a PostgreSQL restart: Django's pool checks and drops its idle ones, but
    dropping two of them can outlast DB_POOL_TIMEOUT (the check loop backs off), and the
    first client to resume after the restart would be told 1013 while PostgreSQL is up
    (tests/events/test_pg_restart.py). One retry gets a fresh connection; a real outage
    still ends in 1013.
    """
    try:
        return await database_sync_to_async(session_events_open)(**kwargs)
    except (psycopg.Error, DatabaseError, OSError):
        logger.info("events socket: retrying the snapshot read once after a database error", exc_info=True)
    return await database_sync_to_async(session_events_open)(**kwargs)


class SessionEventsConsumer(AsyncWebsocketConsumer):
    """Follows one session's committed changes for a caller allowed to see it."""

    subscription: Subscription | None = None
    _pump: asyncio.Task | None = None
    _expiry: asyncio.TimerHandle | None = None
    _stopping = False
    _slot: str | None = None  # the caller key this socket holds a place of in _open_sockets

    async def connect(self):
        subprotocol = offered_subprotocol(self.scope)
        try:
            who = await database_sync_to_async(socket_caller)(self.scope)
            after = _after(self.scope)
        except NotAuthenticated as exc:
            return await self._refuse(subprotocol, UNAUTHENTICATED, str(exc))
        except BadCursor as exc:
            return await self._refuse(subprotocol, BAD_CURSOR, str(exc))
        except (psycopg.Error, DatabaseError, OSError):
            logger.warning("events socket refused: PostgreSQL unreachable", exc_info=True)
            return await self._refuse(subprotocol, TRY_AGAIN_LATER, "Database unavailable, try again later.")
        if _open_sockets[who.rate_key] >= settings.EVENTS_MAX_SOCKETS_PER_CALLER:
            return await self._refuse(subprotocol, TOO_MANY, "Too many open sockets: close one first.")
        _open_sockets[who.rate_key] += 1
        self._slot = who.rate_key
        session_id = self.scope["url_route"]["kwargs"]["session_id"]
        try:
            # A handshake costs a snapshot and maybe a whole replay: it is one request of the
            # caller's API_USER_RATE (the global limit stays the HTTP API's own).
            verdict = await database_sync_to_async(count_call)(key=who.rate_key, role=who.caller.role,
                                                               global_limit=False)
            if not verdict.allowed:
                wait = int(verdict.seconds_to_wait or 0) + 1
                return await self._refuse(subprotocol, TOO_SLOW, f"Too many requests: try again in {wait} s.")
            # Subscribed before the snapshot is read: nothing committed after it is missed.
            self.subscription = await event_hub().subscribe(session_id, limit=settings.EVENTS_SOCKET_BUFFER)
            opening = await _open_with_one_retry(session_id=session_id, owner_id=who.caller.owner_scope, after=after)
        except SessionNotFound:
            return await self._refuse(subprotocol, NOT_FOUND, "Session not found.")
        except CursorAhead as exc:
            return await self._refuse(subprotocol, BAD_CURSOR, str(exc))
        except (psycopg.Error, DatabaseError, OSError):
            logger.warning("events socket refused: PostgreSQL unreachable", exc_info=True)
            return await self._refuse(subprotocol, TRY_AGAIN_LATER, "Database unavailable, try again later.")
        except ImproperlyConfigured as exc:
            logger.error("events socket refused: %s", exc)
            return await self._refuse(subprotocol, SERVER_ERROR, "Live events are not configured on this server.")
        await self.accept(subprotocol)
        if who.expires_at is not None:
            delay = (who.expires_at - datetime.now(UTC)).total_seconds()
            self._expiry = asyncio.get_running_loop().call_later(
                max(delay, 0), lambda: asyncio.ensure_future(self._stop(UNAUTHENTICATED, who.expired_reason))
            )
        self.subscription.on_stop = self._on_subscription_stop
        if self.subscription.overflowed or self.subscription.lost:  # while the snapshot was read
            return self._on_subscription_stop(self.subscription)
        summary = StatusSummaryOutput(opening.summary).data
        await self.send(snapshot_event(opening, summary, datetime.now(UTC)))
        self._pump = asyncio.ensure_future(self._send_events(opening))

    async def _refuse(self, subprotocol, code: int, reason: str):
        # Accept, then close: a refused handshake would be a bare HTTP 403 without the code.
        self._release()
        await self.accept(subprotocol)
        await self.close(code=code, reason=reason)

    async def _send_events(self, opening) -> None:
        session_id = opening.summary.id
        last = opening.cursor
        page, more = opening.missed, opening.more
        while page:
            for _, seq, text in page:
                await self.send(text)
                last = seq
            page = await database_sync_to_async(session_events_after)(session_id=session_id, after=last) if more else []
            more = len(page) == REPLAY_PAGE
        assert self.subscription is not None  # connect() subscribed before starting this pump
        while True:
            batch = await self.subscription.wait()
            if not batch:
                return  # stopped: on_stop closes the socket
            for seq, text in batch:
                if seq <= last:
                    continue  # already sent by the replay
                while seq > last + 1:
                    # Committed before we subscribed but announced after: read it from the table.
                    gap = await database_sync_to_async(session_events_after)(
                        session_id=session_id, after=last, limit=seq - last - 1
                    )
                    if not gap:
                        break
                    for _, gap_seq, gap_text in gap:
                        await self.send(gap_text)
                        last = gap_seq
                await self.send(text)
                last = seq

    def _on_subscription_stop(self, subscription: Subscription) -> None:
        if subscription.overflowed:
            asyncio.ensure_future(self._stop(TOO_SLOW, "Too slow: reconnect with ?after=<last cursor>."))
        else:
            asyncio.ensure_future(self._stop(SERVICE_RESTART, "Events restarted: reconnect with ?after=<last cursor>."))

    async def _stop(self, code: int, reason: str) -> None:
        if self._stopping:
            return
        self._stopping = True
        self._release()
        await self.close(code=code, reason=reason)

    def _release(self) -> None:
        if self._pump is not None and self._pump is not asyncio.current_task():
            self._pump.cancel()
        if self._expiry is not None:
            self._expiry.cancel()
        if self.subscription is not None:
            self.subscription.close()
        if self._slot is not None:
            _open_sockets[self._slot] -= 1
            if not _open_sockets[self._slot]:
                del _open_sockets[self._slot]
            self._slot = None

    async def receive(self, text_data=None, bytes_data=None):
        pass  # the stream is one-way; a client's messages are ignored

    async def disconnect(self, code):
        self._stopping = True
        self._release()


class NoRouteConsumer(AsyncWebsocketConsumer):
    """Any other WebSocket path: 4404, like an unknown session."""

    async def connect(self):
        await self.accept(offered_subprotocol(self.scope))
        await self.close(code=NOT_FOUND, reason="No such WebSocket endpoint.")
