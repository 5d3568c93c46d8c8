"""manage.py load_report: wrk against gunicorn on a seeded database, figures into the docs.

This is what `make load` runs; the work is tooling.load's (run.py ties it together).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tooling.load.report import render_section
from tooling.load.run import LoadOptions, check_writes, load_run, write_load_docs
from tooling.load.server import ServerShape
from tooling.progress import progress_line


class Command(BaseCommand):
    help = (
        "Load-test the production server: create (or reuse) techspec_load_<N>, seed N sessions with seed_data "
        "--seed 1 (once), start gunicorn with techspec_project/gunicorn.conf.py and DEBUG off on a loopback "
        "port, run wrk for --seconds with 70 %% status polls, 20 %% session lists and 10 %% writes, then print "
        "requests/s, p50/p95/p99, non-2xx counts and per-kind server times, check that every accepted write "
        "is stored, and rewrite the scale's section of docs/PERFORMANCE.md and the capacity block of "
        "docs/DEPLOYMENT.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sessions", type=int, default=100_000, help="Scale (default: 100000).")
        parser.add_argument("--seconds", type=int, default=60, help="Length of the wrk run (default: 60).")
        parser.add_argument("--connections", type=int, default=16,
                            help="wrk connections, one wrk thread each (default: 16).")
        parser.add_argument("--workers", type=int, default=None,
                            help="gunicorn processes (default: WEB_CONCURRENCY or gunicorn.conf.py's default).")
        parser.add_argument("--threads", type=int, default=None,
                            help="threads per process (default: GUNICORN_THREADS or gunicorn.conf.py's default).")
        parser.add_argument("--worker-class", choices=("asgi", "gthread"), default=None,
                            help="gunicorn workers: asgi (uvicorn, HTTP and WebSocket) or gthread (WSGI); "
                                 "default: GUNICORN_WORKER_CLASS or gunicorn.conf.py's default (asgi).")
        parser.add_argument("--targets", type=int, default=500,
                            help="Sessions (and their users) the requests are spread over (default: 500).")
        parser.add_argument("--reseed", action="store_true", help="Seed again even if N sessions are there.")
        parser.add_argument("--no-write", action="store_true", help="Print only; leave the docs alone.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **opts: Any) -> None:
        options = LoadOptions(
            sessions=opts["sessions"], seconds=opts["seconds"], connections=opts["connections"],
            targets=opts["targets"], reseed=opts["reseed"],
            shape=ServerShape(workers=opts["workers"], threads=opts["threads"], worker_class=opts["worker_class"]),
        )
        report = load_run(options, progress=progress_line(self.stderr))
        self.stdout.write(json.dumps(report, indent=2) if opts["json"] else render_section(report))
        if not opts["no_write"]:
            write_load_docs(report)
            progress_line(self.stderr)("Updated docs/PERFORMANCE.md and the capacity block of docs/DEPLOYMENT.md.")
        check_writes(report)
