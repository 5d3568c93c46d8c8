"""GET /health: is the database reachable, migrated, and is the shared schema there?"""

from __future__ import annotations

import time

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from design_bridge.shared_schema import missing_parts

# Migrations change only with a deploy: once seen complete, re-check at most this often.
_MIGRATIONS_OK_FOR_SECONDS = 60.0
_migrations_ok_until = 0.0


def _migrations_ok() -> bool:
    global _migrations_ok_until
    if time.monotonic() < _migrations_ok_until:
        return True
    executor = MigrationExecutor(connection)
    ok = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    if ok:
        _migrations_ok_until = time.monotonic() + _MIGRATIONS_OK_FOR_SECONDS
    return ok


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    report = {"database": "ok", "migrations": "ok", "shared_schema": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            missing = missing_parts(cursor)
        if missing:
            report["shared_schema"] = "missing: " + "; ".join(missing)
        if not _migrations_ok():
            report["migrations"] = "pending"
    except DatabaseError:
        report = {"database": "unavailable", "migrations": "unknown", "shared_schema": "unknown"}
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)
