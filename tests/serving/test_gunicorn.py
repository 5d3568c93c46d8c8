"""`make serve`'s stack, started the way the Makefile starts it: gunicorn with
techspec_project/gunicorn.conf.py, DEBUG off, collected static files, the pool."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from techspec_project.database_url import server_url
from tests.support.processes import free_port, stop_process
from tooling.processes import wait_for_health

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.slow


@dataclass
class Served:
    url: str
    process: subprocess.Popen
    log: Path
    database_url: str
    application_name: str

    def get(self, path: str, headers: dict | None = None):
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def pool_backends(self) -> set[int]:
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.application_name]
            ).fetchall()
        return {pid for (pid,) in rows}


def _wait_for_health(served: Served) -> None:
    wait_for_health(served.process, served.url + "/health", log_tail=lambda: served.log.read_text()[-3000:])


@pytest.fixture(scope="module")
def served(django_db_setup, django_db_blocker, tmp_path_factory):
    """One gunicorn worker (2 threads, a pool of 2..3 connections) on the test database."""
    from django.db import connection

    tmp = tmp_path_factory.mktemp("serve")
    database_url = server_url(connection.settings_dict, connection.settings_dict["NAME"])
    application_name = f"techspec-serve-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "techspec_project.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(tmp / "static"),
        "DESIGN_BRIDGE_MODE": "verify",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
        "DB_POOL_MIN_SIZE": "2",
        "DB_POOL_MAX_SIZE": "3",
        "DB_APPLICATION_NAME": application_name,
    }
    collect = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert collect.returncode == 0, collect.stderr
    log = tmp / "gunicorn.log"
    with log.open("w") as log_file:
        process = subprocess.Popen([str(GUNICORN), "-c", "techspec_project/gunicorn.conf.py"],
                                   cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", process, log, database_url, application_name)
    try:
        _wait_for_health(served)
        yield served
    finally:
        stop_process(process, timeout=20)


def test_admin_login_page_is_served_with_its_hashed_stylesheet(served):
    status, _, body = served.get("/admin/login/")
    assert status == 200
    stylesheet = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the admin should link a hashed (manifest) stylesheet"
    status, headers, css = served.get(stylesheet.group(1).decode())
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert b"body" in css


def test_swagger_ui_loads_its_assets_from_this_server_not_a_cdn(served):
    status, _, page = served.get("/api/docs/")
    assert status == 200
    scripts = re.findall(rb'src="([^"]+\.js)"', page)
    assert scripts, page[:500]
    assert all(src.startswith(b"/static/") for src in scripts), scripts
    status, _, script = served.get(scripts[0].decode())
    assert status == 200 and len(script) > 10_000


def test_debug_is_off_so_a_missing_page_shows_no_debug_report(served):
    status, _, body = served.get("/no-such-page")
    assert status == 404
    assert b"URLconf" not in body and b"DEBUG = True" not in body


def test_request_id_is_echoed_and_the_request_is_logged_as_json(served):
    request_id = f"lb-{uuid.uuid4().hex}"
    status, headers, _ = served.get("/health", headers={"X-Request-ID": request_id})
    assert status == 200
    assert headers["X-Request-ID"] == request_id
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and request_id not in served.log.read_text():
        time.sleep(0.05)
    line = next(line for line in served.log.read_text().splitlines() if request_id in line)
    import json

    entry = json.loads(line)
    assert entry["method"] == "GET" and entry["path"] == "/health" and entry["status"] == 200
    assert entry["duration_ms"] >= 0


def test_pool_keeps_its_connections_open_across_requests(served):
    assert served.get("/health")[0] == 200
    # The pool fills to min_size in the background once first used: wait for it.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and len(served.pool_backends()) < 2:
        time.sleep(0.1)
    before = served.pool_backends()
    assert len(before) >= 2, "the pool should hold DB_POOL_MIN_SIZE connections between requests"
    for _ in range(20):
        assert served.get("/health")[0] == 200
    after = served.pool_backends()
    # Without a pool every request opens and closes its own connection (new backend pids).
    assert len(after) <= 3
    assert before <= after, "the pooled connections should be reused, not replaced"


# --- what gunicorn answers itself, and what reaches Django ---------------------------------------


def gunicorn_settings() -> dict:
    import runpy

    return runpy.run_path(str(ROOT / "techspec_project" / "gunicorn.conf.py"))


def test_gunicorn_header_limits_stay_below_the_api_body_limit():
    from django.conf import settings

    limits = gunicorn_settings()
    head = limits["limit_request_line"] + limits["limit_request_fields"] * limits["limit_request_field_size"]
    assert 0 < head < settings.API_MAX_BODY_BYTES


def raw_request(served: Served, head: str, body: bytes = b"") -> tuple[int, str, bytes]:
    """Send bytes as written (http.client would fix up what these tests get wrong on purpose)."""
    import socket

    host, port = served.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode("latin-1") + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    response = b"".join(chunks)
    status_line, _, rest = response.partition(b"\r\n")
    headers, _, payload = rest.partition(b"\r\n\r\n")
    return int(status_line.split()[1]), headers.decode("latin-1").lower(), payload


def test_a_chunked_api_body_gets_411_in_the_error_envelope(served):
    body = b'{"role": "agent", "message": "hi"}'
    chunked = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    status, headers, payload = raw_request(served, (
        f"POST /api/sessions/{uuid.uuid4()}/conversations/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"), chunked)
    assert status == 411 and "application/json" in headers
    assert b'"code": "length_required"' in payload or b'"code":"length_required"' in payload


def test_a_post_without_the_trailing_slash_reaches_the_api_not_a_redirect(served):
    body = b'{"role": "agent", "message": "hi"}'
    status, headers, payload = raw_request(served, (
        f"POST /api/sessions/{uuid.uuid4()}/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"), body)
    assert status == 401 and "application/json" in headers, (status, payload[:200])  # no token: the API's answer


def test_gunicorn_answers_414_for_a_request_line_over_its_limit_before_django(served):
    path = "/api/sessions/?q=" + "a" * gunicorn_settings()["limit_request_line"]
    status, _, _ = raw_request(served, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert status == 414


def test_gunicorn_answers_431_for_headers_over_its_limits_before_django(served):
    limits = gunicorn_settings()
    too_long = "X-Big: " + "a" * (limits["limit_request_field_size"] + 1) + "\r\n"
    too_many = "".join(f"X-H{n}: 1\r\n" for n in range(limits["limit_request_fields"] + 1))
    for extra in (too_long, too_many):
        head = f"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}Connection: close\r\n\r\n"
        status, _, _ = raw_request(served, head)
        assert status == 431
