"""gunicorn's own log lines are JSON objects like the request log, so a log pipeline reads one format."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from techspec_project.database_url import server_url
from tests.support.processes import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.slow


def _serve_and_stop(tmp_path: Path, *, access_log: bool, request_id: str) -> list[str]:
    """Start gunicorn as `make serve` does, send two requests, stop it (SIGTERM); its log lines."""
    from django.db import connection

    port = free_port()
    static = tmp_path / "static"
    static.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "techspec_project.settings",
        "DATABASE_URL": server_url(connection.settings_dict, connection.settings_dict["NAME"]),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(static),
        "DESIGN_BRIDGE_MODE": "verify",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_ACCESS_LOG": "true" if access_log else "false",
    }
    env.pop("LOG_FORMAT", None)
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        process = subprocess.Popen([str(GUNICORN), "-c", "techspec_project/gunicorn.conf.py"],
                                   cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"gunicorn exited:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"gunicorn did not answer:\n{log.read_text()[-3000:]}"
            try:
                request = urllib.request.Request(url + "/health?probe=1", headers={"X-Request-ID": request_id})
                with urllib.request.urlopen(request, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(url + "/no-such-page", timeout=5)
    finally:
        stop_process(process, timeout=20)
    return [line for line in log.read_text().splitlines() if line.strip()]


def _parsed(lines: list[str]) -> list[dict]:
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"a log line is not JSON: {line!r}") from None
    return entries


def test_gunicorn_error_and_access_lines_are_json_with_the_request_fields(tmp_path, django_db_setup):
    request_id = f"lb-{uuid.uuid4().hex}"

    entries = _parsed(_serve_and_stop(tmp_path, access_log=True, request_id=request_id))

    messages = {e["message"] for e in entries if e["logger"] == "gunicorn.error"}
    assert any(m.startswith("Booting worker with pid") for m in messages), messages
    assert "Shutting down: Master" in messages
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    access = [e for e in entries if e["logger"] == "gunicorn.access"]
    health = next(e for e in access if e["path"] == "/health" and e["status"] == 200)
    assert health["method"] == "GET" and health["query"] == "probe=1"
    assert health["request_id"] == request_id and health["duration_ms"] >= 0
    assert any(e["path"] == "/no-such-page" and e["status"] == 404 for e in access)
    # The request log's line for the same request carries the same id: the two can be joined.
    assert any(e["logger"] == "techspec.request" and e.get("request_id") == request_id for e in entries)


def test_without_the_access_log_only_the_request_log_records_requests(tmp_path, django_db_setup):
    entries = _parsed(_serve_and_stop(tmp_path, access_log=False, request_id="no-access-log"))

    assert not [e for e in entries if e["logger"] == "gunicorn.access"]
    assert any(e["logger"] == "gunicorn.error" for e in entries)
    assert any(e["logger"] == "techspec.request" and e["path"] == "/no-such-page" for e in entries)
