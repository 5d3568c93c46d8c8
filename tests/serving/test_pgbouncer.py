"""The app through a real PgBouncer (Debian's package) in transaction-pooling mode.

In that mode consecutive transactions of one client may run on different server
connections, so anything that lives in a server session (prepared statements,
WITH HOLD cursors, startup `options`) breaks. DB_PGBOUNCER=true switches those off.
`make test` installs pgbouncer when missing (make pgbouncer-deps).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from sessions_app.models import TechConversation, TechResearch, TechSpecSession
from sessions_app.selectors import session_counts_by_status, session_list, session_status_summary
from sessions_app.services import DecisionInput, conversation_append, decisions_record
from techspec_project.database_url import server_url
from tests.factories import TechResearchFactory, TechSpecSessionFactory
from tests.support.processes import free_port, stop_process

ROOT = Path(__file__).resolve().parents[2]
PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"

pytestmark = pytest.mark.slow


class PgBouncer:
    def __init__(self, port: int, settings_dict: dict):
        self.port = port
        self.settings_dict = settings_dict

    def url(self, dbname: str) -> str:
        return server_url({**self.settings_dict, "HOST": "127.0.0.1", "PORT": self.port}, dbname)


@pytest.fixture(scope="module")
def pgbouncer(django_db_setup, django_db_blocker):
    """PgBouncer on a loopback port, transaction pooling, 3 server connections, trust auth."""
    if not os.access(PGBOUNCER, os.X_OK):
        pytest.fail("pgbouncer is not installed: run `make pgbouncer-deps` (make test does).")
    settings_dict = connection.settings_dict
    host = settings_dict["HOST"] or "127.0.0.1"
    user = settings_dict["USER"] or "postgres"
    # Not under pytest's tmp root: that is private to us, and PgBouncer may run as another user.
    tmp = Path(tempfile.mkdtemp(prefix="techspec-pgbouncer-"))
    port = free_port()
    (tmp / "userlist.txt").write_text(f'"{user}" ""\n')
    (tmp / "pgbouncer.ini").write_text(f"""
[databases]
* = host={host} port={settings_dict["PORT"] or 5432}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {tmp}/userlist.txt
pool_mode = transaction
default_pool_size = 3
max_client_conn = 50
logfile = {tmp}/pgbouncer.log
pidfile = {tmp}/pgbouncer.pid
""")
    command = [PGBOUNCER]
    if os.geteuid() == 0:
        # PgBouncer refuses to run as root; run it as whoever owns the server's socket directory.
        owner = pwd.getpwuid(os.stat(host).st_uid).pw_name if host.startswith("/") else "nobody"
        shutil.chown(tmp, owner)
        for name in ("userlist.txt", "pgbouncer.ini"):
            shutil.chown(tmp / name, owner)
        command += ["-u", owner]
    output = (tmp / "stderr.log").open("w")
    process = subprocess.Popen([*command, str(tmp / "pgbouncer.ini")], stdout=output, stderr=subprocess.STDOUT)
    bouncer = PgBouncer(port, settings_dict)
    try:
        deadline = time.monotonic() + 20
        while True:
            if process.poll() is not None:
                raise AssertionError(f"pgbouncer exited: {(tmp / 'stderr.log').read_text()}")
            try:
                with psycopg.connect(bouncer.url(settings_dict["NAME"]), connect_timeout=2,
                                     prepare_threshold=None) as conn:
                    conn.execute("SELECT 1")
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield bouncer
    finally:
        stop_process(process)
        output.close()
        shutil.rmtree(tmp, ignore_errors=True)


PROBE = """
import json
from django.conf import settings
from django.db import connection
from sessions_app.models import TechSpecSession
from sessions_app.selectors import session_counts_by_status, session_list
rows = []
for _ in range(30):  # many transactions: PgBouncer hands out different server connections
    rows.append(TechSpecSession.objects.count())
    list(session_list().filter(status="pending")[:5])
    session_counts_by_status()
streamed = sum(1 for _ in TechSpecSession.objects.order_by("id").iterator(chunk_size=1))
print(json.dumps({
    "counts": sorted(set(rows)), "streamed": streamed,
    "server_side_cursors_off": settings.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"],
    "prepare_threshold": settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"],
    "pool": connection.pool is not None,
}))
"""


def _probe(bouncer: PgBouncer, **env: str) -> subprocess.CompletedProcess:
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "techspec_project.settings",
        "DATABASE_URL": bouncer.url(connection.settings_dict["NAME"]),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DESIGN_BRIDGE_MODE": "verify",
        **env,
    }
    return subprocess.run([sys.executable, "manage.py", "shell", "-c", PROBE], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_production_settings_with_db_pgbouncer_run_selectors_and_streamed_reads(pgbouncer):
    TechSpecSessionFactory.create_batch(3)
    result = _probe(pgbouncer, DB_PGBOUNCER="true")
    assert result.returncode == 0, result.stderr[-3000:]
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe == {"counts": [3], "streamed": 3, "server_side_cursors_off": True,
                     "prepare_threshold": None, "pool": True}


@pytest.mark.django_db(transaction=True)
def test_without_db_pgbouncer_the_statement_timeout_startup_option_is_refused(pgbouncer):
    # What the switch is for: production settings send `-c statement_timeout`, which PgBouncer rejects.
    result = _probe(pgbouncer, DB_PGBOUNCER="false", DB_POOL="false")
    assert result.returncode != 0
    assert "unsupported startup parameter" in result.stderr


@pytest.fixture
def through_pgbouncer(pgbouncer, transactional_db):
    """This process's default connection goes through PgBouncer with DB_PGBOUNCER's settings."""
    saved = {key: connection.settings_dict.get(key) for key in ("HOST", "PORT", "OPTIONS")}
    saved["DISABLE_SERVER_SIDE_CURSORS"] = connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS", False)
    connection.close()
    options = {k: v for k, v in saved["OPTIONS"].items() if k != "options"}
    connection.settings_dict.update(HOST="127.0.0.1", PORT=pgbouncer.port, DISABLE_SERVER_SIDE_CURSORS=True,
                                    OPTIONS={**options, "prepare_threshold": None})
    try:
        yield pgbouncer
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def test_services_selectors_and_the_api_work_through_transaction_pooling(through_pgbouncer, api_as):
    caller = api_as()
    session = TechSpecSessionFactory(user_id=caller.user_id)
    research = TechResearchFactory(session=session)
    other = TechResearchFactory(session=session)

    decisions_record(session=session, decisions=[DecisionInput(research.id, "PostgreSQL", "fit")])
    conversation_append(session=session, role="agent", message="Next: hosting.")
    assert session_status_summary(session_id=session.id).research_awaiting_decision == 1
    assert [s.id for s in session_list(owner_id=caller.user_id)] == [session.id]
    assert sum(session_counts_by_status().values()) == 1
    assert sum(1 for _ in TechConversation.objects.filter(session=session).iterator(chunk_size=1)) == 2

    response = caller.client.post(f"/api/tech-spec/sessions/{session.id}/decisions", {"decisions": [
        {"research_id": str(other.id), "selected_technology": "PostgreSQL", "reasoning": "same"},
    ]}, format="json")
    assert response.status_code == 201, response.content
    assert caller.client.get(f"/api/tech-spec/sessions/{session.id}/status").json()["research_awaiting_decision"] == 0
    assert TechResearch.objects.filter(session=session).exclude(selected_technology="").count() == 2
    assert TechSpecSession.objects.get(pk=session.pk).pk == session.pk

    connection.ensure_connection()
    assert connection.connection.info.port == through_pgbouncer.port  # PgBouncer's, not PostgreSQL's
