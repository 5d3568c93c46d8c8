"""A slow query cannot pin a worker: over the statement timeout it is a 503 in the error shape,
and DB_STATEMENT_TIMEOUT_MS reaches the connection."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.support.processes import ROOT

pytestmark = pytest.mark.slow


@pytest.mark.django_db
def test_a_query_over_the_statement_timeout_is_a_503_in_the_error_shape(api_as, monkeypatch):
    from django.db import connection

    from sessions_app import selectors
    from tests.factories import TechSpecSessionFactory

    session = TechSpecSessionFactory()

    def slow_summary(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")

    monkeypatch.setattr(selectors, "session_status_summary", slow_summary)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 200")  # DB_STATEMENT_TIMEOUT_MS in a server

    started = time.monotonic()
    response = api_as("user", user_id=session.user_id).client.get(f"/api/tech-spec/sessions/{session.id}/status")

    assert time.monotonic() - started < 3
    assert response.status_code in (503, 504), response.content
    error = response.json()["error"]
    assert set(response.json()) == {"error"} and error["code"] == "database_timeout" and error["message"]


def test_the_statement_timeout_setting_reaches_the_connection(scratch_database):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.db import connection; c = connection.cursor(); c.execute('SHOW statement_timeout');"
         " print(c.fetchone()[0])"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DATABASE_URL": scratch_database.url, "DJANGO_SETTINGS_MODULE": "techspec_project.settings",
             "DEBUG": "true", "DB_STATEMENT_TIMEOUT_MS": "1234"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "1234ms"
