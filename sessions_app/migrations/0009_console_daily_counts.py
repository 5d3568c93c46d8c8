"""Per-day counters for the staff overview and error triage (ConsoleDailyCount), kept by triggers.

Statement-level triggers with transition tables, like session_status_counts
(0004): one upsert per statement and (day, metric, key), however many rows it
touched; an UPDATE writes only the net change, so a progress tick writes nothing.
Days are UTC dates, whatever the writer's TimeZone. Every fact is also counted
on 1970-01-01 (ALL_TIME), so an all-time figure reads one day's rows, not every day's.
"""

from django.db import migrations, models

# What one row of each table counts for: (day, metric, key) facts, from the row's columns.
FACTS = {
    "tech_spec_sessions": """
        SELECT (r.created_at AT TIME ZONE 'UTC')::date, 'sessions', r.status || '/' || r.current_stage
        UNION ALL
        SELECT (r.completed_at AT TIME ZONE 'UTC')::date, 'completed',
               floor(4 * log(2.0, greatest(extract(epoch FROM r.completed_at - r.created_at), 1)::numeric))::int::text
        WHERE r.completed_at IS NOT NULL""",
    "agent_error_logs": """
        SELECT (r.created_at AT TIME ZONE 'UTC')::date, 'errors', r.node || chr(31) || r.error_type
        UNION ALL
        SELECT (r.created_at AT TIME ZONE 'UTC')::date, 'open_errors', r.node || chr(31) || r.error_type
        WHERE NOT r.recovered""",
    "generated_trd_documents": """
        SELECT (r.created_at AT TIME ZONE 'UTC')::date, 'trds',
               coalesce(least(floor(r.quality_score / 10) * 10, 90)::int::text, 'none')""",
}
ALL_TIME = "DATE '1970-01-01'"  # sessions_app.selectors.overview.ALL_TIME
# Each fact twice: on its own day and on the all-time day.
TWICE = "(VALUES (false), (true)) AS t(all_time)"
DAY = f"CASE WHEN t.all_time THEN {ALL_TIME} ELSE f.day END"
METRICS = {
    "tech_spec_sessions": "('sessions', 'completed')",
    "agent_error_logs": "('errors', 'open_errors')",
    "generated_trd_documents": "('trds')",
}


# The SQL below is assembled from this module's constants only (no input), hence the S608 waivers.
def _upsert(table: str, parts: list[tuple[str, int]]) -> str:
    rows = "\n            UNION ALL\n".join(
        f"            SELECT {DAY} AS day, f.metric, f.key, {sign} AS dn FROM {source} AS r,"  # noqa: S608
        f" LATERAL ({FACTS[table]}) AS f(day, metric, key), {TWICE}"
        for source, sign in parts
    )
    return f"""
        INSERT INTO console_daily_counts AS c (day, metric, key, shard, n)
        SELECT day, metric, key, my_shard, sum(dn) FROM (
{rows}
        ) AS delta
        GROUP BY metric, day, key HAVING sum(dn) <> 0 ORDER BY metric, day, key
        ON CONFLICT (metric, day, key, shard) DO UPDATE SET n = c.n + EXCLUDED.n;"""  # noqa: S608


def _create(table: str) -> str:
    # Upserts in key order, so two writers lock summary rows in the same order (no deadlock).
    return f"""
CREATE FUNCTION techspec_console_{table}_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    my_shard smallint := (pg_backend_pid() % 16)::smallint;
BEGIN
    IF TG_OP = 'INSERT' THEN{_upsert(table, [("new_rows", 1)])}
    ELSIF TG_OP = 'DELETE' THEN{_upsert(table, [("old_rows", -1)])}
    ELSE{_upsert(table, [("new_rows", 1), ("old_rows", -1)])}
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION techspec_console_{table}_truncate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM console_daily_counts WHERE metric IN {METRICS[table]};
    RETURN NULL;
END $$;

CREATE TRIGGER console_counts_insert AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION techspec_console_{table}_apply();
CREATE TRIGGER console_counts_delete AFTER DELETE ON {table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION techspec_console_{table}_apply();
CREATE TRIGGER console_counts_update AFTER UPDATE ON {table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION techspec_console_{table}_apply();
CREATE TRIGGER console_counts_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION techspec_console_{table}_truncate();

-- Rows that exist before this migration.
INSERT INTO console_daily_counts (day, metric, key, shard, n)
SELECT {DAY}, f.metric, f.key, 0, count(*)
FROM {table} AS r, LATERAL ({FACTS[table]}) AS f(day, metric, key), {TWICE}
GROUP BY 1, 2, 3;
"""  # noqa: S608


def _drop(table: str) -> str:
    return "\n".join(
        [f"DROP TRIGGER console_counts_{op} ON {table};" for op in ("truncate", "update", "delete", "insert")]
        + [f"DROP FUNCTION techspec_console_{table}_truncate();", f"DROP FUNCTION techspec_console_{table}_apply();"]
    )


CREATE_TRIGGERS = "".join(_create(table) for table in FACTS)
DROP_TRIGGERS = "\n".join(_drop(table) for table in FACTS)


class Migration(migrations.Migration):
    """The overview's per-day counters and the two indexes its stuck list and error triage read."""

    dependencies = [
        ('design_bridge', '0001_shared_schema'),
        ('sessions_app', '0007_session_status_view'),
    ]

    operations = [
        migrations.CreateModel(
            name='ConsoleDailyCount',
            fields=[
                ('pk', models.CompositePrimaryKey('metric', 'day', 'key', 'shard', blank=True, editable=False, primary_key=True, serialize=False)),
                ('metric', models.CharField(max_length=20)),
                ('day', models.DateField()),
                ('key', models.TextField()),
                ('shard', models.SmallIntegerField()),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'db_table': 'console_daily_counts',
            },
        ),
        migrations.AddIndex(
            model_name='agenterrorlog',
            index=models.Index(fields=['node', 'error_type', 'created_at'], name='error_group_created_idx'),
        ),
        migrations.AddIndex(
            model_name='techspecsession',
            index=models.Index(condition=models.Q(('status__in', ['in_progress', 'waiting_user'])), fields=['updated_at'], name='session_running_updated_idx'),
        ),
        migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
