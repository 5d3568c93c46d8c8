"""Throttling: 100 requests a minute per user and API_GLOBAL_RATE for everyone, counted
in the shared cache so that every server process sees the same counts."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid

import pytest
from django.core.cache import cache

from sessions_app.api.throttling import GlobalAPIThrottle, PerUserThrottle
from tests.conftest import bearer_token
from tests.test_api_flow import assert_error


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
    cache.clear()
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
def test_the_global_rate_applies_across_users(api_as, monkeypatch):
    monkeypatch.setattr(GlobalAPIThrottle, "THROTTLE_RATES", {**GlobalAPIThrottle.THROTTLE_RATES, "api": "3/min"})
    for _ in range(3):
        assert api_as().client.get("/api/sessions/").status_code == 200

    response = api_as().client.get("/api/sessions/")

    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_the_per_user_rate_is_the_api_user_rate_setting(settings):
    assert PerUserThrottle().get_rate() == settings.API_USER_RATE
    assert GlobalAPIThrottle().get_rate() == settings.API_GLOBAL_RATE
