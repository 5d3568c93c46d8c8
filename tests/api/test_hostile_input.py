"""Hostile and malformed input on every endpoint: a 4xx in the standard error shape,
never a 5xx, and not one row changed.

One table drives it: each endpoint (method, path, a valid body, its fields by kind)
is crossed with generic attacks (wrong content types, malformed or non-object JSON,
deep and huge JSON, oversized bodies, broken UUIDs in the path) and with attacks on
each field by its kind (missing, wrong type, too long, NUL, unpaired surrogate, bad
enum, out-of-range number). Mass assignment (test_mass_assignment.py) and valid-but-unusual
unicode (test_unicode_round_trip.py) are tested beside it: those requests succeed, and the
stored row shows what the server decided.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import pytest
from rest_framework.test import APIClient

from tests.support.hostile_input import (
    BAD_UUIDS,
    DEEP,
    DEEP_OBJECT,
    client_for,
    has_path,
    query_values,
    row_counts,
    set_path,
    with_field,
    wrong_values,
)

pytestmark = pytest.mark.django_db

HUGE = 2_000_000  # above API_MAX_BODY_BYTES (1 MiB)


# --- the endpoints -------------------------------------------------------------------------


@dataclass
class Endpoint:
    method: str
    path: str
    body: dict | None = None
    fields: dict[str, str] = field(default_factory=dict)  # field -> kind, for per-field attacks
    caller: str = "staff"  # staff passes every role check; the owner starts sessions (its own job)
    query: dict[str, str] = field(default_factory=dict)  # query parameter -> kind

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


S = "/api/sessions/{session}"
OPTIONS = [{"name": "Redis"}, {"name": "Memcached"}]
ENDPOINTS = [
    Endpoint("POST", "/api/projects/{project}/start-tech-spec", {"design_job_id": "{job}"},
             {"design_job_id": "uuid"}, caller="owner"),
    Endpoint("GET", "/api/tech-spec/sessions/{session}/status"),
    Endpoint("POST", "/api/tech-spec/sessions/{session}/decisions",
             {"decisions": [{"research_id": "{research}", "selected_technology": "Redis", "reasoning": "fast"}]},
             {"decisions": "list", "decisions.0.research_id": "uuid", "decisions.0.selected_technology": "text:200",
              "decisions.0.reasoning": "text:20000?", "decisions.0.custom": "bool?"}),
    Endpoint("GET", "/api/tech-spec/sessions/{session}/trd", query={"version": "positive"}),
    Endpoint("GET", "/api/sessions/", query={
        "status": "enum", "project_id": "uuid", "design_job_id": "uuid", "user_id": "uuid",
        "created_after": "datetime", "created_before": "datetime", "ordering": "enum", "cursor": "cursor",
        "page_size": "positive",
    }),
    Endpoint("GET", S + "/"),
    Endpoint("PATCH", S + "/", {"progress_percentage": 30},
             {"status": "enum", "current_stage": "enum", "progress_percentage": "percent"}),
    Endpoint("GET", S + "/research/", query={"cursor": "cursor", "page_size": "positive"}),
    Endpoint("POST", S + "/research/",
             {"technology_category": "cache", "gap_description": "hot reads", "researched_options": OPTIONS},
             {"technology_category": "text:100", "gap_description": "text:20000", "researched_options": "list",
              "researched_options.0": "object?", "researched_options.0.name": "json?"}),
    Endpoint("GET", S + "/conversations/", query={"cursor": "cursor", "page_size": "positive"}),
    Endpoint("POST", S + "/conversations/", {"role": "agent", "message": "hi", "metadata": {"k": "v"}},
             {"role": "enum", "message": "text:50000", "message_type": "enum?", "research_id": "uuid?",
              "metadata": "object?", "metadata.k": "json?"}),
    Endpoint("GET", S + "/trd-versions/", query={"cursor": "cursor", "page_size": "positive"}),
    Endpoint("GET", S + "/trd-versions/compare", query={"from": "positive", "to": "positive"}),
    Endpoint("POST", S + "/trd-versions/", {"trd_content": "# TRD", "quality_score": "90.00"},
             {"trd_content": "text:200000", "api_specification": "text:200000?", "quality_score": "score?",
              "validation_report": "object?"}),
    Endpoint("GET", S + "/errors/", query={"cursor": "cursor", "page_size": "positive"}),
    Endpoint("POST", S + "/errors/", {"node": "research", "error_type": "TimeoutError", "message": "slow"},
             {"node": "text:100", "error_type": "text:100", "message": "text:20000", "stack_trace": "text:200000?",
              "retry_count": "count?", "recovery_strategy": "text:100?"}),
    Endpoint("POST", S + "/errors/recovered/", {"error_ids": ["{error}"], "recovered": True},
             {"error_ids": "list", "error_ids.0": "uuid", "recovered": "bool?"}),
    Endpoint("GET", "/api/errors/", query={"node": "text", "error_type": "text", "recovered": "bool",
                                           "cursor": "cursor", "page_size": "positive"}),
    Endpoint("GET", "/api/errors/{error}/"),
    Endpoint("GET", "/api/design-jobs/", query={"cursor": "cursor", "page_size": "positive"}),
    Endpoint("GET", "/api/design-jobs/{job}/"),
]
WRITES = [e for e in ENDPOINTS if e.body is not None]

@dataclass
class Case:
    endpoint: Endpoint
    label: str
    path: str | None = None  # overrides endpoint.path (with a hostile id)
    raw_body: str | bytes | None = None
    content_type: str = "application/json"
    query: str = ""
    expect: tuple[int, ...] = ()  # exact status when the rule is specific; else any 4xx
    lenient: bool = False  # DRF ignores an unusable page_size/ordering/filter value: 200 is fine too


# A text filter simply matches nothing. (page_size, ordering and recovered are 400 when unusable:
# tests/api/test_list_pages.py.)
LENIENT_PARAMS = {"node", "error_type"}


def build_cases() -> list[Case]:
    cases: list[Case] = []
    for e in ENDPOINTS:
        for bad in BAD_UUIDS:
            for placeholder in ("{session}", "{project}", "{error}", "{job}"):
                if placeholder in e.path:
                    cases.append(Case(e, f"path id {bad[:16]!r}", path=e.path.replace(placeholder, bad)))
        cases.append(Case(e, "unknown id in path", path=e.path.replace("{session}", str(uuid.uuid4()))
                          .replace("{error}", str(uuid.uuid4())).replace("{job}", str(uuid.uuid4())))
                     ) if "{" in e.path and "{project}" not in e.path else None
        for param, kind in e.query.items():
            for label, value in query_values(kind).items():
                cases.append(Case(e, f"?{param}= {label}", query=f"{param}={value}",
                                  lenient=param in LENIENT_PARAMS))
    for e in WRITES:
        valid = json.dumps(e.body)
        generic = {
            "empty body": ("", "application/json"),
            "JSON null": ("null", "application/json"),
            "JSON array": (f"[{valid}]", "application/json"),
            "JSON string": ('"x"', "application/json"),
            "JSON number": ("12", "application/json"),
            "malformed JSON": (valid[:-1], "application/json"),
            "NaN document": ("NaN", "application/json"),
            "deeply nested array": (DEEP, "application/json"),
            "deeply nested object": (DEEP_OBJECT, "application/json"),
            "oversized body": ('{"x": "' + "a" * HUGE + '"}', "application/json"),
            "invalid UTF-8": (b'{"x": "\xff\xfe"}', "application/json"),
            "NUL byte in JSON text": (valid[:-1] + ', "\x00": 1}', "application/json"),
            "text/plain": (valid, "text/plain"),
            "form-encoded": ("a=1&b=2", "application/x-www-form-urlencoded"),
            "XML": ("<?xml version='1.0'?><a>1</a>", "application/xml"),
            "multipart without boundary": ("x", "multipart/form-data"),
        }
        for label, (raw, content_type) in generic.items():
            expect = (413,) if label == "oversized body" else (415,) if label in ("text/plain", "XML") else ()
            cases.append(Case(e, label, raw_body=raw, content_type=content_type, expect=expect))
        for name, kind in e.fields.items():
            in_body = has_path(e.body, name)
            if in_body and e.method == "POST" and not kind.endswith("?"):
                cases.append(Case(e, f"missing {name}", raw_body=set_path(e.body, name, None)))
            for label, raw in wrong_values(kind).items():
                cases.append(Case(e, f"{name} {label}", raw_body=set_path(with_field(e.body, name), name, raw)))
    return [c for c in cases if c is not None]


CASES = build_cases()
# Optional fields that accept null: null is a valid value there, not an attack.
NULL_OK = {"research_id", "quality_score"}


def send(client: APIClient, case: Case, ids: dict[str, str]):
    path = (case.path or case.endpoint.path).replace("{", "{{").replace("}", "}}")
    for name in ids:
        path = path.replace("{{" + name + "}}", "{" + name + "}")
    url = path.format(**ids) + (f"?{case.query}" if case.query else "")
    if case.raw_body is None:
        return client.generic(case.endpoint.method, url)
    raw = case.raw_body
    if isinstance(raw, str):
        for name, value in ids.items():
            raw = raw.replace("{" + name + "}", value)
        raw = raw.encode("utf-8", "surrogatepass")
    return client.generic(case.endpoint.method, url, raw, content_type=case.content_type)


def assert_refused(response, case: Case) -> None:
    assert response.status_code < 500, f"{response.status_code}: {response.content[:500]!r}"
    if case.lenient and response.status_code == 200:
        return
    if case.expect:
        assert response.status_code in case.expect, response.content[:500]
    else:
        assert 400 <= response.status_code < 500, f"{response.status_code}: {response.content[:300]!r}"
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["code"], str) and isinstance(body["error"]["message"], str), body


@pytest.mark.parametrize("case", CASES, ids=[f"{c.endpoint.name} | {c.label}" for c in CASES])
def test_hostile_input_is_refused_with_a_4xx_and_changes_nothing(hostile_world, case):
    before = row_counts()

    response = send(client_for(hostile_world, case.endpoint.caller), case, hostile_world.ids)

    assert_refused(response, case)
    assert row_counts() == before


def test_every_routed_endpoint_is_in_the_table():
    from django.urls import get_resolver

    def patterns(resolver, prefix=""):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                yield from patterns(p, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern)

    api_routes = {p for p in patterns(get_resolver()) if p.startswith("api/") and "schema" not in p
                  and "docs" not in p and "format" not in p}
    # Every view the API routes is reached by some endpoint of the table.
    from django.urls import resolve

    covered = {resolve(e.path.format(session=uuid.uuid4(), project=uuid.uuid4(), error=uuid.uuid4(),
                                     job=uuid.uuid4(), research=uuid.uuid4()).split("?")[0]).route
               for e in ENDPOINTS}
    missing = {r for r in api_routes if r not in covered and not r.endswith("$") or False} - covered
    # The router's API root (a listing of links) takes no input.
    missing = {r for r in missing if r not in ("api/", "api/^$")}
    assert not missing, f"endpoints without hostile-input cases: {sorted(missing)}"
