"""A migration interrupted halfway leaves the schema at the previous migration."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_a_migration_failing_halfway_leaves_the_schema_at_the_previous_migration(scratch_database):
    scratch_database.manage("migrate", "sessions_app", "0003", check=True)
    with scratch_database.connect() as conn:
        # 0004 creates a table, then functions: a function already named like its second
        # one makes the RunSQL fail after the CreateModel has run.
        conn.execute("CREATE FUNCTION techspec_session_counts_truncate() RETURNS int LANGUAGE sql AS 'SELECT 1'")

    result = scratch_database.manage("migrate", "sessions_app", "0004")

    assert result.returncode != 0 and "techspec_session_counts_truncate" in (result.stderr + result.stdout)
    with scratch_database.connect() as conn:
        assert conn.execute("SELECT to_regclass('session_status_counts')").fetchone()[0] is None
        applied = [name for (name,) in conn.execute(
            "SELECT name FROM django_migrations WHERE app = 'sessions_app' ORDER BY name")]
        assert applied[-1].startswith("0003") and not any(n.startswith("0004") for n in applied)
        assert conn.execute(
            "SELECT count(*) FROM pg_proc WHERE proname = 'techspec_session_counts_apply'").fetchone()[0] == 0

    # With the conflicting object gone, the same migration applies cleanly.
    with scratch_database.connect() as conn:
        conn.execute("DROP FUNCTION techspec_session_counts_truncate()")
    scratch_database.manage("migrate", "sessions_app", "0004", check=True)
    with scratch_database.connect() as conn:
        assert conn.execute("SELECT to_regclass('session_status_counts')").fetchone()[0] is not None
