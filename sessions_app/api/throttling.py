"""Request limits: API_USER_RATE per caller, then API_GLOBAL_RATE for the whole API.

The rules (issue 14; before it, one busy user could lock every caller out):

- the caller's own limit is checked first, and a request it refuses takes nothing
  from the global budget, so one caller can never use more than API_USER_RATE of it;
- a caller is its role and id (`user:…`, `agent:…`, `staff:…`; anonymous requests a
  digest of the client address), so an agent token acting for a user has its own budget;
- users and anonymous callers together may fill the global budget only up to
  100 - API_GLOBAL_RESERVED_PERCENT percent of it; the rest is kept for staff and
  agents, so user traffic cannot starve them;
- a request refused by the global limit takes nothing from it either.

Both are counted in PostgreSQL in one statement per request (rate_counters), so
every server process counts the same requests; the global count is spread over
API_RATE_SHARDS rows. With CACHE_URL=redis://… they are counted in Redis instead,
one script per request (rate_counters_redis), and the primary sees no counting.
Each window is fixed from its first request: at most N requests in any window,
at most 2N in any span of one period.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from sessions_app.api import rate_counters, rate_counters_redis
from sessions_app.roles import Role

PRIVILEGED_ROLES = (Role.STAFF, Role.AGENT)


class APIRateThrottle(BaseThrottle):
    """429 once a caller passes the "user" rate, or its class's share of the "api" (global) rate."""

    THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    parse_rate = SimpleRateThrottle.parse_rate  # DRF's "100/min" notation

    def __init__(self):
        self.seconds_to_wait: float | None = None

    def allow_request(self, request, view) -> bool:
        key, role = self.caller(request)
        verdict = count_call(key=key, role=role)
        self.seconds_to_wait = verdict.seconds_to_wait
        return verdict.allowed

    def caller(self, request) -> tuple[str, str]:
        """(key, role): see caller_key; for anonymous requests a digest of the client address
        (get_ident may return a client-supplied X-Forwarded-For of any length)."""
        user = request.user
        if user is not None and user.is_authenticated:
            return caller_key(user)
        return "ip:" + hashlib.sha256(self.get_ident(request).encode()).hexdigest(), "anonymous"

    def wait(self) -> float | None:
        return self.seconds_to_wait


def caller_key(user) -> tuple[str, str]:
    """(key, role) of an authenticated caller: the token's role and user id, or a staff login's."""
    role = getattr(user, "role", None) or (Role.STAFF if user.is_staff else Role.USER)
    return f"{role}:{user.pk}", role


def _limit(scope: str) -> rate_counters.Limit | None:
    requests, seconds = APIRateThrottle.parse_rate(None, APIRateThrottle.THROTTLE_RATES.get(scope))  # self unused
    return None if requests is None else rate_counters.Limit(requests, seconds)


def count_call(*, key: str, role: str, global_limit: bool = True) -> rate_counters.Verdict:
    """Count one call of `key` against API_USER_RATE, then (global_limit) the role's share of API_GLOBAL_RATE.

    The one rule for every entry point: the API's requests and the events socket's handshakes
    (which count against the caller's limit only: see sessions_app/events/consumer.py).
    """
    caller_limit = _limit("user")
    whole = _limit("api") if global_limit else None
    if caller_limit is None and whole is None:
        return rate_counters.Verdict(True, 0, None)
    share = None
    if whole is not None and role not in PRIVILEGED_ROLES:
        share = whole.requests * (100 - settings.API_GLOBAL_RESERVED_PERCENT) // 100
    counter = rate_counters_redis if rate_counters_redis.enabled() else rate_counters
    return counter.count_request(key=key, caller_limit=caller_limit, global_limit=whole, global_share=share,
                                 shards=settings.API_RATE_SHARDS)
