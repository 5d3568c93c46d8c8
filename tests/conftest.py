"""Fixtures shared by the suite: factories, and scratch databases for migration tests."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from techspec_project.database_url import server_url

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ScratchDatabase:
    """An empty database on the suite's server, for running `manage.py` against."""

    name: str
    url: str

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, autocommit=True)

    def manage(self, *args: str, mode: str = "bootstrap", check: bool = False) -> subprocess.CompletedProcess:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "DESIGN_BRIDGE_MODE": mode,
            "DJANGO_SETTINGS_MODULE": "techspec_project.settings",
            # Development (its key); the mode is what these tests vary.
            "DEBUG": "true",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture
def scratch_database(django_db_blocker):
    """Create an empty database next to the test database and drop it afterwards."""
    from django.db import connection

    name = f"techspec_scratch_{uuid.uuid4().hex[:12]}"
    admin_url = server_url(connection.settings_dict, "postgres")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield ScratchDatabase(name=name, url=server_url(connection.settings_dict, name))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- API clients ------------------------------------------------------------------


def bearer_token(user_id: uuid.UUID, role: str = "user", **claims) -> str:
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken()
    token["user_id"] = str(user_id)
    token["role"] = role
    for name, value in claims.items():
        token[name] = value
    return str(token)


@dataclass
class ApiCaller:
    """An APIClient authenticated as one platform user with one role."""

    user_id: uuid.UUID
    role: str
    client: object


@pytest.fixture
def api_as(db):
    """`api_as(role="user", user_id=None)` returns an ApiCaller with a bearer token.

    Throttle counts live in a table rolled back with the test: they start from
    zero in each test.
    """
    from rest_framework.test import APIClient

    def make(role: str = "user", user_id: uuid.UUID | None = None) -> ApiCaller:
        user_id = user_id or uuid.uuid4()
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer_token(user_id, role)}")
        return ApiCaller(user_id=user_id, role=role, client=client)

    return make


# --- live servers ---------------------------------------------------------------------


@dataclass
class LiveServer:
    """A `manage.py runserver` subprocess on a loopback port, against the test database."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:]


def run_concurrently(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..count-1) in `count` threads at once; each slot holds a result or the exception."""
    barrier = threading.Barrier(count)
    outcomes: list[object] = [None] * count

    def thread(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[index] = work(index)
        except Exception as exc:  # the test inspects every outcome
            outcomes[index] = exc
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is still running: a lock was never released"
    return outcomes


def stop_process(process: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if the process has not exited within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(server: LiveServer, deadline: float) -> None:
    import time
    import urllib.error
    import urllib.request

    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"runserver exited: {server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=2):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise AssertionError(f"runserver at {server.url} did not answer in time")


@pytest.fixture
def live_servers(transactional_db, tmp_path):
    """`live_servers(n, **env)` starts n runserver processes sharing the test database
    (and so its throttle counts); each is stopped, by its own pid, after the test."""
    import time

    from django.db import connection

    started: list[LiveServer] = []
    database_url = server_url(connection.settings_dict, connection.settings_dict["NAME"])

    def start(n: int = 1, **extra_env: str) -> list[LiveServer]:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "techspec_project.settings_test",
            "PYTHONUNBUFFERED": "1",
            # Plain HTTP on loopback: with DEBUG off there is no TLS proxy to redirect to.
            "SECURE_SSL_REDIRECT": "false",
            **extra_env,
        }
        servers = []
        for _ in range(n):
            port = _free_port()
            # The request log goes to a file: an unread pipe fills up and blocks the server.
            log = tmp_path / f"runserver-{port}.log"
            with log.open("w") as log_file:
                process = subprocess.Popen(
                    [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
                    cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, text=True,
                )
            servers.append(LiveServer(url=f"http://127.0.0.1:{port}", process=process, log=log))
        started.extend(servers)
        deadline = time.monotonic() + 60
        for server in servers:
            _wait_until_up(server, deadline)
        return servers

    try:
        yield start
    finally:
        for server in started:  # all asked to stop at once, then each waited for
            server.process.terminate()
        for server in started:
            stop_process(server.process)


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "live_servers"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _empty_shared_schema_after_transactional_tests(request, django_db_blocker):
    """Django's flush after a transactional test empties managed tables only; the
    unmanaged shared.* rows such a test committed would leak into the next test."""
    yield
    if not _is_transactional(request):
        return
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        # CASCADE reaches tech_spec_sessions and its children through the real foreign keys.
        cursor.execute(
            'TRUNCATE "shared"."design_progress", "shared"."design_decisions", "shared"."design_outputs",'
            ' "shared"."design_jobs" CASCADE'
        )
