"""Throttle counts in Redis, used when CACHE_URL is Redis: the rules of rate_counters in one Lua script.

Same rules as the PostgreSQL counts: the caller's limit first; a request it refuses
counts nowhere; then the global limit, of which users may fill only their share;
a request that limit refuses counts nowhere either. Redis runs a script alone, so
one counter per limit suffices (no shards), and the counting leaves the primary
PostgreSQL entirely: one round trip to Redis per request. Windows are fixed from
their first request (the key's expiry), as in PostgreSQL.

If Redis does not answer, the request is counted in PostgreSQL instead (logged):
the limits stay in force, the app stays up.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

import redis
from django.conf import settings

from sessions_app.api import rate_counters
from sessions_app.api.rate_counters import Limit, Verdict

if TYPE_CHECKING:
    from redis.commands.core import Script

logger = logging.getLogger(__name__)

PREFIX = "techspec:throttle:"
GLOBAL_KEY = "api"
TIMEOUT_SECONDS = 0.5  # a Redis that hangs must not hold the request longer than this

# KEYS: caller, global. ARGV: caller limit, caller seconds, global share (-1: no global limit),
# global seconds. Returns {allowed, caller hits, milliseconds until the refusing window ends}.
_SCRIPT = """
local hits = tonumber(redis.call('GET', KEYS[1]) or '0')
if hits >= tonumber(ARGV[1]) then
    return {0, hits + 1, redis.call('PTTL', KEYS[1])}
end
if tonumber(ARGV[3]) >= 0 then
    local total = tonumber(redis.call('GET', KEYS[2]) or '0')
    if total >= tonumber(ARGV[3]) then
        return {0, hits, redis.call('PTTL', KEYS[2])}
    end
    if redis.call('INCR', KEYS[2]) == 1 then
        redis.call('EXPIRE', KEYS[2], ARGV[4])
    end
end
hits = redis.call('INCR', KEYS[1])
if hits == 1 then
    redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return {1, hits, -1}
"""


@lru_cache(maxsize=4)
def _script(location: str) -> Script:
    client = redis.Redis.from_url(location, socket_timeout=TIMEOUT_SECONDS,
                                  socket_connect_timeout=TIMEOUT_SECONDS)
    return client.register_script(_SCRIPT)


def enabled() -> bool:
    return bool(settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache")


def count_request(*, key: str, caller_limit: Limit | None, global_limit: Limit | None,
                  global_share: int | None = None, shards: int = 8) -> Verdict:
    """rate_counters.count_request's contract, counted in the Redis of CACHE_URL."""
    limit = caller_limit or Limit(rate_counters.NO_LIMIT, 60)
    share = -1
    if global_limit is not None:
        share = global_limit.requests if global_share is None else global_share
    location = settings.CACHES["default"]["LOCATION"]
    location = location[0] if isinstance(location, list | tuple) else location.split(",")[0]
    try:
        allowed, hits, milliseconds = _script(location)(
            keys=[PREFIX + key, PREFIX + GLOBAL_KEY],
            args=[limit.requests, limit.seconds, share, global_limit.seconds if global_limit else 60],
        )
    except redis.RedisError:
        logger.warning("Redis did not count a request; counting it in PostgreSQL", exc_info=True)
        return rate_counters.count_request(key=key, caller_limit=caller_limit, global_limit=global_limit,
                                           global_share=global_share, shards=shards)
    if allowed:
        return Verdict(True, hits, None)
    return Verdict(False, hits, max(milliseconds, 1000) / 1000)
