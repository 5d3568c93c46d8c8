"""manage.py events_bench: what `make events-bench` runs (tooling.events_bench does the work).

Loopback only; it stops by itself (the server it starts is stopped at the end).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tooling.events_bench.report import events_bench, render, write_events_docs
from tooling.progress import progress_line


class Command(BaseCommand):
    help = ("Open --sockets WebSockets over --sessions sessions of techspec_events_<sessions>, commit --rate "
            "messages/s for --seconds, then drop and resume every socket; print commit-to-receipt latency, "
            "lost/duplicated/out-of-order counts and server memory, and write them to docs/PERFORMANCE.md.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sockets", type=int, default=2000, help="Concurrent sockets (default: 2000).")
        parser.add_argument("--sessions", type=int, default=500, help="Sessions they follow (default: 500).")
        parser.add_argument("--rate", type=int, default=200, help="Committed changes per second (default: 200).")
        parser.add_argument("--seconds", type=int, default=60, help="Length of the steady phase (default: 60).")
        parser.add_argument("--storm-seconds", type=int, default=10,
                            help="Writes go on this long while every socket reconnects (default: 10).")
        parser.add_argument("--workers", type=int, default=2, help="Server processes (default: 2).")
        parser.add_argument("--no-write", action="store_true", help="Print only; leave the docs alone.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args: Any, **opts: Any) -> None:
        result = events_bench(sockets=opts["sockets"], sessions=opts["sessions"], rate=opts["rate"],
                              seconds=opts["seconds"], storm_seconds=opts["storm_seconds"], workers=opts["workers"],
                              progress=progress_line(self.stderr))
        section = render(result)
        self.stdout.write(json.dumps(result, indent=2) if opts["json"] else section)
        if not opts["no_write"]:
            write_events_docs(section)
            progress_line(self.stderr)("Updated docs/PERFORMANCE.md.")
        if any(result["total"].values()):
            raise CommandError(f"Events lost, duplicated or out of order: {result['total']}.")
