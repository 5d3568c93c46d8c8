"""Conversation history as keyset pages.

A page is ordered by (timestamp, id) and continues strictly after a cursor,
so new messages never shift or repeat rows the way OFFSET pages do. The cursor
is opaque: the base64url text of "<timestamp ISO 8601>|<message id>" for the
last row of the page; `after` also accepts that pair as a (datetime, UUID) tuple.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from sessions_app.errors import Id, InvalidCursor, InvalidValue
from sessions_app.models import TechConversation, TechSpecSession
from techspec_project import pg_values
from techspec_project.uuids import lenient_uuid

MAX_LIMIT = 200


@dataclass(frozen=True)
class ConversationPage:
    """Up to `limit` messages, oldest first, and the cursor of the next page (None on the last)."""

    items: list[TechConversation]
    next_cursor: str | None


def encode_cursor(timestamp: datetime, message_id) -> str:
    raw = f"{timestamp.isoformat()}|{message_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor) -> tuple[datetime, uuid.UUID]:
    """(timestamp, id) from a cursor string or tuple; InvalidCursor for anything else."""
    try:
        if isinstance(cursor, tuple):
            timestamp, message_id = cursor
        else:
            padded = cursor + "=" * (-len(cursor) % 4)
            timestamp, message_id = base64.urlsafe_b64decode(padded).decode().split("|")
            timestamp = datetime.fromisoformat(timestamp)
        message_id = lenient_uuid(message_id)
    except (TypeError, ValueError, AttributeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor(cursor) from None
    if message_id is None or not isinstance(timestamp, datetime) or timestamp.tzinfo is None:
        raise InvalidCursor(cursor)
    try:
        pg_values.check_datetime(timestamp)  # Python takes a -16:00 offset, PostgreSQL does not
    except pg_values.Unstorable:
        raise InvalidCursor(cursor) from None
    return timestamp, message_id


def conversation_list(*, session: TechSpecSession) -> QuerySet[TechConversation]:
    """A session's messages, oldest first, for the API's cursor pages; `session` is already resolved (session_get)."""
    return TechConversation.objects.filter(session_id=session.pk).order_by("timestamp", "id")


def conversation_page(
    *, session: TechSpecSession, after: str | tuple[datetime, Id] | None = None, limit: int = 50
) -> ConversationPage:
    """One page of a session's messages after the cursor `after` (from the start when None); one query."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise InvalidValue("limit", f"limit must be an integer from 1 to {MAX_LIMIT}.")
    position = decode_cursor(after) if after is not None else None
    messages = TechConversation.objects.filter(session_id=session.pk)
    if position is not None:
        timestamp, message_id = position
        # The >= bound lets the (session, timestamp, id) index start at the cursor;
        # the OR then drops the rows of that timestamp up to the cursor's id.
        messages = messages.filter(Q(timestamp__gte=timestamp), Q(timestamp__gt=timestamp) | Q(id__gt=message_id))
    rows = list(messages.order_by("timestamp", "id")[: limit + 1])
    items = rows[:limit]
    has_more = len(rows) > limit
    next_cursor = encode_cursor(items[-1].timestamp, items[-1].pk) if has_more else None
    return ConversationPage(items=items, next_cursor=next_cursor)
