"""What PostgreSQL says about itself, read from its catalogs at request time (the admin's PgHero).

Read-only: every function runs SELECTs on pg_catalog / statistics views and
returns plain rows. A fixed number of queries (one per section) whatever the
size of the data, and no section reads a techspec table itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import DatabaseError, connections, transaction
from django.db.backends.utils import CursorWrapper

# PgHero's rules of thumb for "what to do next".
DEAD_ROW_SHARE = 0.10  # vacuum hint above 10 % dead rows …
DEAD_ROW_MIN = 1_000  # … once there are this many
STALE_ANALYZE = timedelta(days=7)
CACHE_HIT_GOOD = 0.99
TOP_QUERIES = 10
RELATION_LIMIT = 40
QUERY_CHARS = 1_000

# One row of a catalog query: column name -> value, as PostgreSQL returned it.
Row = dict[str, Any]


def _rows(cursor: CursorWrapper) -> list[Row]:
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _fetch(sql: str, params: Sequence[int | str] | None = None, *, using: str = "default",
           fresh: bool = False) -> list[Row]:
    with connections[using].cursor() as cursor:
        if fresh:
            # pg_stat_activity is read once per transaction; inside one (a test, ATOMIC_REQUESTS)
            # it would show the backends as they were at its first read.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(sql, params or [])
        return _rows(cursor)


@dataclass
class Statements:
    """pg_stat_statements: the top queries, or why there are none."""

    available: bool  # the contrib is installed on the server (pg_available_extensions)
    installed: bool  # CREATE EXTENSION was run in this database
    error: str = ""  # installed but not preloaded, for example
    by_total: list[Row] = field(default_factory=list)
    by_mean: list[Row] = field(default_factory=list)


def database_overview() -> Row:
    """Size, version, uptime, connection limit and cache hit ratios (one query)."""
    return _fetch(
        """
        SELECT current_database() AS name,
               pg_database_size(current_database()) AS size_bytes,
               current_setting('server_version') AS version,
               now() - pg_postmaster_start_time() AS uptime,
               current_setting('max_connections')::int AS max_connections,
               current_setting('shared_buffers') AS shared_buffers,
               d.stats_reset,
               (SELECT sum(heap_blks_hit)::float8 / nullif(sum(heap_blks_hit) + sum(heap_blks_read), 0)
                  FROM pg_statio_user_tables) AS table_hit_ratio,
               (SELECT sum(idx_blks_hit)::float8 / nullif(sum(idx_blks_hit) + sum(idx_blks_read), 0)
                  FROM pg_statio_user_indexes) AS index_hit_ratio,
               pg_is_in_recovery() AS in_recovery
          FROM pg_stat_database d
         WHERE d.datname = current_database()
        """
    )[0]


def relation_stats(*, limit: int = RELATION_LIMIT) -> list[Row]:
    """The largest tables: sizes (table, indexes, TOAST), row estimates, dead rows, (auto)vacuum/analyze."""
    return _fetch(
        """
        SELECT s.schemaname AS schema, s.relname AS name,
               c.reltuples::bigint AS row_estimate, s.n_live_tup AS live_rows, s.n_dead_tup AS dead_rows,
               s.n_mod_since_analyze AS modified_since_analyze,
               pg_table_size(c.oid) - coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS table_bytes,
               pg_indexes_size(c.oid) AS index_bytes,
               coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) AS toast_bytes,
               pg_total_relation_size(c.oid) AS total_bytes,
               s.seq_scan, s.idx_scan,
               s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
               io.heap_blks_hit::float8 / nullif(io.heap_blks_hit + io.heap_blks_read, 0) AS hit_ratio
          FROM pg_stat_user_tables s
          JOIN pg_class c ON c.oid = s.relid
          LEFT JOIN pg_statio_user_tables io ON io.relid = s.relid
         ORDER BY pg_total_relation_size(c.oid) DESC, s.relname
         LIMIT %s
        """,
        [limit],
    )


def index_stats() -> list[Row]:
    """Every user index: size, scans, what it covers; `unused` and `duplicate_of` say what to drop."""
    rows = _fetch(
        """
        SELECT s.schemaname AS schema, s.relname AS table_name, s.indexrelname AS name,
               pg_relation_size(s.indexrelid) AS size_bytes, s.idx_scan AS scans,
               i.indisunique AS is_unique, i.indisprimary AS is_primary,
               i.indkey::text AS columns, i.indclass::text AS opclasses, i.indrelid AS table_oid,
               am.amname AS method,
               coalesce(pg_get_expr(i.indpred, i.indrelid), '') AS predicate,
               coalesce(pg_get_expr(i.indexprs, i.indrelid), '') AS expressions,
               pg_get_indexdef(s.indexrelid) AS definition
          FROM pg_stat_user_indexes s
          JOIN pg_index i ON i.indexrelid = s.indexrelid
          JOIN pg_class ic ON ic.oid = s.indexrelid
          JOIN pg_am am ON am.oid = ic.relam
         ORDER BY pg_relation_size(s.indexrelid) DESC, s.indexrelname
        """
    )
    for row in rows:
        row["unused"] = row["scans"] == 0 and not (row["is_unique"] or row["is_primary"])
        row["duplicate_of"] = _covering_index(row, rows)
    # What needs attention first, then the largest.
    rows.sort(key=lambda row: (not (row["duplicate_of"] or row["unused"]), -row["size_bytes"]))
    return rows


def _covering_index(index: Row, indexes: list[Row]) -> str:
    """Another index of the same table whose leading columns are this one's (PgHero's duplicate rule).

    Columns count with their operator classes and the access method: a varchar_pattern_ops
    index (LIKE 'abc%') is not covered by a plain b-tree on the same column.
    """
    if index["is_unique"] or index["is_primary"] or index["expressions"]:
        return ""
    mine = list(zip(index["columns"].split(), index["opclasses"].split(), strict=False))
    for other in indexes:
        if other is index or other["table_oid"] != index["table_oid"] or other["expressions"]:
            continue
        if other["predicate"] != index["predicate"] or other["method"] != index["method"]:
            continue
        theirs = list(zip(other["columns"].split(), other["opclasses"].split(), strict=False))
        if theirs[: len(mine)] != mine:
            continue
        # The same columns: keep the unique one, or the one that sorts first by name.
        if len(theirs) > len(mine) or other["is_unique"] or other["name"] < index["name"]:
            return str(other["name"])
    return ""


def connection_stats() -> list[Row]:
    """Connections to this database by state and application_name."""
    return _fetch(
        """
        SELECT coalesce(state, 'background') AS state, application_name, count(*) AS connections,
               greatest(max(now() - state_change), interval '0') AS longest_in_state
          FROM pg_stat_activity
         WHERE datname = current_database()
         GROUP BY 1, 2
         ORDER BY 3 DESC, 1, 2
        """
    )


def running_queries() -> list[Row]:
    """Every non-idle backend of this database but ours: what it runs, for how long, and who blocks it."""
    return _fetch(
        """
        SELECT pid, usename AS user_name, application_name, state, wait_event_type, wait_event,
               now() - query_start AS duration, now() - xact_start AS transaction_age,
               pg_blocking_pids(pid) AS blocked_by, left(query, %s) AS query, backend_type
          FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()
           AND state IS NOT NULL AND state <> 'idle'
         ORDER BY query_start NULLS LAST
        """,
        [QUERY_CHARS],
        fresh=True,
    )


def backend_get(*, pid: int) -> Row | None:
    """One backend of this database (not ours), for the cancel confirmation page."""
    rows = _fetch(
        """
        SELECT pid, usename AS user_name, application_name, state, now() - query_start AS duration,
               left(query, %s) AS query
          FROM pg_stat_activity
         WHERE pid = %s AND datname = current_database() AND pid <> pg_backend_pid()
        """,
        [QUERY_CHARS, pid],
        fresh=True,
    )
    return rows[0] if rows else None


def replication_stats() -> Row:
    """Streaming replicas seen by this server, and the configured replica's own replay lag."""
    standbys = _fetch(
        """
        SELECT application_name, client_addr::text AS client, state, sync_state,
               write_lag, flush_lag, replay_lag,
               pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS replay_bytes_behind
          FROM pg_stat_replication
        """
    ) if not _in_recovery() else []
    replica = None
    if "replica" in connections.settings:
        try:
            replica = _fetch(
                """
                SELECT pg_is_in_recovery() AS in_recovery,
                       CASE WHEN pg_is_in_recovery() THEN now() - pg_last_xact_replay_timestamp() END AS lag
                """,
                using="replica",
            )[0]
        except DatabaseError as exc:
            replica = {"error": str(exc).strip()}
    return {"standbys": standbys, "replica": replica}


def _in_recovery() -> bool:
    return bool(_fetch("SELECT pg_is_in_recovery() AS r")[0]["r"])


def statement_stats(*, top: int = TOP_QUERIES) -> Statements:
    """The top queries by total and by mean time, when pg_stat_statements is there (two or three queries)."""
    presence = _fetch(
        """
        SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
               (SELECT nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                 WHERE extname = 'pg_stat_statements') AS schema
        """
    )[0]
    result = Statements(available=presence["available"], installed=presence["schema"] is not None)
    if not result.installed:
        return result
    view = f'"{presence["schema"]}".pg_stat_statements'
    sql = (
        f"SELECT left(query, %s) AS query, calls, total_exec_time AS total_ms, mean_exec_time AS mean_ms, "  # noqa: S608
        f"rows FROM {view} WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "ORDER BY {order} DESC LIMIT %s"
    )
    try:
        # A savepoint: "must be loaded via shared_preload_libraries" must not break an outer transaction.
        with transaction.atomic():
            result.by_total = _fetch(sql.format(order="total_exec_time"), [QUERY_CHARS, top])
            result.by_mean = _fetch(sql.format(order="mean_exec_time"), [QUERY_CHARS, top])
    except DatabaseError as exc:
        result.error = str(exc).strip().splitlines()[0]
    return result
