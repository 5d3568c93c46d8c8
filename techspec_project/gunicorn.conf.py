"""gunicorn settings for `make serve` and production: `gunicorn -c techspec_project/gunicorn.conf.py`.

Read from the environment, like the Django settings (listed in the README):
HOST, PORT, GUNICORN_WORKER_CLASS, WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT.
"""

import os

_cores = os.cpu_count() or 1

# gthread: the WSGI app in threads (HTTP). asgi: uvicorn workers serving techspec_project.asgi,
# which answers the session events WebSocket (/ws/tech-spec/<id>) and HTTP too. `make serve`
# (techspec_project/serve.py) runs one of each; docs/PERFORMANCE.md ("Serving HTTP through
# ASGI") has why HTTP stays on gthread.
_worker_kind = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
if _worker_kind == "asgi":
    wsgi_app = "techspec_project.asgi:application"
    worker_class = "uvicorn_worker.UvicornWorker"
elif _worker_kind == "gthread":
    wsgi_app = "techspec_project.wsgi:application"
    worker_class = "gthread"
else:
    raise SystemExit(f"GUNICORN_WORKER_CLASS must be 'asgi' or 'gthread', not {_worker_kind!r}.")
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# gunicorn's rule of thumb (2 x cores + 1), capped: every process holds its own
# database pool, and past a dozen processes a box is better split into more app servers.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cores + 1, 12)))
# gthread: threads overlap the waits on PostgreSQL within one process; each needs at most one
# pooled connection, so DB_POOL_MAX_SIZE defaults to this number. (asgi runs Django's sync
# views in one thread per process, as Django's ASGI handler does, and ignores this.)
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# A request waits at most DB_POOL_TIMEOUT (1 s) for a pooled connection (DB_CONNECT_TIMEOUT,
# 5 s, without the pool) and runs statements of at most DB_STATEMENT_TIMEOUT_MS (5 s) each: the
# database answers or fails (503) well inside this, so a worker killed by the timeout
# means something other than PostgreSQL hung.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5

# Requests are logged by techspec_project.request_log as JSON; gunicorn's own access
# log would be a second, differently shaped line per request.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

