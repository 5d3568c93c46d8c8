"""Throttling: API_USER_RATE per caller, then API_GLOBAL_RATE for everyone, counted in
PostgreSQL (api_rate_counters) by one statement, so every server process sees the same counts."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from sessions_app.api import rate_counters
from sessions_app.api.throttling import APIRateThrottle
from sessions_app.models import ApiRateCounter
from tests.factories import TechSpecSessionFactory
from tests.support.api import assert_error, bearer_token
from tests.support.concurrency import run_concurrently


def http_get(url: str, token: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_the_101st_request_of_a_user_is_429_across_two_server_processes(live_servers):
    first, second = live_servers(2)
    token = bearer_token(uuid.uuid4())

    statuses = []
    for i in range(101):
        server = (first, second)[i % 2]
        status, headers, body = http_get(f"{server.url}/api/sessions/", token)
        statuses.append(status)

    assert statuses[:100] == [200] * 100
    assert statuses[100] == 429
    assert int(headers["Retry-After"]) > 0
    assert body["error"]["code"] == "throttled" and body["error"]["message"]


@pytest.mark.django_db
def test_the_101st_request_within_a_minute_is_429_with_retry_after(api_as):
    caller = api_as()
    for _ in range(100):
        assert caller.client.get("/api/sessions/").status_code == 200

    response = caller.client.get("/api/sessions/")

    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_another_user_is_not_throttled_by_the_first_users_requests(api_as):
    first, second = api_as(), api_as()
    for _ in range(100):
        first.client.get("/api/sessions/")
    assert first.client.get("/api/sessions/").status_code == 429
    assert second.client.get("/api/sessions/").status_code == 200


@pytest.mark.django_db
def test_the_global_rate_applies_across_users(api_as, monkeypatch, settings):
    monkeypatch.setattr(APIRateThrottle, "THROTTLE_RATES", {**APIRateThrottle.THROTTLE_RATES, "api": "3/min"})
    settings.API_GLOBAL_RESERVED_PERCENT = 0  # users may fill all of it here
    for _ in range(3):
        assert api_as().client.get("/api/sessions/").status_code == 200

    response = api_as().client.get("/api/sessions/")

    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


def test_the_rates_are_the_api_rate_settings(settings):
    assert APIRateThrottle.THROTTLE_RATES == {"user": settings.API_USER_RATE, "api": settings.API_GLOBAL_RATE}


@pytest.mark.django_db
def test_a_request_is_counted_against_both_limits_in_one_statement(api_as):
    caller = api_as()
    caller.client.get("/api/sessions/")

    with CaptureQueriesContext(connection) as queries:
        caller.client.get("/api/sessions/")

    counting = [q["sql"] for q in queries.captured_queries if "api_rate_counters" in q["sql"]]
    assert len(counting) == 1
    counts = dict(ApiRateCounter.objects.values_list("key", "hits"))
    # Issue 14: the global count is spread over shards (api:0..api:N-1); together they hold both requests.
    assert counts.pop(f"user:{caller.user_id}") == 2
    assert all(key.startswith("api:") for key in counts) and sum(counts.values()) == 2


@pytest.fixture
def five_a_minute(monkeypatch):
    monkeypatch.setattr(APIRateThrottle, "THROTTLE_RATES", {**APIRateThrottle.THROTTLE_RATES, "user": "5/min"})
    return 5


@pytest.mark.django_db
# Times relative to the database clock (statement_timestamp(), what Now() is on PostgreSQL).
def test_a_new_window_starts_when_the_last_one_has_ended(api_as, five_a_minute):
    caller = api_as()
    for _ in range(five_a_minute):
        assert caller.client.get("/api/sessions/").status_code == 200
    assert caller.client.get("/api/sessions/").status_code == 429

    ApiRateCounter.objects.filter(key=f"user:{caller.user_id}").update(
        window_start=Now() - timedelta(seconds=61))

    assert caller.client.get("/api/sessions/").status_code == 200
    assert ApiRateCounter.objects.get(key=f"user:{caller.user_id}").hits == 1


@pytest.mark.django_db
def test_retry_after_is_the_time_left_in_the_window(api_as, five_a_minute):
    caller = api_as()
    for _ in range(five_a_minute):
        caller.client.get("/api/sessions/")
    ApiRateCounter.objects.filter(key=f"user:{caller.user_id}").update(
        window_start=Now() - timedelta(seconds=50))

    response = caller.client.get("/api/sessions/")

    assert response.status_code == 429
    assert 9 <= int(response["Retry-After"]) <= 10


@pytest.mark.django_db
def test_anonymous_callers_are_counted_by_a_digest_of_their_address():
    def key(address):
        request = APIRequestFactory().get("/api/sessions/", REMOTE_ADDR=address)
        request.user = None
        return APIRateThrottle().caller(request)[0]

    assert key("203.0.113.7") == key("203.0.113.7") != key("203.0.113.8")
    assert key("203.0.113.7").startswith("ip:") and len(key("203.0.113.7")) == 3 + 64


@pytest.mark.django_db
def test_a_huge_forwarded_for_header_is_counted_not_a_500(client):
    """get_ident() returns a client-supplied X-Forwarded-For whole; a raw key that long
    would exceed PostgreSQL's b-tree row size."""
    response = client.get("/api/schema/", HTTP_X_FORWARDED_FOR=secrets.token_hex(6000))

    assert response.status_code == 200
    assert ApiRateCounter.objects.filter(key__startswith="ip:").count() == 1


@pytest.mark.django_db
def test_a_failing_prune_does_not_fail_the_request(api_as, settings, monkeypatch):
    from django.db import DatabaseError

    def broken():
        raise DatabaseError("deadlock detected")

    monkeypatch.setattr(rate_counters, "prune_ended_windows", broken)
    settings.API_RATE_PRUNE_EVERY = 1

    assert api_as().client.get("/api/sessions/").status_code == 200


@pytest.mark.django_db
def test_pruning_deletes_only_the_windows_that_have_ended():
    ApiRateCounter.objects.create(key="user:old", window_start=Now() - timedelta(seconds=61), window_seconds=60, hits=5)
    ApiRateCounter.objects.create(key="user:day", window_start=Now() - timedelta(hours=2), window_seconds=86400, hits=5)
    ApiRateCounter.objects.create(key="user:new", window_start=Now(), window_seconds=60, hits=5)

    assert rate_counters.prune_ended_windows() == 1

    assert set(ApiRateCounter.objects.values_list("key", flat=True)) == {"user:day", "user:new"}


@pytest.mark.django_db
def test_requests_prune_ended_windows_when_sampling_says_so(api_as, settings):
    ApiRateCounter.objects.create(key="user:old", window_start=Now() - timedelta(seconds=61), window_seconds=60, hits=5)
    settings.API_RATE_PRUNE_EVERY = 1  # every request

    api_as().client.get("/api/sessions/")

    assert not ApiRateCounter.objects.filter(key="user:old").exists()


@pytest.mark.django_db
def test_the_counts_table_is_unlogged():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'api_rate_counters'")
        assert cursor.fetchone() == ("u",)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_each_get_their_own_count():
    """20 connections counting one caller at once: every count from 1 to 20 exactly once (no lost
    update), and the global shards together hold all 20."""
    workers = 20

    def count(index):
        return rate_counters.count_request(
            key="user:shared", caller_limit=rate_counters.Limit(1000, 60),
            global_limit=rate_counters.Limit(1000, 60)).caller_hits

    hits = run_concurrently(workers, count)

    assert sorted(hits) == list(range(1, workers + 1))
    shards = ApiRateCounter.objects.filter(key__startswith="api:")
    assert sum(shards.values_list("hits", flat=True)) == workers


def test_requests_are_not_wrapped_in_a_transaction(settings):
    """Counting holds the global limit's row lock until commit: under ATOMIC_REQUESTS every
    request would queue behind the one before it."""
    assert not any(db.get("ATOMIC_REQUESTS") for db in settings.DATABASES.values())


@pytest.mark.django_db
@pytest.mark.parametrize("method, path", [
    ("get", "/api/sessions/{id}/"),
    ("get", "/api/sessions/{id}/research/"),
    ("post", "/api/sessions/{id}/conversations/"),
])
def test_probing_session_ids_is_throttled_like_any_request(api_as, method, path):
    # An unknown id costs a lookup before its 404: those requests must count against the caller's rate.
    caller = api_as()
    for _ in range(100):
        response = getattr(caller.client, method)(path.format(id=uuid.uuid4()), {}, format="json")
        assert response.status_code == 404

    response = getattr(caller.client, method)(path.format(id=uuid.uuid4()), {}, format="json")

    assert_error(response, 429, "throttled")


@pytest.mark.django_db
def test_a_request_to_a_visible_session_is_counted_once(api_as):
    # check_permissions counts the request before the lookup; DRF's own later call must not count it again.
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    for _ in range(100):
        assert caller.client.get(f"/api/sessions/{session.id}/research/").status_code == 200

    assert_error(caller.client.get(f"/api/sessions/{session.id}/research/"), 429, "throttled")
