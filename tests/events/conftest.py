"""Fixtures of the events tests: one uvicorn server per test module, and a session to follow.

A module that needs the server started with other settings (test_delivery.py, test_socket_guards.py,
test_browser_live_timeline.py) defines its own `server`, which takes precedence over this one."""

from __future__ import annotations

import pytest

from sessions_app.choices import SessionStage, SessionStatus
from tests.factories import TechSpecSessionFactory
from tests.support.events_server import start_events_server
from tests.support.processes import stop_process, suite_database_url


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """`python -m uvicorn` on the test database, with the default settings."""
    served = start_events_server(suite_database_url(), tmp_path_factory.mktemp("events") / "uvicorn.log")
    yield served
    stop_process(served.process)


@pytest.fixture
def session(transactional_db):
    return TechSpecSessionFactory(status=SessionStatus.IN_PROGRESS, current_stage=SessionStage.RESEARCH,
                                  progress_percentage=20)
