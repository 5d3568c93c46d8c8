"""Cancelling a PostgreSQL backend's running query from the database health page."""

from __future__ import annotations

import logging

from django.db import connection

logger = logging.getLogger("techspec.db_health")


def backend_cancel(*, pid: int, requested_by: str) -> bool:
    """pg_cancel_backend(pid) for a backend of this database (never our own); logged either way.

    Cancels the running statement only: the connection stays, its transaction is
    rolled back by the error. True when PostgreSQL sent the signal.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT pg_cancel_backend(pid), left(query, 200)
              FROM pg_stat_activity
             WHERE pid = %s AND datname = current_database() AND pid <> pg_backend_pid()
            """,
            [pid],
        )
        row = cursor.fetchone()
    cancelled = bool(row and row[0])
    logger.warning(
        "pg_cancel_backend(%s) by %s: %s%s", pid, requested_by, "signalled" if cancelled else "not signalled",
        f" (query: {row[1]!r})" if row else " (no such backend of this database)",
    )
    return cancelled
