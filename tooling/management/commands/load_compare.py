"""manage.py load_compare: `make load`'s mix against two server shapes, alternating (tooling.load.compare)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tooling.load.compare import CompareOptions, load_compare, write_compare
from tooling.progress import progress_line


class Command(BaseCommand):
    help = ("Run load_report against gunicorn gthread and gunicorn with uvicorn workers, alternating, "
            "and print (and write to docs/PERFORMANCE.md) the requests/s of each.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sessions", type=int, default=100_000, help="Scale (default: 100000).")
        parser.add_argument("--seconds", type=int, default=20, help="Length of each wrk run (default: 20).")
        parser.add_argument("--rounds", type=int, default=2, help="Runs of each shape (default: 2).")
        parser.add_argument("--connections", type=int, default=16, help="wrk connections (default: 16).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn processes (default: 2).")
        parser.add_argument("--threads", type=int, default=1, help="gthread threads per process (default: 1).")
        parser.add_argument("--what", choices=("server", "triggers"), default="server",
                            help="server: gthread against uvicorn workers (default); triggers: gthread with the "
                                 "event triggers off (the code before live events) and on.")
        parser.add_argument("--no-write", action="store_true", help="Print only; leave the docs alone.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["rounds"] < 1:
            raise CommandError("--rounds must be at least 1.")
        options = CompareOptions(sessions=opts["sessions"], seconds=opts["seconds"], rounds=opts["rounds"],
                                 connections=opts["connections"], workers=opts["workers"], threads=opts["threads"],
                                 what=opts["what"])
        section = load_compare(options, progress=progress_line(self.stderr))
        self.stdout.write(section)
        if not opts["no_write"]:
            write_compare(section, opts["what"])
            progress_line(self.stderr)("Updated docs/PERFORMANCE.md.")
