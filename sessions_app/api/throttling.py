"""Request limits whose counters live in the shared cache (CACHE_URL), so every
server process counts the same requests."""

from rest_framework.throttling import SimpleRateThrottle, UserRateThrottle


class PerUserThrottle(UserRateThrottle):
    """API_USER_RATE per authenticated user (the token's user id), per client IP otherwise."""

    scope = "user"


class GlobalAPIThrottle(SimpleRateThrottle):
    """API_GLOBAL_RATE for the whole API, all callers together."""

    scope = "api"

    def get_cache_key(self, request, view):
        return "throttle_api_global"
