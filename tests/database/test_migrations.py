"""Migrations: order, reversibility, no drift, and the shared schema's two modes.

Scratch databases are created next to the test database and driven through
`manage.py migrate` in a subprocess, exactly as a deployment would run it.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader

from design_bridge.shared_schema import BOOTSTRAP_MARK

pytestmark = pytest.mark.slow

OWN_TABLES = {"tech_spec_sessions", "tech_research", "tech_conversations", "generated_trd_documents",
              "agent_error_logs"}
SHARED_TABLES = {"design_jobs", "design_outputs", "design_decisions", "design_progress"}

# What the Design Agent's own migrations might create: the columns techspec reads, plus extras.
DESIGN_AGENT_DDL = """
CREATE SCHEMA shared;
CREATE TABLE shared.design_jobs (id uuid PRIMARY KEY, project_id uuid NOT NULL, user_id uuid,
    status text NOT NULL, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
    completed_at timestamptz, model_name text, cost_usd numeric);
CREATE TABLE shared.design_outputs (id uuid PRIMARY KEY, job_id uuid NOT NULL REFERENCES shared.design_jobs,
    output_type text NOT NULL, content text NOT NULL, file_path text, created_at timestamptz NOT NULL,
    checksum text);
CREATE TABLE shared.design_decisions (id uuid PRIMARY KEY, job_id uuid NOT NULL REFERENCES shared.design_jobs,
    decision_type text NOT NULL, decision_value text NOT NULL, reasoning text NOT NULL,
    created_at timestamptz NOT NULL, confidence real);
CREATE TABLE shared.design_progress (id uuid PRIMARY KEY, job_id uuid NOT NULL REFERENCES shared.design_jobs,
    stage text NOT NULL, progress_percentage smallint NOT NULL, message text NOT NULL,
    created_at timestamptz NOT NULL);
INSERT INTO shared.design_jobs (id, project_id, status, created_at, updated_at)
    VALUES ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000aa', 'completed', now(), now());
"""


def tables(db, schema: str) -> set[str]:
    with db.connect() as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema]
        ).fetchall()
    return {name for (name,) in rows}


def shared_snapshot(db) -> list[tuple]:
    """Everything about shared.* a migration could change: columns, comments, rows."""
    with db.connect() as conn:
        columns = conn.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'shared' ORDER BY 1, 2"
        ).fetchall()
        comments = conn.execute(
            "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c"
            " WHERE c.relnamespace = 'shared'::regnamespace ORDER BY 1"
        ).fetchall()
        rows = conn.execute("SELECT id::text, status FROM shared.design_jobs ORDER BY 1").fetchall()
    return [*columns, *comments, *rows]


def test_design_bridge_migration_runs_before_the_first_sessions_app_migration():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan = loader.graph.forwards_plan(("sessions_app", "0002_database_cascades"))
    assert plan.index(("design_bridge", "0001_shared_schema")) < plan.index(("sessions_app", "0001_initial"))


@pytest.mark.django_db
def test_models_and_migrations_agree():
    # makemigrations --check exits 1 when a model change has no migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_migrations_apply_from_zero_and_reverse_to_zero(scratch_database):
    db = scratch_database
    db.manage("migrate", "--noinput", check=True)
    assert OWN_TABLES <= tables(db, "public")
    assert tables(db, "shared") == SHARED_TABLES

    db.manage("migrate", "sessions_app", "zero", "--noinput", check=True)
    db.manage("migrate", "design_bridge", "zero", "--noinput", check=True)

    assert not OWN_TABLES & tables(db, "public")
    assert tables(db, "shared") == set()
    with db.connect() as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = 'shared'").fetchone()[0] == 0

    # And forwards again, from the reversed state.
    db.manage("migrate", "--noinput", check=True)
    assert OWN_TABLES <= tables(db, "public")


def test_bootstrap_marks_what_it_created(scratch_database):
    scratch_database.manage("migrate", "design_bridge", "--noinput", check=True)
    with scratch_database.connect() as conn:
        marks = conn.execute(
            "SELECT obj_description(c.oid, 'pg_class') FROM pg_class c"
            " WHERE c.relnamespace = 'shared'::regnamespace AND c.relkind = 'r'"
        ).fetchall()
    assert [m for (m,) in marks] == [BOOTSTRAP_MARK] * 4


def test_verify_mode_without_shared_schema_stops_and_says_what_to_run(scratch_database):
    result = scratch_database.manage("migrate", "--noinput", mode="verify")

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "missing table shared.design_jobs" in result.stderr
    assert "Run the Design Agent's migrations first" in result.stderr
    # Nothing of techspec's was created either: the failure came before sessions_app.
    assert not OWN_TABLES & tables(scratch_database, "public")


def test_verify_mode_names_a_missing_column(scratch_database):
    with scratch_database.connect() as conn:
        conn.execute(DESIGN_AGENT_DDL)
        conn.execute("ALTER TABLE shared.design_outputs DROP COLUMN file_path")

    result = scratch_database.manage("migrate", "--noinput", mode="verify")

    assert result.returncode != 0
    assert "column(s) file_path of shared.design_outputs" in result.stderr


def test_verify_mode_accepts_the_design_agents_tables_and_changes_nothing_in_shared(scratch_database):
    with scratch_database.connect() as conn:
        conn.execute(DESIGN_AGENT_DDL)
    before = shared_snapshot(scratch_database)

    scratch_database.manage("migrate", "--noinput", mode="verify", check=True)

    assert shared_snapshot(scratch_database) == before
    assert OWN_TABLES <= tables(scratch_database, "public")


def test_reversing_bootstrap_never_drops_tables_it_did_not_create(scratch_database):
    with scratch_database.connect() as conn:
        conn.execute(DESIGN_AGENT_DDL)
    scratch_database.manage("migrate", "--noinput", mode="bootstrap", check=True)

    scratch_database.manage("migrate", "sessions_app", "zero", "--noinput", check=True)
    scratch_database.manage("migrate", "design_bridge", "zero", "--noinput", check=True)

    assert tables(scratch_database, "shared") == SHARED_TABLES
