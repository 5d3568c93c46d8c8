"""manage.py bench_report: seed a throwaway database at a scale, benchmark it, record the figures.

This is what `make bench` runs. Every figure it writes into docs/PERFORMANCE.md
was printed by seed_data or bench_queries in the same run.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from techspec_project.database_url import server_url

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
        name = f"techspec_bench_{n}"
        url = server_url(connection.settings_dict, name)
        self._ensure_database(name)
        env = {**os.environ, "DATABASE_URL": url, "DESIGN_BRIDGE_MODE": "bootstrap"}
        self._manage(env, "migrate", "--noinput", "-v0")
        self._manage(env, "createcachetable")

        seed = None
        if opts["reseed"] or self._sessions_in(url) != n:
            seed = self._seed(env, n)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE)")

        with tempfile.NamedTemporaryFile(suffix=".json") as report_file:
            bench = self._manage(env, "bench_queries", "--reps", str(opts["reps"]), "--json", report_file.name,
                                 check=False)
            if not Path(report_file.name).read_text().strip():
                raise CommandError(f"bench_queries failed:\n{bench.stdout}\n{bench.stderr}")
            report = json.loads(Path(report_file.name).read_text())
        self.stdout.write(bench.stdout)

        section = render_section(n, report, seed, opts["reps"], reseed=opts["reseed"])
        update_markdown(Path(opts["output"]), n, section)
        self.stdout.write(f"Updated {opts['output']} (section for {n:,} sessions).")

    def _ensure_database(self, name: str) -> None:
        with psycopg.connect(server_url(connection.settings_dict, "postgres"), autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def _sessions_in(self, url: str) -> int:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM tech_spec_sessions").fetchone()[0]

    def _seed(self, env: dict, n: int) -> dict:
        self.stderr.write(f"Seeding {n:,} sessions ...")
        started = time.perf_counter()
        result = self._manage(env, "seed_data", "--sessions", str(n), "--seed", "1", "--clear", "--json",
                              "--force")
        wall = time.perf_counter() - started
        summary = json.loads(result.stdout)
        summary["wall_seconds"] = round(wall, 1)
        # ru_maxrss of waited-for children, in KiB on Linux: the seed is by far the largest child.
        summary["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        return summary

    def _manage(self, env: dict, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise CommandError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result


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
    return "\n".join(lines) + "\n"


HEADER = """# Performance

Every figure on this page was printed by a command in this repository, in the
run that wrote it: `make bench BENCH_SESSIONS=N` seeds a throwaway database
`techspec_bench_N` with `seed_data`, runs `bench_queries` on it and rewrites that
scale's section below. Nothing here is typed by hand. Times are wall-clock on
the machine named in each section; p95 limits are the `--check` defaults.

"""


def update_markdown(path: Path, n: int, section: str) -> None:
    start, end = f"<!-- bench:{n} start -->", f"<!-- bench:{n} end -->"
    block = f"{start}\n{section}{end}\n"
    text = path.read_text() if path.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end) + r"\n?", re.S)
    text = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


