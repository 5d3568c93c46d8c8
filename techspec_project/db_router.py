"""Primary/replica routing: reads of GET API requests may use the replica, everything else the primary.

The replica exists only when DATABASE_REPLICA_URL is set (alias "replica").
A read goes there only when all of these hold:

- the request is a GET or HEAD under /api/ (PrimaryReplicaMiddleware says so),
  or code asked for it with `replica_reads()`;
- the request has not written a techspec row yet (read-after-write sees the write);
- no transaction is open on the primary (reads inside one belong to it);
- the model is one of techspec's tables or the Design Agent's mirrors; the
  throttle counts, the cache table, sessions and users always use the primary.

Counting a request against the throttles is a write, but not of the request's
data: it does not pin the request's later reads to the primary.

Writes and migrations always use the primary.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
REPLICA_APPS = frozenset({"sessions_app", "design_bridge"})
REPLICA_PATH_PREFIX = "/api/"
READ_ONLY_METHODS = frozenset({"GET", "HEAD"})
PRIMARY_ONLY_TABLES = frozenset({"api_rate_counters"})


@dataclass
class _Routing:
    replica_ok: bool
    wrote: bool = False


_routing: ContextVar[_Routing | None] = ContextVar("db_routing", default=None)


@contextmanager
def replica_reads(allowed: bool = True):
    """Within the block, read-only queries on techspec's tables may use the replica."""
    token = _routing.set(_Routing(replica_ok=allowed))
    try:
        yield
    finally:
        _routing.reset(token)


def has_replica() -> bool:
    return REPLICA in connections.settings


class PrimaryReplicaRouter:
    """Send reads to the replica where the context allows it, and everything else to the primary."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if (
            routing is None
            or not routing.replica_ok
            or routing.wrote
            or model._meta.app_label not in REPLICA_APPS
            or model._meta.db_table in PRIMARY_ONLY_TABLES
            or not has_replica()
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if (routing is not None and model._meta.app_label in REPLICA_APPS
                and model._meta.db_table not in PRIMARY_ONLY_TABLES):
            # From now on this request reads its own writes from the primary.
            routing.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class PrimaryReplicaMiddleware:
    """Let read-only API requests read from the replica; pin every other request to the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica_ok = request.method in READ_ONLY_METHODS and request.path.startswith(REPLICA_PATH_PREFIX)
        with replica_reads(replica_ok):
            return self.get_response(request)
