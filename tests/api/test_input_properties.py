"""Property: whatever a caller puts in a write body, a filter, a page cursor or a query
parameter, the API answers below 500, and a refusal stores nothing.

Hypothesis generates the values a hand-written table misses: JSON numbers beyond a
double (sent as 1e400 / -1e999), NaN, huge integers, text with NUL or unpaired
surrogates (in values and keys), nesting, timestamps with any UTC offset Python can
parse (±23:59) and cursors forged around them. Each example runs in a savepoint that
is rolled back, so examples do not see each other's writes. `derandomize` keeps the
examples the same on every run (a failure is reproducible; the seed is not random).
"""

from __future__ import annotations

import base64
import json
import math
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessions_app.api.throttling import APIRateThrottle
from tests.support.hostile_input import World, client_for, row_counts

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PROPERTY_SETTINGS = settings(
    max_examples=50, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- values -------------------------------------------------------------------------------

# Every code point, surrogates and NUL included (hypothesis leaves out surrogates by default),
# but mostly plain text: one refused character anywhere would hide the value under test.
any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
plain_texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
texts = st.one_of(
    plain_texts, plain_texts, st.text(any_char, max_size=12), st.sampled_from(["", "a\x00b", "\ud800", "x" * 300])
)
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2**31, -(2**31) - 1, 2**63, 1e308, -1e308, 5e-324]),
    st.sampled_from([math.inf, -math.inf, math.nan]),  # the edges, often: sent as 1e400, -1e999, NaN
)
# Mostly plain keys, so that one hostile value is not hidden behind a key refused first.
keys = st.one_of(st.text(st.characters(codec="ascii", min_codepoint=32), max_size=6), texts)
# JSON numbers a body can carry: NaN only as a literal (a parse error for the whole body, tested apart).
json_numbers = numbers.filter(lambda n: not (isinstance(n, float) and math.isnan(n)))
non_finite = st.sampled_from([math.inf, -math.inf])  # a NaN literal is a parse error for the whole body
scalars = st.one_of(st.none(), st.booleans(), json_numbers, texts, non_finite)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=8
)


def as_json(value) -> str:
    """JSON text for `value`; infinities as the literals that parse to them (1e400), NaN as NaN."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("1e400" if value > 0 else "-1e999")
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {as_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(as_json(v) for v in value) + "]"
    return json.dumps(value)


# Any offset Python takes, and often the edges of PostgreSQL's (±15:59 accepted, ±16:00 not).
offsets = st.one_of(
    st.integers(min_value=-(24 * 60 - 1), max_value=24 * 60 - 1),
    st.sampled_from([16 * 60, -16 * 60, 16 * 60 - 1, -(16 * 60 - 1), 24 * 60 - 1, -(24 * 60 - 1)]),
).map(lambda minutes: timezone(timedelta(minutes=minutes)))
timestamps = st.builds(
    lambda dt, tz: dt.replace(tzinfo=tz).isoformat(),
    st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
    offsets,
)
uuids = st.uuids().map(str)
query_values = st.one_of(
    texts, timestamps, uuids, numbers.map(str),
    st.sampled_from(["true", "false", "created_at", "-progress_percentage", "9" * 5000, "-1", "0"]),
)


def list_cursor(position: str) -> str:
    return base64.b64encode(f"p={position}".encode("utf-8", "surrogatepass")).decode()


def conversation_cursor(position: str, message_id: str) -> str:
    raw = f"{position}|{message_id}".encode("utf-8", "surrogatepass")
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


cursors = st.one_of(
    st.builds(list_cursor, st.one_of(timestamps, texts, numbers.map(str))),
    st.builds(conversation_cursor, timestamps, uuids),
    texts,
)
# A parameter gets the values its parser takes first (a date filter a timestamp), and anything else.
PARAM_VALUES = {"created_after": timestamps, "created_before": timestamps, "cursor": cursors}


def param_values(name: str):
    if name not in PARAM_VALUES:
        return query_values
    return st.one_of(PARAM_VALUES[name], PARAM_VALUES[name], query_values)

# --- endpoints ------------------------------------------------------------------------------

S = "/api/sessions/{session}"
WRITES = {
    "start": ("POST", "/api/projects/{project}/start-tech-spec", {"design_job_id": "{job}"}),
    "decisions": ("POST", "/api/tech-spec/sessions/{session}/decisions",
                  {"decisions": [{"research_id": "{research}", "selected_technology": "Redis", "reasoning": "r"}]}),
    "transition": ("PATCH", S + "/", {"progress_percentage": 30}),
    "research": ("POST", S + "/research/", {"technology_category": "cache", "gap_description": "hot reads",
                                             "researched_options": [{"name": "Redis"}, {"name": "Memcached"}]}),
    "conversation": ("POST", S + "/conversations/", {"role": "agent", "message": "hi", "metadata": {"k": "v"}}),
    "trd": ("POST", S + "/trd-versions/", {"trd_content": "# TRD", "quality_score": "90.00",
                                           "validation_report": {"ok": True}}),
    "error": ("POST", S + "/errors/", {"node": "research", "error_type": "TimeoutError", "message": "slow",
                                       "retry_count": 1}),
    "recovered": ("POST", S + "/errors/recovered/", {"error_ids": ["{error}"], "recovered": True}),
}
READS = {
    "sessions": ("/api/sessions/", ["status", "project_id", "design_job_id", "user_id", "created_after",
                                    "created_before", "ordering", "cursor", "page_size"]),
    "errors": ("/api/errors/", ["node", "error_type", "recovered", "cursor", "page_size"]),
    "research": (S + "/research/", ["cursor", "page_size"]),
    "conversations": (S + "/conversations/", ["cursor", "page_size"]),
    "trd-versions": (S + "/trd-versions/", ["cursor", "page_size"]),
    "session-errors": (S + "/errors/", ["cursor", "page_size"]),
    "design-jobs": ("/api/design-jobs/", ["cursor", "page_size"]),
    "trd": ("/api/tech-spec/sessions/{session}/trd", ["version", "format"]),
}


def fill(template: str, ids: dict[str, str]) -> str:
    for name, value in ids.items():
        template = template.replace("{" + name + "}", value)
    return template


def paths_of(body, prefix=()) -> list[tuple]:
    """Every place in the body a value can go: each key (replaced or added beside), each list item."""
    found = [prefix]
    if isinstance(body, dict):
        found += [p for key, item in body.items() for p in paths_of(item, (*prefix, key))]
    elif isinstance(body, list):
        found += [p for index, item in enumerate(body) for p in paths_of(item, (*prefix, index))]
    return found


def value_at(body, path: tuple):
    for part in path:
        body = body[part]
    return body


def like(value):
    """Values of the same JSON type as `value` (a string for a string...), hostile ones included."""
    if isinstance(value, dict):
        return st.dictionaries(keys, json_values, min_size=1, max_size=3)
    if isinstance(value, list):
        return st.lists(json_values, min_size=1, max_size=3)
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int | float):
        return json_numbers
    return texts


def replaced(body, path: tuple, value):
    """The body with `value` at `path`; unchanged when an earlier edit removed that place."""
    if not path:
        return value
    copy = json.loads(json.dumps(body))
    target = copy
    for part in path[:-1]:
        present = part in target if isinstance(target, dict) else isinstance(target, list) and part < len(target)
        if not present:
            return body
        target = target[part]
    if isinstance(target, dict) or (isinstance(target, list) and path[-1] in range(len(target))):
        target[path[-1]] = value
    return copy


@pytest.fixture
def unthrottled(monkeypatch):
    monkeypatch.setattr(APIRateThrottle, "THROTTLE_RATES", {"user": None, "api": None})


def assert_below_500_and_nothing_stored_on_refusal(send) -> None:
    before = row_counts()
    savepoint = transaction.savepoint()
    try:
        response = send()
        assert response.status_code < 500, f"{response.status_code}: {response.content[:300]!r}"
        if response.status_code >= 400:
            assert set(response.json()) == {"error"}, response.content[:300]
            assert row_counts() == before
    finally:
        transaction.savepoint_rollback(savepoint)


WRITE_PLACES = [(name, place) for name, (_, _, body) in sorted(WRITES.items()) for place in paths_of(body)[1:]]
READ_PARAMS = [(name, param) for name, (_, params) in sorted(READS.items()) for param in params]


@pytest.mark.parametrize(("name", "place"), WRITE_PLACES, ids=[f"{n}:{'.'.join(map(str, p))}" for n, p in WRITE_PLACES])
def test_no_write_body_gets_a_5xx_and_a_refused_one_stores_nothing(hostile_world: World, unthrottled, name, place):
    """Each place of a valid body (not the whole body: test_hostile_input sends non-object ones)
    gets values of its own JSON type and any JSON; a second edit and an unknown key may come along."""
    method, path, valid = WRITES[name]
    valid = json.loads(fill(json.dumps(valid), hostile_world.ids))
    places = paths_of(valid)[1:]
    client = client_for(hostile_world, "owner" if name == "start" else "staff")
    url = fill(path, hostile_world.ids)

    @PROPERTY_SETTINGS
    @given(value=st.one_of(like(value_at(valid, place)), json_values),
           other=st.none() | st.tuples(st.sampled_from(places), json_values),
           extra=st.dictionaries(keys, json_values, max_size=1))
    def check(value, other, extra):
        body = replaced(valid, place, value)
        if other is not None:
            body = replaced(body, *other)
        raw = as_json({**body, **extra}).encode("utf-8", "surrogatepass")
        assert_below_500_and_nothing_stored_on_refusal(
            lambda: client.generic(method, url, raw, content_type="application/json"))

    check()


@pytest.mark.parametrize(("name", "param"), READ_PARAMS, ids=[f"{n}:{p}" for n, p in READ_PARAMS])
def test_no_filter_cursor_or_query_value_gets_a_5xx(hostile_world: World, unthrottled, name, param):
    path, _ = READS[name]
    client = client_for(hostile_world, "staff")
    url = fill(path, hostile_world.ids)

    @PROPERTY_SETTINGS
    @given(value=param_values(param))
    def check(value):
        encoded = urlencode({param: value.encode("utf-8", "surrogatepass")})
        assert_below_500_and_nothing_stored_on_refusal(lambda: client.get(f"{url}?{encoded}"))

    check()
