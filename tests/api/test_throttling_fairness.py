"""Throttling is fair (issue 14): a refused request takes nothing from the global budget, one
caller cannot use more of it than its own limit, and user traffic cannot starve staff and agents."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from sessions_app.api.throttling import APIRateThrottle
from sessions_app.models import ApiRateCounter
from tests.support.api import assert_error, bearer_token


@pytest.fixture
def rates(monkeypatch, settings):
    def set_rates(*, user: str, api: str, reserved: int = 0):
        monkeypatch.setattr(APIRateThrottle, "THROTTLE_RATES", {"user": user, "api": api})
        settings.API_GLOBAL_RESERVED_PERCENT = reserved

    return set_rates


def global_hits() -> int:
    return sum(ApiRateCounter.objects.filter(key__startswith="api:").values_list("hits", flat=True))


@pytest.mark.django_db
def test_requests_refused_by_a_callers_own_limit_take_nothing_from_the_global_budget(api_as, rates):
    rates(user="5/min", api="10/min")
    flooder, other = api_as(), api_as()
    statuses = [flooder.client.get("/api/sessions/").status_code for _ in range(30)]

    assert statuses.count(200) == 5 and statuses.count(429) == 25
    assert global_hits() == 5
    assert [other.client.get("/api/sessions/").status_code for _ in range(5)] == [200] * 5


@pytest.mark.django_db
def test_requests_refused_by_the_global_limit_take_nothing_from_it(api_as, rates):
    rates(user="100/min", api="3/min")
    for _ in range(3):
        assert api_as().client.get("/api/sessions/").status_code == 200
    refused = [api_as().client.get("/api/sessions/") for _ in range(10)]

    assert {r.status_code for r in refused} == {429}
    assert_error(refused[0], 429, "throttled")
    assert int(refused[0]["Retry-After"]) > 0
    assert global_hits() == 3


@pytest.mark.django_db
def test_users_cannot_take_the_share_kept_for_staff_and_agents(api_as, rates):
    rates(user="100/min", api="10/min", reserved=20)
    users = [api_as().client.get("/api/sessions/").status_code for _ in range(12)]

    assert users == [200] * 8 + [429] * 4
    assert api_as("staff").client.get("/api/sessions/").status_code == 200
    assert api_as("agent").client.get("/api/sessions/").status_code == 200


@pytest.mark.django_db
def test_an_agent_acting_for_a_user_has_its_own_budget(api_as, rates):
    rates(user="5/min", api="1000/min")
    user = api_as()
    for _ in range(5):
        user.client.get("/api/sessions/")
    assert user.client.get("/api/sessions/").status_code == 429

    assert api_as("agent", user_id=user.user_id).client.get("/api/sessions/").status_code == 200


@pytest.mark.django_db
def test_the_global_count_is_spread_over_shards(api_as, rates, settings):
    rates(user="1000/min", api="1000/min")
    settings.API_RATE_SHARDS = 8
    caller = api_as()
    for _ in range(40):
        assert caller.client.get("/api/sessions/").status_code == 200

    shards = dict(ApiRateCounter.objects.filter(key__startswith="api:").values_list("key", "hits"))
    assert sum(shards.values()) == 40
    assert len(shards) > 1 and set(shards) <= {f"api:{i}" for i in range(8)}


def http_status(url: str, token: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_one_user_flooding_does_not_lock_out_other_users_staff_or_agents(live_servers):
    """User A sends 1,000 requests in about 10 s to two server processes (default rates:
    100/min per caller, 1000/min for all); user B, staff and an agent, interleaved, keep getting 200."""
    servers = live_servers(2)
    tokens = {name: bearer_token(uuid.uuid4(), role)
              for name, role in {"A": "user", "B": "user", "staff": "staff", "agent": "agent"}.items()}
    others = ("B", "staff", "agent")
    flood, every_other = 1000, 10  # one of B/staff/agent after every 10th request of A: 100 in all

    def send(index: int) -> tuple[str, int]:
        delay = start + index * 10 / flood - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        url = f"{servers[index % 2].url}/api/sessions/"
        results = [("A", http_status(url, tokens["A"]))]
        if index % every_other == 0:
            name = others[(index // every_other) % len(others)]
            results.append((name, http_status(url, tokens[name])))
        return results

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=24) as pool:
        outcomes = [result for batch in pool.map(send, range(flood)) for result in batch]
    elapsed = time.monotonic() - start

    counts = {name: {} for name in tokens}
    for name, status in outcomes:
        counts[name][status] = counts[name].get(status, 0) + 1
    print(f"\nlockout test: user A sent {flood} requests in {elapsed:.1f} s: "
          f"{counts['A'].get(200, 0)} x 200, {counts['A'].get(429, 0)} x 429; "
          + "; ".join(f"{name}: {counts[name].get(200, 0)} of {sum(counts[name].values())} x 200" for name in others))

    assert counts["A"] == {200: 100, 429: 900}
    for name in others:
        assert set(counts[name]) == {200}, (name, counts[name])
