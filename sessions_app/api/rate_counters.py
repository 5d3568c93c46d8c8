"""Throttle counts in PostgreSQL: a request checked against its caller's limit and the global one, in one statement.

Django's database cache needs five statements and a commit to store one DRF
throttle history, and two processes can overwrite each other's history. Here one
statement (a chain of CTEs) does, atomically:

1. count the request in the caller's own window, never past limit + 1, so the
   returned count says whether the caller is over its limit;
2. only when the caller is within its limit, count it in one of the global
   limit's shards: a random shard among those with room for the caller's class
   (users fill at most their share of each shard, staff and agents all of it).

A request refused by either limit takes nothing from the global budget, and the
global count is spread over API_RATE_SHARDS rows, so concurrent requests rarely
wait for the same row lock (one hot row serialised every app server before).
Each row is a fixed window from its first request, as before. Near a full budget
two requests may pick the same last free place of a shard, and the second is
refused although another shard has room: the limit errs towards refusing early.

Call it in autocommit, as the API does (ATOMIC_REQUESTS is off): inside a
transaction the rows would stay locked until commit.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction

from sessions_app.models import ApiRateCounter

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

# The caller's row is always locked before a shard's (the shard's upsert needs the caller's
# result), so two requests never wait for each other's rows in opposite orders.
_COUNT_SQL = """
WITH shards AS (
    SELECT s.key, s.cap, c.hits,
           c.key IS NULL
           OR c.window_start + make_interval(secs => c.window_seconds) <= statement_timestamp() AS ended,
           extract(epoch FROM c.window_start + make_interval(secs => c.window_seconds)
                              - statement_timestamp())::float8 AS ends_in
    FROM unnest(%(shard_keys)s::text[], %(shard_caps)s::integer[]) AS s(key, cap)
    LEFT JOIN api_rate_counters AS c ON c.key = s.key
    WHERE s.cap > 0
),
chosen AS (
    SELECT key, cap FROM shards WHERE ended OR hits < cap ORDER BY random() LIMIT 1
),
caller AS (
    INSERT INTO api_rate_counters AS c (key, window_start, window_seconds, hits)
    VALUES (%(key)s, statement_timestamp(), %(seconds)s, 1)
    ON CONFLICT (key) DO UPDATE SET
        window_start = CASE WHEN c.window_start + make_interval(secs => c.window_seconds) <= statement_timestamp()
                            THEN statement_timestamp() ELSE c.window_start END,
        hits = CASE WHEN c.window_start + make_interval(secs => c.window_seconds) <= statement_timestamp()
                    THEN 1 ELSE least(c.hits + 1, %(limit)s + 1) END,
        window_seconds = EXCLUDED.window_seconds
    RETURNING c.hits,
              extract(epoch FROM c.window_start + make_interval(secs => c.window_seconds)
                                 - statement_timestamp())::float8 AS seconds_left
),
counted AS (
    INSERT INTO api_rate_counters AS c (key, window_start, window_seconds, hits)
    SELECT chosen.key, statement_timestamp(), %(global_seconds)s, 1 FROM chosen, caller
    WHERE caller.hits <= %(limit)s
    ON CONFLICT (key) DO UPDATE SET
        window_start = CASE WHEN c.window_start + make_interval(secs => c.window_seconds) <= statement_timestamp()
                            THEN statement_timestamp() ELSE c.window_start END,
        hits = CASE WHEN c.window_start + make_interval(secs => c.window_seconds) <= statement_timestamp()
                    THEN 1 ELSE least(c.hits + 1, (SELECT cap FROM chosen) + 1) END,
        window_seconds = EXCLUDED.window_seconds
    RETURNING c.hits <= (SELECT cap FROM chosen) AS admitted
)
SELECT caller.hits, caller.seconds_left, (SELECT admitted FROM counted),
       (SELECT min(ends_in) FROM shards WHERE NOT ended)
FROM caller
"""

# Rows are locked in key order and rows a request holds are skipped: pruning never waits
# for a request nor deadlocks with one.
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

NO_LIMIT = 2**31 - 2  # the caller's limit when only the global one is set (hits is an integer column)


@dataclass(frozen=True)
class Limit:
    requests: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    caller_hits: int  # the caller's requests in its window so far, this one included (at most limit + 1)
    seconds_to_wait: float | None  # when refused: until the window that refused it ends


def shard_caps(total: int, *, shards: int) -> list[int]:
    """`total` requests spread over `shards` shards as evenly as whole numbers allow (they sum to total)."""
    base, extra = divmod(total, shards)
    return [base + (1 if index < extra else 0) for index in range(shards)]


def count_request(*, key: str, caller_limit: Limit | None, global_limit: Limit | None,
                  global_share: int | None = None, shards: int = 8) -> Verdict:
    """Count one request of `key`; allowed when within caller_limit, then within the global limit.

    global_share: how many of the global limit's requests this caller's class may fill
    (users leave the rest to staff and agents); the whole limit when None.
    """
    limit = caller_limit or Limit(NO_LIMIT, 60)
    keys, caps = [], []
    if global_limit is not None:
        share = global_limit.requests if global_share is None else global_share
        keys = [f"api:{index}" for index in range(shards)]
        caps = shard_caps(share, shards=shards)
    with _connection().cursor() as cursor:
        cursor.execute(_COUNT_SQL, {
            "key": key, "seconds": limit.seconds, "limit": limit.requests, "shard_keys": keys, "shard_caps": caps,
            "global_seconds": global_limit.seconds if global_limit else 60,
        })
        hits, seconds_left, admitted, global_wait = cursor.fetchone()
    _maybe_prune()
    if hits > limit.requests:
        return Verdict(False, hits, max(seconds_left, 0.0))
    if global_limit is not None and not admitted:
        return Verdict(False, hits, max(global_wait if global_wait is not None else 1.0, 0.0))
    return Verdict(True, hits, None)


def _maybe_prune() -> None:
    # About one request in API_RATE_PRUNE_EVERY also deletes the windows that have ended,
    # which keeps the table near the number of recent callers without a scheduled job.
    every = settings.API_RATE_PRUNE_EVERY
    if every and random.randrange(every) == 0:  # sampling, not security
        try:
            prune_ended_windows()
        except DatabaseError:  # housekeeping: the request has been counted and goes on
            logger.exception("Pruning ended throttle windows failed")


def prune_ended_windows() -> int:
    """Delete the windows that have ended (their keys start afresh anyway); how many were deleted."""
    connection = _connection()
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(_PRUNE_SQL)
        return int(cursor.rowcount)


def _connection() -> BaseDatabaseWrapper:
    return connections[router.db_for_write(ApiRateCounter)]
