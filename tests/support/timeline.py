"""Reading a session's whole timeline, page by page."""

from __future__ import annotations


def whole_timeline(session, limit: int) -> list:
    """Every timeline entry of the session, walking its pages of `limit` entries by their cursors."""
    from sessions_app.selectors.timeline import session_timeline

    seen, cursor = [], None
    while True:
        page = session_timeline(session_id=session.pk, before=cursor, limit=limit)
        seen.extend(page.entries)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor
