"""`make serve` itself: migrate, createcachetable, collectstatic, then gunicorn with DEBUG off."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from websockets.sync.client import connect

from techspec_project.database_url import server_url
from tests.support.events_server import close_code
from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_make_serve_serves_the_admin_with_static_files_and_the_api_with_debug_off(tmp_path):
    from django.db import connection

    port, events_port = free_port(), free_port()
    env = {
        **os.environ,
        "EVENTS_PORT": str(events_port),
        "DATABASE_URL": server_url(connection.settings_dict, connection.settings_dict["NAME"]),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "STATIC_ROOT": str(tmp_path / "static"),
        "DESIGN_BRIDGE_MODE": "verify",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "2",
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp_path / "serve.log"
    with log.open("w") as log_file:
        # Its own process group: make, its shell and gunicorn stop together.
        process = subprocess.Popen(["make", "--no-print-directory", "serve", f"PORT={port}"], cwd=ROOT, env=env,
                                   stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert process.poll() is None, log.read_text()[-3000:]
            try:
                if _get(base + "/health")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)

        status, headers, body = _get(base + "/admin/login/")
        assert status == 200
        assert headers["Server"].startswith("gunicorn")
        css = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', body)
        assert css and _get(base + css.group(1).decode())[0] == 200

        status, headers, body = _get(base + "/api/sessions/")
        assert status == 401
        assert b'"error"' in body and b"Traceback" not in body
        assert headers["X-Request-ID"]
        assert (tmp_path / "static" / "staticfiles.json").exists()  # the manifest of hashed names

        # The session events WebSocket on EVENTS_PORT (where a load balancer sends /ws/): refused without a token.
        deadline = time.monotonic() + 60
        while True:
            try:
                socket = connect(f"ws://127.0.0.1:{events_port}/ws/tech-spec/{uuid.uuid4()}", open_timeout=30)
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline, log.read_text()[-3000:]
                time.sleep(0.2)
        with socket:
            assert close_code(socket) == 4401
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
