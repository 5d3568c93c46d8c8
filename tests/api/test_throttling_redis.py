"""With CACHE_URL=redis://… the throttle counts in Redis (one script per request), by the same rules."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app.api import rate_counters_redis
from sessions_app.api.throttling import APIRateThrottle
from sessions_app.models import ApiRateCounter
from tests.support.redis import needs_redis

pytestmark = [pytest.mark.django_db, needs_redis]

REDIS_CACHE = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1"}


@pytest.fixture
def redis_counts(settings, monkeypatch):
    """Throttle counts in the local Redis, under a prefix of this test's own (deleted afterwards)."""
    prefix = f"techspec-test:{uuid.uuid4().hex}:"
    monkeypatch.setattr(rate_counters_redis, "PREFIX", prefix)
    settings.CACHES = {**settings.CACHES, "default": REDIS_CACHE}

    def set_rates(*, user: str, api: str, reserved: int = 0):
        monkeypatch.setattr(APIRateThrottle, "THROTTLE_RATES", {"user": user, "api": api})
        settings.API_GLOBAL_RESERVED_PERCENT = reserved

    yield set_rates
    client = rate_counters_redis._script(REDIS_CACHE["LOCATION"]).registered_client
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


def test_requests_are_counted_in_redis_not_in_postgresql(api_as, redis_counts):
    redis_counts(user="100/min", api="1000/min")
    caller = api_as()

    with CaptureQueriesContext(connection) as queries:
        assert caller.client.get("/api/sessions/").status_code == 200

    assert not any("api_rate_counters" in q["sql"] for q in queries.captured_queries)
    assert not ApiRateCounter.objects.exists()


def test_in_redis_a_refused_request_takes_nothing_from_the_global_budget(api_as, redis_counts):
    redis_counts(user="5/min", api="10/min")
    flooder, other = api_as(), api_as()
    statuses = [flooder.client.get("/api/sessions/").status_code for _ in range(30)]
    response = flooder.client.get("/api/sessions/")

    assert statuses.count(200) == 5 and statuses.count(429) == 25
    assert 0 < int(response["Retry-After"]) <= 60
    assert [other.client.get("/api/sessions/").status_code for _ in range(5)] == [200] * 5


def test_in_redis_users_cannot_take_the_share_kept_for_staff_and_agents(api_as, redis_counts):
    redis_counts(user="100/min", api="10/min", reserved=20)

    assert [api_as().client.get("/api/sessions/").status_code for _ in range(10)] == [200] * 8 + [429] * 2
    assert api_as("staff").client.get("/api/sessions/").status_code == 200
    assert api_as("agent").client.get("/api/sessions/").status_code == 200


def test_when_redis_does_not_answer_requests_are_counted_in_postgresql(api_as, redis_counts, settings):
    redis_counts(user="100/min", api="1000/min")
    settings.CACHES = {**settings.CACHES, "default": {**REDIS_CACHE, "LOCATION": "redis://127.0.0.1:9/1"}}

    assert api_as().client.get("/api/sessions/").status_code == 200
    assert ApiRateCounter.objects.filter(key__startswith="user:").count() == 1
