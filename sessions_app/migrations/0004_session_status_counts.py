from django.db import migrations, models

# Statement-level triggers with transition tables: one summary write per
# statement, however many rows it touched (a seed batch of 5,000 sessions
# costs one upsert per status). Upserts go in status order, so two writers
# always lock summary rows in the same order and cannot deadlock on them.
CREATE_TRIGGERS = """
CREATE FUNCTION techspec_session_counts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    my_shard smallint := (pg_backend_pid() % 64)::smallint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO session_status_counts AS c (status, shard, n, progress_sum)
        SELECT status, my_shard, count(*), sum(progress_percentage) FROM new_rows
        GROUP BY status ORDER BY status
        ON CONFLICT (status, shard) DO UPDATE
            SET n = c.n + EXCLUDED.n, progress_sum = c.progress_sum + EXCLUDED.progress_sum;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO session_status_counts AS c (status, shard, n, progress_sum)
        SELECT status, my_shard, -count(*), -sum(progress_percentage) FROM old_rows
        GROUP BY status ORDER BY status
        ON CONFLICT (status, shard) DO UPDATE
            SET n = c.n + EXCLUDED.n, progress_sum = c.progress_sum + EXCLUDED.progress_sum;
    ELSE  -- UPDATE: net change per status; unchanged rows add nothing
        INSERT INTO session_status_counts AS c (status, shard, n, progress_sum)
        SELECT status, my_shard, sum(dn), sum(dp) FROM (
            SELECT status, 1 AS dn, progress_percentage::bigint AS dp FROM new_rows
            UNION ALL
            SELECT status, -1, -progress_percentage::bigint FROM old_rows
        ) AS delta
        GROUP BY status HAVING sum(dn) <> 0 OR sum(dp) <> 0 ORDER BY status
        ON CONFLICT (status, shard) DO UPDATE
            SET n = c.n + EXCLUDED.n, progress_sum = c.progress_sum + EXCLUDED.progress_sum;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION techspec_session_counts_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM session_status_counts;
    RETURN NULL;
END $$;

CREATE TRIGGER session_counts_insert AFTER INSERT ON tech_spec_sessions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION techspec_session_counts_apply();
CREATE TRIGGER session_counts_delete AFTER DELETE ON tech_spec_sessions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION techspec_session_counts_apply();
CREATE TRIGGER session_counts_update AFTER UPDATE ON tech_spec_sessions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION techspec_session_counts_apply();
CREATE TRIGGER session_counts_truncate AFTER TRUNCATE ON tech_spec_sessions
    FOR EACH STATEMENT EXECUTE FUNCTION techspec_session_counts_truncate();

-- Sessions that exist before this migration.
INSERT INTO session_status_counts (status, shard, n, progress_sum)
SELECT status, 0, count(*), sum(progress_percentage) FROM tech_spec_sessions GROUP BY status;
"""

DROP_TRIGGERS = """
DROP TRIGGER session_counts_truncate ON tech_spec_sessions;
DROP TRIGGER session_counts_update ON tech_spec_sessions;
DROP TRIGGER session_counts_delete ON tech_spec_sessions;
DROP TRIGGER session_counts_insert ON tech_spec_sessions;
DROP FUNCTION techspec_session_counts_truncate();
DROP FUNCTION techspec_session_counts_apply();
"""


class Migration(migrations.Migration):
    """A per-status summary of sessions, exact because PostgreSQL maintains it."""

    dependencies = [
        ("sessions_app", "0003_seed_stub_design_jobs"),
    ]

    operations = [
        migrations.CreateModel(
            name="SessionStatusCount",
            fields=[
                ("pk", models.CompositePrimaryKey("status", "shard", blank=True, editable=False, primary_key=True,
                                                  serialize=False)),
                ("status", models.CharField(max_length=20)),
                ("shard", models.SmallIntegerField()),
                ("n", models.BigIntegerField(default=0)),
                ("progress_sum", models.BigIntegerField(default=0)),
            ],
            options={
                "db_table": "session_status_counts",
            },
        ),
        migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
