"""A session's timeline: messages, research, decisions, state changes, TRD versions and errors, newest first.

One query: a UNION ALL of one branch per kind, each reading only its own
newest `limit + 1` rows of the session through an index on session_id, so a
page costs the same for a session with 10 messages as for one with 10,000.
Pages are keyset pages on (at, kind, id), descending; the cursor is opaque.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection

from sessions_app.errors import Id, InvalidCursor
from techspec_project.uuids import lenient_uuid

TIMELINE_PAGE = 50
BODY_CHARS = 4_000

# kind -> (table, time column, title SQL, body SQL, label SQL, extra WHERE). Only what a page
# shows is read: the first BODY_CHARS of a text, never a whole TRD or stack trace.
BRANCHES: dict[str, tuple[str, str, str, str, str, str]] = {
    "message": ("tech_conversations", "timestamp", "role", "left(message, %(chars)s)", "message_type", ""),
    "research": ("tech_research", "created_at", "technology_category", "left(gap_description, %(chars)s)",
                 "''", ""),
    "decision": ("tech_research", "decision_timestamp", "technology_category",
                 "left(selection_reasoning, %(chars)s)", "selected_technology",
                 "AND decision_timestamp IS NOT NULL"),
    "trd": ("generated_trd_documents", "created_at", "'version ' || version",
            "coalesce('quality score ' || quality_score::text, 'not scored')", "''", ""),
    "error": ("agent_error_logs", "created_at", "node || ' · ' || error_type", "left(message, %(chars)s)",
              "CASE WHEN recovered THEN 'recovered' ELSE 'open' END", ""),
}
# State changes: the session's start and every recorded status or stage change (below).
STATE_KIND = "state"
KINDS: tuple[str, ...] = ("message", "research", "decision", STATE_KIND, "trd", "error")
# A decoded page cursor: (at, kind, id) of the last entry shown.
Cursor = tuple[datetime, str, uuid.UUID]
KIND_LABELS = {
    "message": "Messages", "research": "Research", "decision": "Decisions", STATE_KIND: "State changes",
    "trd": "TRD versions", "error": "Errors",
}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened in a session (text fields are raw, untrusted content)."""

    at: datetime
    kind: str
    id: uuid.UUID
    title: str
    body: str
    label: str


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: str | None
    # The session's last event (session_events.seq) when the page was read, from the same statement,
    # so the same snapshot: a live reader resuming after it misses nothing the page did not show.
    events_cursor: int = 0


def encode_timeline_cursor(entry: TimelineEntry) -> str:
    raw = f"{entry.at.isoformat()}|{entry.kind}|{entry.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_timeline_cursor(cursor: str) -> Cursor:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, kind, pk = base64.urlsafe_b64decode(padded).decode().split("|")
        moment, key = datetime.fromisoformat(at), lenient_uuid(pk)
    except (TypeError, ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(cursor) from None
    if key is None or moment.tzinfo is None or kind not in KINDS:
        raise InvalidCursor(cursor)
    return moment, kind, key


def _keyset(kind: str, column: str, cursor: Cursor | None, params: dict[str, Any]) -> str:
    """This branch's part of (at, kind, id) < cursor, written so the branch's index can serve it."""
    if cursor is None:
        return ""
    at, cursor_kind, pk = cursor
    params.update(c_at=at, c_id=pk)
    if kind < cursor_kind:
        return f"AND {column} <= %(c_at)s"
    if kind > cursor_kind:
        return f"AND {column} < %(c_at)s"
    return f"AND ({column}, id) < (%(c_at)s, %(c_id)s)"


def _branch(kind: str, cursor: Cursor | None, params: dict[str, Any]) -> str:
    table, column, title, body, label, extra = BRANCHES[kind]
    column = f'"{column}"'
    keyset = _keyset(kind, column, cursor, params)
    # Every name below is a constant of BRANCHES; values travel as parameters.
    return (
        f"(SELECT {column} AS at, '{kind}' AS kind, id, {title} AS title, {body} AS body, {label} AS label "  # noqa: S608
        f"FROM {table} WHERE session_id = %(session)s {extra} {keyset} "
        f"ORDER BY {column} DESC, id DESC LIMIT %(limit)s)"
    )


# A state change is a `session.updated` event whose status or stage differs from the one it left
# (migration 0012 records both). Progress-only ticks are left out: a run reports progress many
# times per stage, and a staff reader looking for "when did it fail / wait for the user" needs
# the transitions, each of which shows the progress it happened at. Word for word the predicate
# of the partial index session_events_state_idx, so the branch reads that index.
STATE_CHANGE_SQL = """kind = 'session.updated' AND ((data->>'status') IS DISTINCT FROM (data->>'previous_status')
    OR (data->>'current_stage') IS DISTINCT FROM (data->>'previous_stage'))"""
# An event has no uuid of its own; its per-session seq, as the uuid 00000000-0000-0000-0000-<seq in hex>,
# sorts like the seq and is what the live script (session_events.js) names the same entry by.
_EVENT_ID_PREFIX = "00000000-0000-0000-0000-"
_EVENT_ID = f"('{_EVENT_ID_PREFIX}' || lpad(to_hex(seq), 12, '0'))::uuid"
_CHANGE = ("CASE WHEN {new} IS DISTINCT FROM {old} THEN '{name} ' || "
           "coalesce(replace({old}, '_', ' ') || ' → ', '') || replace({new}, '_', ' ') END")
_EVENT_TITLE = "concat_ws(' · ', {}, {})".format(
    _CHANGE.format(name="Status", new="(data->>'status')", old="(data->>'previous_status')"),
    _CHANGE.format(name="Stage", new="(data->>'current_stage')", old="(data->>'previous_stage')"),
)


def _event_seq(pk: uuid.UUID) -> int | None:
    """The seq an event's id stands for; None for a session's own id (a uuid4 is never all zeros up front)."""
    text = str(pk)
    return int(text[-12:], 16) if text.startswith(_EVENT_ID_PREFIX) else None


def _state_branch(cursor: Cursor | None, params: dict[str, Any]) -> str:
    """Recorded state changes, plus the session's start and (before the event log) its completion."""
    # The start is never an event (the log records updates); the completion is, since the log
    # exists: from the sessions row only when no recorded change covers it. `completed` is final
    # (docs/DOMAIN.md), so a recorded completion is the session's newest change: one index entry
    # to look at, however many changes the session has. The primary key finds both rows.
    started = (
        "SELECT created_at AS at, id, 'Session started' AS title, '' AS body, '' AS label "
        "FROM tech_spec_sessions WHERE id = %(session)s"
    )
    completed = (  # constants only
        "SELECT completed_at, id, 'Session completed', '', 'completed' FROM tech_spec_sessions "  # noqa: S608
        "WHERE id = %(session)s AND completed_at IS NOT NULL AND (SELECT data->>'status' FROM session_events "
        f"WHERE session_id = %(session)s AND {STATE_CHANGE_SQL} ORDER BY created_at DESC, seq DESC LIMIT 1) "
        "IS DISTINCT FROM 'completed'"
    )
    keyset = event_keyset = ""
    if cursor is not None:
        at, cursor_kind, pk = cursor
        params.update(c_at=at, c_id=pk)
        op = "<=" if STATE_KIND < cursor_kind else "<" if STATE_KIND > cursor_kind else None
        keyset = f"WHERE s.at {op} %(c_at)s" if op else "WHERE (s.at, s.id) < (%(c_at)s, %(c_id)s)"
        seq = _event_seq(pk)
        if op is None and seq is not None:  # within the page's order (created_at, seq), as the index has it
            params["c_seq"] = seq
            event_keyset = "AND (created_at, seq) < (%(c_at)s, %(c_seq)s)"
        else:  # another kind's cursor, or the start/completion row's (a session's uuid sorts after every event's)
            event_keyset = f"AND created_at {op or '<='} %(c_at)s"
    events = (  # constants only; the newest limit + 1 changes through session_events_state_idx
        f"SELECT created_at, {_EVENT_ID}, {_EVENT_TITLE}, "  # noqa: S608
        "'Progress ' || (data->>'progress_percentage') || '%%', data->>'status' FROM session_events "
        f"WHERE session_id = %(session)s AND {STATE_CHANGE_SQL} {event_keyset} "
        "ORDER BY created_at DESC, seq DESC LIMIT %(limit)s"
    )
    return (  # constants only; values travel as parameters
        f"(SELECT s.at, '{STATE_KIND}' AS kind, s.id, s.title, s.body, s.label "  # noqa: S608
        f"FROM ({started} UNION ALL {completed} UNION ALL ({events})) s {keyset})"
    )


def session_timeline(*, session_id: Id, kinds: tuple[str, ...] | list[str] = KINDS, before: str | None = None,
                     limit: int = TIMELINE_PAGE) -> TimelinePage:
    """The newest `limit` entries of the chosen kinds older than the cursor `before` (one query)."""
    cursor = decode_timeline_cursor(before) if before else None
    chosen = [kind for kind in KINDS if kind in kinds]
    if not chosen:
        return TimelinePage([], None)
    params: dict[str, Any] = {"session": session_id, "limit": limit + 1, "chars": BODY_CHARS}
    branches = [_state_branch(cursor, params) if kind == STATE_KIND else _branch(kind, cursor, params)
                for kind in chosen]
    page = (
        "SELECT at, kind, id, title, body, label FROM (" + " UNION ALL ".join(branches) + ") timeline "  # noqa: S608
        'ORDER BY at DESC, kind COLLATE "C" DESC, id DESC LIMIT %(limit)s'
    )
    # One row even for an empty page: the events cursor, then the page's rows (if any).
    sql = (
        "SELECT e.last_seq, t.* FROM (SELECT coalesce(max(last_seq), 0) AS last_seq FROM session_event_counters "  # noqa: S608
        f"WHERE session_id = %(session)s) e LEFT JOIN LATERAL ({page}) t ON true "
        'ORDER BY t.at DESC, t.kind COLLATE "C" DESC, t.id DESC'
    )
    with connection.cursor() as db:
        db.execute(sql, params)
        fetched = db.fetchall()
    rows = [TimelineEntry(*row[1:]) for row in fetched if row[1] is not None]
    entries = rows[:limit]
    next_cursor = encode_timeline_cursor(entries[-1]) if len(rows) > limit else None
    return TimelinePage(entries, next_cursor, events_cursor=fetched[0][0])
