"""manage.py bench_report: what `make bench` runs (tooling.benchmarks.report does the work)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tooling.benchmarks.report import bench_report
from tooling.markdown import docs_path
from tooling.progress import progress_line


class Command(BaseCommand):
    help = (
        "Benchmark one scale end to end: create (or reuse) the database techspec_bench_<N> on the configured "
        "server, migrate it, seed N sessions with seed_data (timed, peak memory), VACUUM ANALYZE, run "
        "bench_queries, and write the scale's section of docs/PERFORMANCE.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sessions", type=int, default=100_000, help="Scale (default: 100000).")
        parser.add_argument("--reps", type=int, default=100, help="bench_queries repetitions (default: 100).")
        parser.add_argument("--reseed", action="store_true",
                            help="Seed again even if the database already holds N sessions (default: reuse).")
        parser.add_argument("--output", default=str(docs_path()),
                            help="Markdown file to update (default: docs/PERFORMANCE.md).")

    def handle(self, *args: Any, **opts: Any) -> None:
        printed = bench_report(sessions=opts["sessions"], reps=opts["reps"], reseed=opts["reseed"],
                               output=Path(opts["output"]), progress=progress_line(self.stderr))
        self.stdout.write(printed)
        self.stdout.write(f"Updated {opts['output']} (section for {opts['sessions']:,} sessions).")
