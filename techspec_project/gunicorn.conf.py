"""gunicorn settings for `make serve` and production: `gunicorn -c techspec_project/gunicorn.conf.py`.

Read from the environment, like the Django settings (listed in the README):
HOST, PORT, WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT, GUNICORN_LIMIT_REQUEST_LINE,
GUNICORN_LIMIT_REQUEST_FIELDS, GUNICORN_LIMIT_REQUEST_FIELD_SIZE.
"""

import os
import sys
from pathlib import Path

_cores = os.cpu_count() or 1

wsgi_app = "techspec_project.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# gunicorn's rule of thumb (2 x cores + 1), capped: every process holds its own
# database pool, and past a dozen processes a box is better split into more app servers.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cores + 1, 12)))
# Threads overlap the waits on PostgreSQL within one process; each needs at most one
# pooled connection, so DB_POOL_MAX_SIZE defaults to this number.
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"

# A request waits at most DB_POOL_TIMEOUT (1 s) for a pooled connection (DB_CONNECT_TIMEOUT,
# 5 s, without the pool) and runs statements of at most DB_STATEMENT_TIMEOUT_MS (5 s) each: the
# database answers or fails (503) well inside this, so a worker killed by the timeout
# means something other than PostgreSQL hung.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5

# The request head, checked by gunicorn before Django sees the request, which answers a plain
# HTML 414 (request line) or 431 (header count or size) itself (docs/DEPLOYMENT.md). The API's
# longest URL (ids, filters, a cursor) is well under 1 KiB and its largest header a bearer token
# or the admin's cookies, so these leave room; the whole head (4 KiB + 50 x 8 KiB, about 0.4 MiB)
# stays below API_MAX_BODY_BYTES (1 MiB by default), which Django's middleware enforces on the
# body (413). Django reads no more than CONTENT_LENGTH; a chunked body is a 411.
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", 4094))
limit_request_fields = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELDS", 50))
limit_request_field_size = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 8190))

# Requests are logged by techspec_project.request_log as JSON; gunicorn's own access
# log would be a second line per request, so it is off unless GUNICORN_ACCESS_LOG=true
# (it also logs what never reaches Django: a worker timeout's 502, a malformed request).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# gunicorn's own lines (worker boots, timeouts, signals, and the access log if on) as the same
# JSON objects as the request log, so a log pipeline reads one format. gunicorn serves
# production, so JSON unless LOG_FORMAT=text asks for gunicorn's plain lines. (LOG_FORMAT,
# LOG_LEVEL and GUNICORN_ACCESS_LOG are read here too, and listed in the README.)
if os.environ.get("LOG_FORMAT", "json").lower() != "text":
    _root = str(Path(__file__).resolve().parent.parent)
    if _root not in sys.path:  # gunicorn's bin directory is on it, not the project's
        sys.path.insert(0, _root)
    from techspec_project.request_log import gunicorn_logconfig

    logconfig_dict = gunicorn_logconfig(
        level=loglevel.upper(),
        access_log=os.environ.get("GUNICORN_ACCESS_LOG", "false").lower() in ("1", "true", "yes", "on"),
    )

