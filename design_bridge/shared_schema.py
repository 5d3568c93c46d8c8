"""Bootstrap or verify the Design Agent's `shared` schema.

Bootstrap mode (dev, tests, embedded database) creates the schema and the four
tables when they are absent, marking what it created with a table comment so
that reversing the migration drops only those. Verify mode (production) only
checks that the tables and the columns techspec reads exist.
"""

from __future__ import annotations

from django.core.management.base import CommandError

SCHEMA = "shared"
BOOTSTRAP_MARK = "created by techspec design_bridge bootstrap"

# Tables in creation order (children after the job table they reference).
TABLE_DDL: dict[str, str] = {
    "design_jobs": """
        CREATE TABLE shared.design_jobs (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            project_id uuid NOT NULL,
            user_id uuid NULL,
            status varchar(32) NOT NULL DEFAULT 'pending',
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            completed_at timestamptz NULL
        );
        CREATE INDEX design_jobs_project_idx ON shared.design_jobs (project_id);
        CREATE INDEX design_jobs_status_idx ON shared.design_jobs (status);
    """,
    "design_outputs": """
        CREATE TABLE shared.design_outputs (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            job_id uuid NOT NULL REFERENCES shared.design_jobs (id) ON DELETE CASCADE,
            output_type varchar(64) NOT NULL,
            content text NOT NULL DEFAULT '',
            file_path text NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            UNIQUE (job_id, output_type)
        );
    """,
    "design_decisions": """
        CREATE TABLE shared.design_decisions (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            job_id uuid NOT NULL REFERENCES shared.design_jobs (id) ON DELETE CASCADE,
            decision_type varchar(64) NOT NULL,
            decision_value text NOT NULL,
            reasoning text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX design_decisions_job_created_idx ON shared.design_decisions (job_id, created_at);
    """,
    "design_progress": """
        CREATE TABLE shared.design_progress (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            job_id uuid NOT NULL REFERENCES shared.design_jobs (id) ON DELETE CASCADE,
            stage varchar(64) NOT NULL,
            progress_percentage smallint NOT NULL DEFAULT 0,
            message text NOT NULL DEFAULT '',
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX design_progress_job_created_idx ON shared.design_progress (job_id, created_at);
    """,
}

# The columns techspec reads: the unmanaged models' columns. Extra columns are fine.
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "design_jobs": ("id", "project_id", "user_id", "status", "created_at", "updated_at", "completed_at"),
    "design_outputs": ("id", "job_id", "output_type", "content", "file_path", "created_at"),
    "design_decisions": ("id", "job_id", "decision_type", "decision_value", "reasoning", "created_at"),
    "design_progress": ("id", "job_id", "stage", "progress_percentage", "message", "created_at"),
}


def missing_parts(cursor) -> list[str]:
    """Name every required table or column of `shared` that the database lacks."""
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s",
        [SCHEMA],
    )
    present: dict[str, set[str]] = {}
    for table, column in cursor.fetchall():
        present.setdefault(table, set()).add(column)
    missing = []
    for table, columns in REQUIRED_COLUMNS.items():
        if table not in present:
            missing.append(f"table {SCHEMA}.{table}")
            continue
        absent = [c for c in columns if c not in present[table]]
        if absent:
            missing.append(f"column(s) {', '.join(absent)} of {SCHEMA}.{table}")
    return missing


def verify(cursor) -> None:
    missing = missing_parts(cursor)
    if missing:
        raise CommandError(
            "The Design Agent's shared schema is not ready: missing "
            + "; ".join(missing)
            + ". Run the Design Agent's migrations first (it owns the shared schema), then run "
            "`manage.py migrate` again. On a development database, DESIGN_BRIDGE_MODE=bootstrap "
            "creates the tables instead."
        )


def bootstrap(cursor) -> None:
    cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [SCHEMA])
    if cursor.fetchone() is None:
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        cursor.execute(f"COMMENT ON SCHEMA {SCHEMA} IS %s", [BOOTSTRAP_MARK])
    for table, ddl in TABLE_DDL.items():
        cursor.execute("SELECT to_regclass(%s)", [f"{SCHEMA}.{table}"])
        if cursor.fetchone()[0] is None:
            cursor.execute(ddl)
            cursor.execute(f"COMMENT ON TABLE {SCHEMA}.{table} IS %s", [BOOTSTRAP_MARK])
    # Tables that existed before must still carry what techspec reads.
    verify(cursor)


def unbootstrap(cursor) -> None:
    """Drop only what bootstrap created; never a table the Design Agent made."""
    for table in reversed(TABLE_DDL):
        cursor.execute("SELECT obj_description(to_regclass(%s), 'pg_class')", [f"{SCHEMA}.{table}"])
        row = cursor.fetchone()
        if row and row[0] == BOOTSTRAP_MARK:
            cursor.execute(f"DROP TABLE {SCHEMA}.{table}")
    cursor.execute(
        "SELECT obj_description(oid, 'pg_namespace'), "
        "NOT EXISTS (SELECT 1 FROM pg_class WHERE relnamespace = n.oid) "
        "FROM pg_namespace n WHERE nspname = %s",
        [SCHEMA],
    )
    row = cursor.fetchone()
    if row and row[0] == BOOTSTRAP_MARK and row[1]:
        cursor.execute(f"DROP SCHEMA {SCHEMA}")
