"""manage.py bench_report: seed a throwaway database at a scale, benchmark it, record the figures.

This is what `make bench` runs. Every figure it writes into docs/PERFORMANCE.md
was printed by seed_data or bench_queries in the same run.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tooling.benchmarks.databases import ScaleDatabase, manage
from tooling.benchmarks.markdown import PERFORMANCE_HEADER, update_block

ROOT = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = (
        "Benchmark one scale end to end: create (or reuse) the database techspec_bench_<N> on the configured "
        "server, migrate it, seed N sessions with seed_data (timed, peak memory), VACUUM ANALYZE, run "
        "bench_queries, and write the scale's section of docs/PERFORMANCE.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=100_000, help="Scale (default: 100000).")
        parser.add_argument("--reps", type=int, default=100, help="bench_queries repetitions (default: 100).")
        parser.add_argument("--reseed", action="store_true",
                            help="Seed again even if the database already holds N sessions (default: reuse).")
        parser.add_argument("--output", default=str(ROOT / "docs" / "PERFORMANCE.md"),
                            help="Markdown file to update (default: docs/PERFORMANCE.md).")

    def handle(self, *args, **opts):
        n = opts["sessions"]
        if n < 1:
            raise CommandError("--sessions must be at least 1.")
        database = ScaleDatabase("bench", n)
        seed = database.prepare(reseed=opts["reseed"], progress=self.stderr.write)
        env = database.env

        with tempfile.NamedTemporaryFile(suffix=".json") as report_file:
            bench = manage(env, "bench_queries", "--reps", str(opts["reps"]), "--json", report_file.name,
                                 check=False)
            if not Path(report_file.name).read_text().strip():
                raise CommandError(f"bench_queries failed:\n{bench.stdout}\n{bench.stderr}")
            report = json.loads(Path(report_file.name).read_text())
        self.stdout.write(bench.stdout)

        section = render_section(n, report, seed, opts["reps"], reseed=opts["reseed"])
        update_block(Path(opts["output"]), f"bench:{n}", section, new_file=PERFORMANCE_HEADER)
        self.stdout.write(f"Updated {opts['output']} (section for {n:,} sessions).")


def render_section(n: int, report: dict, seed: dict | None, reps: int, *, reseed: bool = False) -> str:
    m = report["machine"]
    flag = " --reseed" if reseed else ""
    lines = [
        f"## {n:,} sessions",
        "",
        f"Measured {report['date']} on {m['cores']} cores, {m['memory_gib']} GiB, PostgreSQL {m['postgresql']} "
        f"(embedded unless DATABASE_URL was set), Python {m['python']}, by "
        f"`make bench BENCH_SESSIONS={n} BENCH_REPS={reps}{' BENCH_ARGS=--reseed' if reseed else ''}` "
        f"(`manage.py bench_report --sessions {n} --reps {reps}{flag}`).",
        "",
        "Rows: " + ", ".join(f"{table} {count:,}" for table, count in report["scale"].items()) + ".",
        "",
    ]
    if seed:
        rows = seed["total_rows"]
        lines += [
            f"Seeding (`seed_data --sessions {n} --seed 1 --clear`): {seed['wall_seconds']} s wall "
            f"for {rows:,} rows ({seed['rows_per_second']:,} rows/s as seed_data printed it), "
            f"peak RSS {seed['peak_rss_mib']} MiB.",
            "",
        ]
    lines += [
        "| pattern | p50 ms | p95 ms | p99 ms | max ms | queries | rows | raw p50 ms | ORM ÷ raw | p95 limit "
        "| result |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in report["results"]:
        if r["error"]:
            lines.append(f"| {r['name']} | error: {r['error']} | | | | | | | | | failed |")
            continue
        raw = f"{r['raw_p50_ms']:.2f}" if r["raw_p50_ms"] is not None else "–"
        ratio = f"{r['orm_over_raw']:.2f}" if r["orm_over_raw"] is not None else "–"
        verdict = "ok" if r["ok"] else ("over limit" if not r["within_threshold"]
                                        else "seq scan: " + ", ".join(r["seq_scans"]))
        lines.append(
            f"| {r['name']} | {r['p50_ms']:.2f} | {r['p95_ms']:.2f} | {r['p99_ms']:.2f} | {r['max_ms']:.2f} | "
            f"{r['queries']} | {r['rows']} | {raw} | {ratio} | {r['threshold_ms']:g} | {verdict} |"
        )
    for name, why in report.get("skipped", {}).items():
        lines.append(f"| {name} | skipped: {why} | | | | | | | | | |")
    for name, needed in report.get("percentiles_at_max", {}).items():
        lines += ["", f"{name} is the slowest call here: {reps} repetitions are too few for a nearest-rank {name} "
                      f"(it takes {needed})."]
    return "\n".join(lines) + "\n"
