"""What `make run` adds for developers must not change what the product answers.

The debug toolbar starts collapsed and never wraps /api/ responses: its History
panel reads request.body, which for a body over API_MAX_BODY_BYTES raised
RequestDataTooBig after the body-limit middleware had answered 413, and the
client got a 400 HTML page instead of the documented JSON error.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.support.bare_process import settings_with_nothing_set

pytestmark = pytest.mark.slow


def _post(url: str, body: bytes):
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def test_runserver_with_the_debug_toolbar_answers_an_oversized_api_body_with_413_json(live_servers):
    [server] = live_servers(
        1, DJANGO_SETTINGS_MODULE="techspec_project.settings", DEBUG="true", DEBUG_TOOLBAR="true",
    )
    # The toolbar is really on (and collapsed) for pages outside the API.
    login_page = _get(f"{server.url}/admin/login/")
    assert 'id="djDebug"' in login_page and 'data-default-show="false"' in login_page

    status, content_type, body = _post(f"{server.url}/api/sessions/", b"x" * (1_048_576 + 100))

    assert status == 413, body[:300]
    assert content_type.startswith("application/json")
    assert json.loads(body)["error"]["code"] == "request_too_large"


def test_debug_true_alone_turns_development_on_as_make_run_does():
    # No SECRET_KEY, no DESIGN_BRIDGE_MODE, no DEBUG_TOOLBAR: the Makefile's development targets set DEBUG only.
    probe = settings_with_nothing_set(DEBUG="true")

    assert probe == {
        "debug": True, "development_key": True, "design_bridge_mode": "bootstrap", "toolbar": True,
        "pool": False, "statement_timeout_ms": 0, "log_format": "text", "ssl_redirect": False,
    }


def test_the_toolbar_never_instruments_api_requests(rf, settings):
    from techspec_project.debug_toolbar import show_toolbar

    settings.DEBUG = True
    assert show_toolbar(rf.get("/admin/", REMOTE_ADDR="127.0.0.1"))
    assert not show_toolbar(rf.get("/api/sessions/", REMOTE_ADDR="127.0.0.1"))
    settings.DEBUG = False
    assert not show_toolbar(rf.get("/admin/", REMOTE_ADDR="127.0.0.1"))


def test_the_site_root_redirects_to_the_admin(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
