"""Request limits: API_USER_RATE per caller and API_GLOBAL_RATE for the whole API.

Both are counted in PostgreSQL in one statement per request (rate_counters), so
every server process counts the same requests. Each limit is a fixed window that
starts at its key's first request: a caller gets at most N requests in any
window, and at most 2N in any span of one period (a full window ending just
after a new one starts).
"""

from __future__ import annotations

import hashlib

from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from sessions_app.api import rate_counters

GLOBAL_KEY = "api"


class APIRateThrottle(BaseThrottle):
    """429 once a caller passes the "user" rate or all callers together the "api" rate."""

    THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    scopes = ("user", "api")
    parse_rate = SimpleRateThrottle.parse_rate  # DRF's "100/min" notation

    def __init__(self):
        self.seconds_to_wait: float | None = None

    def allow_request(self, request, view) -> bool:
        limits = {key: self.parse_rate(self.THROTTLE_RATES.get(scope))
                  for scope, key in zip(self.scopes, (self.caller_key(request), GLOBAL_KEY), strict=True)}
        limits = {key: (number, seconds) for key, (number, seconds) in limits.items() if number is not None}
        if not limits:
            return True
        counts = rate_counters.count_request({key: seconds for key, (_, seconds) in limits.items()})
        over = [counts[key].seconds_left for key, (number, _) in limits.items() if counts[key].hits > number]
        self.seconds_to_wait = max(over, default=None)
        return not over

    def caller_key(self, request) -> str:
        """The token's (or staff login's) user id; a digest of the client address for anonymous
        requests (get_ident may return a client-supplied X-Forwarded-For of any length)."""
        user = request.user
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return "ip:" + hashlib.sha256(self.get_ident(request).encode()).hexdigest()

    def wait(self) -> float | None:
        return self.seconds_to_wait
