"""Reads of the session event log (session_events): what a WebSocket client is sent.

One SQL text serves the replay (Django's connection, in a worker thread) and the live
fan-out (the events hub's own async psycopg connection), so both send the same shape.
A conversation message or an error is logged with its ids and small fields only (a
NOTIFY payload and the log stay small); its text is read from its table here.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from sessions_app.errors import Id
from sessions_app.selectors.sessions import SessionStatusSummary, session_status_summary

REPLAY_PAGE = 500

_EVENT_COLUMNS = """
SELECT e.session_id, e.seq, e.kind, e.created_at, e.data,
       c.message, c.metadata, c.research_id, c.timestamp, l.message
  FROM session_events e
  LEFT JOIN tech_conversations c ON e.kind = 'conversation.message' AND c.id = e.object_id
  LEFT JOIN agent_error_logs l ON e.kind = 'error.logged' AND l.id = e.object_id
"""

# A page of one session's events after a cursor, through the (session_id, seq) primary key.
EVENTS_AFTER_SQL = _EVENT_COLUMNS + " WHERE e.session_id = %s AND e.seq > %s ORDER BY e.seq LIMIT %s"

# Events named by (session, seq) pairs, e.g. those announced by a batch of NOTIFYs.
EVENTS_NAMED_SQL = (
    _EVENT_COLUMNS
    + " JOIN unnest(%s::uuid[], %s::bigint[]) AS w(session_id, seq)"
    + " ON e.session_id = w.session_id AND e.seq = w.seq ORDER BY e.session_id, e.seq"
)


def encode(event: dict) -> str:
    return json.dumps(event, cls=DjangoJSONEncoder, separators=(",", ":"))


def _json(value):
    # Django's connection hands jsonb over as text (JSONField parses it); psycopg's own, parsed.
    return json.loads(value) if isinstance(value, str) else value


def event_message(row) -> tuple[uuid.UUID, int, str]:
    """(session id, cursor, JSON text) of one event row of the SQL above."""
    session_id, seq, kind, created_at, data, message, metadata, research_id, timestamp, error_message = row
    data = _json(data)
    if kind == "conversation.message":
        data.update(message=message, metadata=_json(metadata), research_id=research_id, timestamp=timestamp)
    elif kind == "error.logged":
        data["message"] = error_message
    event = {"type": kind, "session_id": session_id, "cursor": seq, "timestamp": created_at, "data": data}
    return session_id, seq, encode(event)


@dataclass(frozen=True)
class EventsOpening:
    """What a new subscriber is sent first: the status now, and the events it missed."""

    summary: SessionStatusSummary
    cursor: int  # the last event the summary reflects
    missed: list[tuple[uuid.UUID, int, str]]  # events after the client's cursor, at most REPLAY_PAGE
    more: bool  # more missed events than one page


def _last_seq(session_id: uuid.UUID) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_seq FROM session_event_counters WHERE session_id = %s", [session_id])
        row = cursor.fetchone()
    return row[0] if row else 0


def session_events_open(*, session_id: Id, owner_id: Id | None, after: int | None) -> EventsOpening:
    """The status summary, its cursor and the first page of events after `after`, from one snapshot.

    REPEATABLE READ: the summary and the cursor describe the same committed state, so a
    client that starts live after that cursor misses nothing the summary did not show.
    SessionNotFound for an unknown session or another owner's. `after` beyond the
    session's last event is a CursorAhead.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        summary = session_status_summary(session_id=session_id, owner_id=owner_id)
        pk = summary.id
        cursor_now = _last_seq(pk)
        if after is None:
            return EventsOpening(summary=summary, cursor=cursor_now, missed=[], more=False)
        if after > cursor_now:
            raise CursorAhead(after, cursor_now)
        missed = session_events_after(session_id=pk, after=after)
        return EventsOpening(summary=summary, cursor=cursor_now, missed=missed, more=len(missed) == REPLAY_PAGE)


def session_events_after(*, session_id: uuid.UUID, after: int, limit: int = REPLAY_PAGE):
    """Up to `limit` events of one session after a cursor, oldest first, as (session, cursor, JSON)."""
    with connection.cursor() as cursor:
        cursor.execute(EVENTS_AFTER_SQL, [session_id, after, limit])
        return [event_message(row) for row in cursor.fetchall()]


class CursorAhead(Exception):
    """A resume cursor beyond the session's last event: not a cursor this server gave out."""

    def __init__(self, after: int, last: int):
        super().__init__(f"Cursor {after} is beyond this session's last event ({last}).")


def snapshot_event(opening: EventsOpening, summary_data: dict, now: datetime) -> str:
    """The first message of every connection: what `…/status` returns, with the cursor it reflects."""
    return encode({
        "type": "snapshot", "session_id": opening.summary.id, "cursor": opening.cursor,
        "timestamp": now, "data": summary_data,
    })
