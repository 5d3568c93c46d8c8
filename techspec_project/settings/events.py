"""Live session events: the WebSocket's per-socket and per-caller limits, and the LISTEN connection."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from techspec_project.settings.environment import env

# Events buffered for one socket before a client that reads too slowly is closed (4429).
EVENTS_SOCKET_BUFFER = env.int("EVENTS_SOCKET_BUFFER", default=1000)
# Open event sockets one caller (role and id, as API_USER_RATE counts) may hold on one server
# process; the next one is refused (4429), so one caller cannot pin a process's memory and listener.
EVENTS_MAX_SOCKETS_PER_CALLER = env.int("EVENTS_MAX_SOCKETS_PER_CALLER", default=20)
if EVENTS_MAX_SOCKETS_PER_CALLER < 1:
    raise ImproperlyConfigured(
        f"EVENTS_MAX_SOCKETS_PER_CALLER must be at least 1, not {EVENTS_MAX_SOCKETS_PER_CALLER}.")
# The connection each server process LISTENs on (and reads events with); empty: DATABASE_URL.
# Required with DB_PGBOUNCER: LISTEN needs PostgreSQL itself, not transaction pooling.
EVENTS_DATABASE_URL = env.str("EVENTS_DATABASE_URL", default="")
