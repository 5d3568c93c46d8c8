"""Throttle counts in PostgreSQL: every limit a request is checked against, counted in one statement.

Django's database cache needs five statements and a commit to store one DRF
throttle history, and two processes can overwrite each other's history. Here an
upsert adds the request to each limit's window atomically and returns the new
counts, so every server process sees the same numbers and a request costs one
round trip whatever the number of limits.

Call it in autocommit, as the API does (ATOMIC_REQUESTS is off): inside a
transaction the row of the global limit would stay locked until commit, and
every other request would queue behind it.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction

from sessions_app.models import ApiRateCounter

# Upserted in key order, so two requests sharing keys lock the rows in the same order.
_COUNT_SQL = """
INSERT INTO api_rate_counters AS c (key, window_start, window_seconds, hits)
SELECT key, statement_timestamp(), seconds, 1
FROM unnest(%s::text[], %s::integer[]) AS limits(key, seconds)
ORDER BY key
ON CONFLICT (key) DO UPDATE SET
    window_start = CASE WHEN c.window_start + make_interval(secs => EXCLUDED.window_seconds) <= statement_timestamp()
                        THEN statement_timestamp() ELSE c.window_start END,
    hits = CASE WHEN c.window_start + make_interval(secs => EXCLUDED.window_seconds) <= statement_timestamp()
                THEN 1 ELSE c.hits + 1 END,
    window_seconds = EXCLUDED.window_seconds
RETURNING key, hits,
          extract(epoch FROM c.window_start + make_interval(secs => c.window_seconds) - statement_timestamp())::float8
"""

# Rows are locked in key order, like the upsert's, and rows a request holds are skipped:
# pruning never waits for a request nor deadlocks with one.
_PRUNE_SQL = """
DELETE FROM api_rate_counters
WHERE key IN (
    SELECT key FROM api_rate_counters
    WHERE window_start + make_interval(secs => window_seconds) < statement_timestamp()
    ORDER BY key
    FOR UPDATE SKIP LOCKED
)
"""

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WindowCount:
    hits: int  # requests in the window so far, this one included
    seconds_left: float  # until the window ends and the count starts again


def count_request(windows: dict[str, int]) -> dict[str, WindowCount]:
    """Count one request against each key's window ({key: window seconds}); the new counts by key."""
    keys = sorted(windows)
    with _connection().cursor() as cursor:
        cursor.execute(_COUNT_SQL, [keys, [windows[key] for key in keys]])
        counts = {key: WindowCount(hits, max(seconds_left, 0.0)) for key, hits, seconds_left in cursor.fetchall()}
    # About one request in API_RATE_PRUNE_EVERY also deletes the windows that have ended,
    # which keeps the table near the number of recent callers without a scheduled job.
    every = settings.API_RATE_PRUNE_EVERY
    if every and random.randrange(every) == 0:  # sampling, not security
        try:
            prune_ended_windows()
        except DatabaseError:  # housekeeping: the request has been counted and goes on
            logger.exception("Pruning ended throttle windows failed")
    return counts


def prune_ended_windows() -> int:
    """Delete the windows that have ended (their keys start afresh anyway); how many were deleted."""
    connection = _connection()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(_PRUNE_SQL)
        return cursor.rowcount


def _connection():
    return connections[router.db_for_write(ApiRateCounter)]
