"""One JSON line per request: id (kept from X-Request-ID or made), method, path, status, duration, user."""

from __future__ import annotations

import json
import logging
import uuid

import pytest

from techspec_project.request_log import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="techspec.request")

    def lines():
        return [r for r in caplog.records if r.name == "techspec.request"]

    return lines


def test_a_request_gets_an_id_that_is_logged_and_returned(client, request_lines):
    response = client.get("/health")
    [record] = request_lines()
    assert response["X-Request-ID"] == record.request_id
    assert len(record.request_id) == 32
    assert (record.method, record.path, record.status) == ("GET", "/health", 200)
    assert record.duration_ms >= 0
    assert record.user_id is None


def test_the_load_balancers_request_id_is_kept(client, request_lines):
    response = client.get("/health", HTTP_X_REQUEST_ID="edge-1234.abc")
    assert response["X-Request-ID"] == "edge-1234.abc"
    assert request_lines()[0].request_id == "edge-1234.abc"


def test_an_unsafe_request_id_is_replaced(client, request_lines):
    response = client.get("/health", HTTP_X_REQUEST_ID='x" \n{"forged": 1}')
    assert response["X-Request-ID"] != 'x" \n{"forged": 1}'
    assert request_lines()[0].request_id == response["X-Request-ID"]


def test_the_token_users_id_and_the_status_of_a_refusal_are_logged(api_as, request_lines):
    caller = api_as("user")
    response = caller.client.get(f"/api/tech-spec/sessions/{uuid.uuid4()}/status")
    assert response.status_code == 404
    [record] = request_lines()
    assert record.user_id == str(caller.user_id)
    assert record.status == 404
    assert record.path.startswith("/api/tech-spec/sessions/")


def test_the_formatter_writes_one_json_object_with_the_extra_fields(client, request_lines):
    client.get("/health", HTTP_X_REQUEST_ID="req-1")
    line = JsonFormatter().format(request_lines()[0])
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["logger"] == "techspec.request"
    assert entry["level"] == "INFO"
    assert {k: entry[k] for k in ("request_id", "method", "path", "status")} == {
        "request_id": "req-1", "method": "GET", "path": "/health", "status": 200,
    }
    assert isinstance(entry["duration_ms"], float)
