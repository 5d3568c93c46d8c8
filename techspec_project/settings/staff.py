"""Thresholds of the staff console (the admin's overview and database health page)."""

from __future__ import annotations

from techspec_project.settings.environment import env

# The overview lists running sessions (in progress or waiting for the user) with no
# update for longer than this as stuck.
STUCK_SESSION_MINUTES = env.int("STUCK_SESSION_MINUTES", default=60)

# The database health page (superusers) highlights running queries and
# pg_stat_statements entries slower than this.
DB_HEALTH_SLOW_QUERY_MS = env.int("DB_HEALTH_SLOW_QUERY_MS", default=1000)
