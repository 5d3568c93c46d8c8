"""`make serve`: gunicorn's gthread workers for HTTP on PORT, uvicorn workers for the events
WebSocket on EVENTS_PORT; the load balancer routes `/ws/` to the second (docs/DEPLOYMENT.md).

Two servers rather than one ASGI server for both: Django's HTTP views through ASGI served
about 18 % fewer requests/s than gthread on `make load`'s mix (`make load-compare`,
docs/PERFORMANCE.md), and the WebSocket needs an event loop. Both run
techspec_project/gunicorn.conf.py; this process starts them, passes SIGTERM/SIGINT on, and
stops both when either exits.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

CONF = Path(__file__).with_name("gunicorn.conf.py")


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    events_port = os.environ.get("EVENTS_PORT") or str(port + 1)
    command = [sys.executable, "-m", "gunicorn", "-c", str(CONF)]
    http = subprocess.Popen(command, env={**os.environ, "GUNICORN_WORKER_CLASS": "gthread"})
    events = subprocess.Popen(command, env={
        **os.environ, "GUNICORN_WORKER_CLASS": "asgi", "PORT": events_port,
        "WEB_CONCURRENCY": os.environ.get("EVENTS_WORKERS", "2"),
    })
    servers = (http, events)

    def stop(signum, frame):
        for server in servers:
            if server.poll() is None:
                server.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while all(server.poll() is None for server in servers):
        time.sleep(0.5)
    stop(signal.SIGTERM, None)
    for server in servers:
        server.wait()
    return next(server.returncode for server in servers if server.returncode is not None)


if __name__ == "__main__":
    sys.exit(main())
