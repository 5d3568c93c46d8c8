"""manage.py bench_queries: measured query performance, printed by this command."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tooling.benchmarks.context import NothingToMeasure
from tooling.benchmarks.explain import SEQ_SCAN_MIN_ROWS
from tooling.benchmarks.patterns import PATTERNS
from tooling.benchmarks.runner import Result, run_all
from tooling.benchmarks.text import report_lines
from tooling.progress import progress_line


def _threshold(text: str) -> tuple[str, float]:
    name, _, value = text.partition("=")
    names = {p.name for p in PATTERNS}
    if name not in names:
        raise CommandError(f"--threshold {text!r}: unknown pattern {name!r}; known: {', '.join(sorted(names))}")
    try:
        return name, float(value)
    except ValueError:
        raise CommandError(f"--threshold {text!r}: give milliseconds, e.g. {name}=5") from None


class Command(BaseCommand):
    help = (
        "Time the queries users run (selectors, API views, admin pages) on the current database: "
        "p50/p95/p99/max over --reps after warm-up, SQL queries per call, rows, the same SQL through a "
        "raw psycopg cursor (ORM ÷ raw), and an EXPLAIN check for sequential scans on big tables. "
        "Everything runs in one transaction that is rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reps", type=int, default=50,
                            help="Timed repetitions per pattern (default: 50). Below 20 the p95, below 100 the "
                                 "p99 is simply the slowest call; the report marks them p95=max, p99=max.")
        parser.add_argument("--warmup", type=int, default=5, help="Untimed calls first (default: 5).")
        parser.add_argument("--only", action="append", metavar="PATTERN",
                            help="Measure only this pattern (repeatable). Default: all.")
        parser.add_argument("--threshold", action="append", type=_threshold, default=[], metavar="NAME=MS",
                            help="Override one pattern's p95 threshold in milliseconds (repeatable).")
        parser.add_argument("--seq-scan-min-rows", type=int, default=SEQ_SCAN_MIN_ROWS,
                            help=f"Flag Seq Scans on tables of at least this many rows "
                                 f"(default: {SEQ_SCAN_MIN_ROWS}).")
        parser.add_argument("--json", metavar="FILE", help="Write the whole report as JSON to FILE.")
        parser.add_argument("--check", action="store_true",
                            help="Exit 1 if a pattern's p95 exceeds its threshold or fails the EXPLAIN check.")
        parser.add_argument("--list", action="store_true", help="List the patterns and thresholds, then exit.")

    def handle(self, *args, **opts):
        if opts["list"]:
            for p in PATTERNS:
                self.stdout.write(f"{p.name:36} {p.kind:10} p95 ≤ {p.threshold_ms:g} ms")
            return
        if opts["reps"] < 1 or opts["warmup"] < 0:
            raise CommandError("--reps must be at least 1 and --warmup at least 0.")
        unknown = set(opts["only"] or []) - {p.name for p in PATTERNS}
        if unknown:
            raise CommandError(f"Unknown pattern(s) {', '.join(sorted(unknown))}; see --list.")

        try:
            report = run_all(
                reps=opts["reps"], warmup=opts["warmup"], only=opts["only"], thresholds=dict(opts["threshold"]),
                seq_scan_min_rows=opts["seq_scan_min_rows"], progress=self._progress,
            )
        except NothingToMeasure as exc:
            raise CommandError(str(exc)) from None
        report["date"] = datetime.now(UTC).isoformat(timespec="seconds")
        self._print(report)
        if opts["json"]:
            data = {**report, "results": [r.as_dict() for r in report["results"]]}
            Path(opts["json"]).write_text(json.dumps(data, indent=2, default=str))
            self.stdout.write(f"JSON report written to {opts['json']}")
        if opts["check"] and not report["ok"]:
            failed = [r.name for r in report["results"] if not r.ok]
            raise CommandError(f"--check failed for: {', '.join(failed)}", returncode=1)

    def _progress(self, result: Result, done: int, total: int) -> None:
        # Progress, not an error: stderr keeps stdout for the report, without the error colour.
        outcome = f"error: {result.error}" if result.error else f"p50 {result.p50_ms:.2f} ms"
        progress_line(self.stderr)(f"  [{done}/{total}] {result.name}: {outcome}")

    def _print(self, report: dict[str, Any]) -> None:
        for line in report_lines(report):
            self.stdout.write(line)

