"""The race-free rules over real HTTP: many clients at once against a live gunicorn server.

gunicorn (2 workers x 16 threads), not runserver: runserver's listen backlog is a
handful of connections and resets the rest when fifty clients connect at once.

tests/database/test_concurrency.py proves the services under concurrent connections; this file
proves the whole stack (authentication, throttles, views, the exception handler,
one connection per request thread) keeps them, with the status codes a client sees.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest

from sessions_app.models import GeneratedTRDDocument, TechConversation, TechResearch, TechSpecSession
from techspec_project.database_url import server_url
from tests.factories import DesignJobFactory, TechResearchFactory, TechSpecSessionFactory
from tests.support.api import bearer_token
from tests.support.concurrency import run_concurrently
from tests.support.processes import ROOT, LiveServer, free_port, stop_process, wait_until_up

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Generous throttles: these tests are about races, not rate limits.
SERVER_ENV = {"API_USER_RATE": "100000/min", "API_GLOBAL_RATE": "100000/min"}


@pytest.fixture
def server(transactional_db, tmp_path):
    from django.db import connection

    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": server_url(connection.settings_dict, connection.settings_dict["NAME"]),
        "DJANGO_SETTINGS_MODULE": "techspec_project.settings_test",
        **SERVER_ENV,
    }
    log = tmp_path / "gunicorn.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "techspec_project.wsgi:application",
             "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "16", "--worker-class", "gthread",
             "--timeout", "60"],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
        )
    live = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        wait_until_up(live, time.monotonic() + 60)
        yield live
    finally:
        stop_process(process, timeout=15)


def post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def post_concurrently(count: int, url: str, token: str, body_for) -> list[tuple[int, dict]]:
    """POST from `count` threads released together; every slot holds (status, body)."""
    outcomes = run_concurrently(count, lambda index: post(url, token, body_for(index)))
    errors = [o for o in outcomes if isinstance(o, Exception)]
    assert not errors, errors[:3]
    return outcomes


def test_fifty_simultaneous_decisions_on_one_research_item_store_exactly_one(server):
    research = TechResearchFactory(session=TechSpecSessionFactory(status="waiting_user"))
    owner = bearer_token(research.session.user_id, "user")
    choices = ["PostgreSQL", "MySQL"]

    outcomes = post_concurrently(
        50, f"{server.url}/api/tech-spec/sessions/{research.session_id}/decisions", owner,
        lambda i: {"decisions": [{"research_id": str(research.pk), "selected_technology": choices[i % 2],
                                  "reasoning": f"client {i}"}]},
    )

    assert Counter(status for status, _ in outcomes) == Counter({201: 1, 409: 49}), server.log_tail()
    for status, body in outcomes:
        if status == 409:
            assert set(body) == {"error"} and body["error"]["code"] == "decision_already_recorded"
    winner = next(body for status, body in outcomes if status == 201)[0]
    row = TechResearch.objects.get(pk=research.pk)
    assert (row.selected_technology, row.selection_reasoning) == (
        winner["selected_technology"], winner["selection_reasoning"])
    messages = TechConversation.objects.filter(research=research)
    assert messages.count() == 1 and messages.get().role == "user"


def test_twenty_simultaneous_trd_uploads_get_versions_one_to_twenty(server):
    session = TechSpecSessionFactory()
    agent = bearer_token(session.user_id, "agent")

    outcomes = post_concurrently(
        20, f"{server.url}/api/sessions/{session.pk}/trd-versions/", agent,
        lambda i: {"trd_content": f"# TRD from writer {i}"},
    )

    assert Counter(status for status, _ in outcomes) == Counter({201: 20}), server.log_tail()
    stored = sorted(GeneratedTRDDocument.objects.filter(session=session).values_list("version", flat=True))
    assert stored == list(range(1, 21))
    assert sorted(body["version"] for _, body in outcomes) == stored  # each client was told its own version


def test_simultaneous_starts_for_one_job_and_user_return_one_session(server):
    user_id = uuid.uuid4()
    job = DesignJobFactory(user_id=user_id, with_outputs=True)
    owner = bearer_token(user_id, "user")

    outcomes = post_concurrently(
        10, f"{server.url}/api/projects/{job.project_id}/start-tech-spec", owner,
        lambda i: {"design_job_id": str(job.id)},
    )

    # docs/DOMAIN.md, second start: the caller's active session for the job comes back with 200.
    assert Counter(status for status, _ in outcomes) == Counter({201: 1, 200: 9}), server.log_tail()
    assert len({body["session_id"] for _, body in outcomes}) == 1
    assert TechSpecSession.objects.filter(design_job=job, user_id=user_id).count() == 1
