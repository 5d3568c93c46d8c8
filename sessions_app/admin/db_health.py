"""The database health page (superusers): PostgreSQL's own figures and what to do next, PgHero style."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from sessions_app.selectors import db_health
from sessions_app.services.db_backends import backend_cancel
from techspec_project.admin_display import date_text

ENABLE_STATEMENTS = (
    "Add pg_stat_statements to shared_preload_libraries in postgresql.conf "
    "(shared_preload_libraries = 'pg_stat_statements'), restart PostgreSQL, then run "
    "CREATE EXTENSION pg_stat_statements; in this database."
)


def duration_text(value: timedelta | None) -> str:
    if value is None:
        return "—"
    seconds = value.total_seconds()
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60)} s"
    if seconds < 86_400:
        return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60)} min"
    return f"{int(seconds // 86_400)} d {int(seconds % 86_400 // 3600)} h"


def _table_hints(row: dict, now) -> list[str]:
    hints = []
    live, dead = row["live_rows"] or 0, row["dead_rows"] or 0
    if dead >= db_health.DEAD_ROW_MIN and dead > db_health.DEAD_ROW_SHARE * max(live, 1):
        hints.append(f"{dead:,} dead rows ({dead / max(live + dead, 1):.0%}): autovacuum is behind; "
                     f"run VACUUM (ANALYZE) {row['schema']}.{row['name']} or tune its autovacuum_vacuum_scale_factor.")
    analysed = max(filter(None, [row["last_analyze"], row["last_autoanalyze"]]), default=None)
    if analysed is None and live >= 1_000:
        hints.append(f"Never analysed: the planner guesses its row counts. Run ANALYZE {row['schema']}.{row['name']}.")
    elif analysed and now - analysed > db_health.STALE_ANALYZE and (row["modified_since_analyze"] or 0) > 0:
        hints.append(f"Not analysed since {date_text(analysed)} ({row['modified_since_analyze']:,} rows changed "
                     f"since): run ANALYZE {row['schema']}.{row['name']}.")
    if (row["seq_scan"] or 0) > 100 and (row["idx_scan"] or 0) < row["seq_scan"] and live > 100_000:
        hints.append(f"{row['seq_scan']:,} sequential scans of {live:,} rows: a query filters on a column "
                     "without an index (see the top queries).")
    return hints


def _index_hint(row: dict, stats_since) -> str:
    since = f" since statistics were reset ({date_text(stats_since)})" if stats_since else ""
    if row["duplicate_of"]:
        return f"Covered by {row['duplicate_of']}: DROP INDEX CONCURRENTLY {row['schema']}.{row['name']};"
    if row["unused"]:
        return f"This index was never used{since}. If no rare job needs it: DROP INDEX CONCURRENTLY " \
               f"{row['schema']}.{row['name']};"
    return ""


def _percent(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.2f} %"


def _ratio_hint(ratio: float | None, what: str) -> str:
    if ratio is None:
        return "No reads yet."
    if ratio < db_health.CACHE_HIT_GOOD:
        return f"Below 99 %: {what} reads go to disk. Raise shared_buffers or add memory."
    return "Good."


def db_health_view(request):
    """Every section from PostgreSQL's catalogs, read now; the slow-query threshold highlights offenders."""
    if not request.user.is_superuser:
        raise PermissionDenied
    now = timezone.now()
    slow = timedelta(milliseconds=settings.DB_HEALTH_SLOW_QUERY_MS)
    overview = db_health.database_overview()
    relations = db_health.relation_stats()
    for row in relations:
        row["hints"] = _table_hints(row, now)
    indexes = db_health.index_stats()
    for row in indexes:
        row["hint"] = _index_hint(row, overview["stats_reset"])
    running = db_health.running_queries()
    for row in running:
        row["slow"] = row["duration"] is not None and row["duration"] >= slow
        row["duration_text"] = duration_text(row["duration"])
        row["transaction_text"] = duration_text(row["transaction_age"])
    connections = db_health.connection_stats()
    for row in connections:
        row["longest_text"] = duration_text(row["longest_in_state"])
    total_connections = sum(row["connections"] for row in connections)
    statements = db_health.statement_stats()
    for row in [*statements.by_total, *statements.by_mean]:
        row["slow"] = row["mean_ms"] >= settings.DB_HEALTH_SLOW_QUERY_MS
    context = {
        **admin.site.each_context(request),
        "title": "Database health",
        "now": now,
        "overview": overview,
        "uptime_text": duration_text(overview["uptime"]),
        "table_hit_text": _percent(overview["table_hit_ratio"]),
        "index_hit_text": _percent(overview["index_hit_ratio"]),
        "table_hit_hint": _ratio_hint(overview["table_hit_ratio"], "table"),
        "index_hit_hint": _ratio_hint(overview["index_hit_ratio"], "index"),
        "relations": relations,
        "indexes": indexes,
        "unused_indexes": [row for row in indexes if row["unused"]],
        "duplicate_indexes": [row for row in indexes if row["duplicate_of"]],
        "connections": connections,
        "total_connections": total_connections,
        "connections_hint": (
            f"{total_connections} of {overview['max_connections']} connections in use: put PgBouncer in front "
            "or lower DB_POOL_MAX_SIZE." if total_connections > 0.8 * overview["max_connections"] else ""
        ),
        "running": running,
        "lock_waits": [row for row in running if row["blocked_by"]],
        "slow_ms": settings.DB_HEALTH_SLOW_QUERY_MS,
        "replication": db_health.replication_stats(),
        "replica_configured": "replica" in settings.DATABASES,
        "statements": statements,
        "enable_statements": ENABLE_STATEMENTS,
    }
    return TemplateResponse(request, "admin/techspec/db_health.html", context)


def db_health_cancel_view(request, pid: int):
    """GET: confirm cancelling one backend's query. POST (CSRF-checked): pg_cancel_backend, logged."""
    if not request.user.is_superuser:
        raise PermissionDenied
    back = reverse("techspec-db-health") + "#running"
    if request.method == "POST":
        if backend_cancel(pid=pid, requested_by=request.user.get_username()):
            messages.success(request, f"Cancelled the running query of backend {pid}.")
        else:
            messages.warning(request, f"Backend {pid} was not cancelled: it has finished or is not in this database.")
        return redirect(back)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    backend = db_health.backend_get(pid=pid)
    if backend is None:
        messages.info(request, f"Backend {pid} has finished or is not in this database; nothing to cancel.")
        return redirect(back)
    backend["duration_text"] = duration_text(backend["duration"])
    context = {**admin.site.each_context(request), "title": f"Cancel the query of backend {pid}?",
               "backend": backend, "back_url": back}
    return TemplateResponse(request, "admin/techspec/db_health_cancel.html", context)
