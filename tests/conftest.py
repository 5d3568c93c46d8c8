"""Fixtures shared by the suite: scratch databases, API callers, live servers, a browser.

Plain helpers (tokens, processes, the error shape...) live in tests/support/; a fixture that
serves one folder only lives in that folder's conftest.py."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from dataclasses import dataclass

import psycopg
import pytest
from psycopg import sql

from techspec_project.database_url import server_url
from tests.support.api import api_client
from tests.support.browser import CHROMEDRIVER, CHROMIUM
from tests.support.private_postgres import PrivatePostgres
from tests.support.processes import ROOT, LiveServer, free_port, stop_process, wait_until_up


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

    def make(role: str = "user", user_id: uuid.UUID | None = None) -> ApiCaller:
        user_id = user_id or uuid.uuid4()
        return ApiCaller(user_id=user_id, role=role, client=api_client(user_id, role))

    return make


# --- live servers ---------------------------------------------------------------------


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
            port = free_port()
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
            wait_until_up(server, deadline)
        return servers

    try:
        yield start
    finally:
        for server in started:  # all asked to stop at once, then each waited for
            server.process.terminate()
        for server in started:
            stop_process(server.process)


@pytest.fixture
def private_postgres():
    """A PostgreSQL of this test's own (tests/support/private_postgres.py), removed afterwards."""
    pg = PrivatePostgres()
    try:
        yield pg
    finally:
        pg.destroy()


# --- a real browser ---------------------------------------------------------------------


@pytest.fixture
def browser():
    """Headless Chromium at 1400x1100 in a throwaway profile; a module using it sets
    `pytestmark = needs_browser` (tests/support/browser.py)."""
    import tempfile

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="techspec-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in (
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1100",
        ):
            options.add_argument(flag)
        # An explicit driver path: Selenium Manager never looks for (or downloads) one.
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        driver.implicitly_wait(5)
        try:
            yield driver
        finally:
            driver.quit()


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
