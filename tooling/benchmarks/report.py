"""`make bench` end to end: seed a throwaway database at a scale, run bench_queries on it, and write
the scale's section of docs/PERFORMANCE.md. Every figure it writes was printed by seed_data or
bench_queries in the same run."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from tooling.benchmarks.databases import ScaleDatabase, manage
from tooling.markdown import PERFORMANCE_HEADER, update_block


def bench_report(*, sessions: int, reps: int, reseed: bool, output: Path,
                 progress: Callable[[str], Any] = print) -> str:
    """Prepare techspec_bench_<sessions>, benchmark it, rewrite its section of `output`: bench_queries' output."""
    if sessions < 1:
        raise CommandError("--sessions must be at least 1.")
    database = ScaleDatabase("bench", sessions)
    seed = database.prepare(reseed=reseed, progress=progress)
    with tempfile.NamedTemporaryFile(suffix=".json") as report_file:
        bench = manage(database.env, "bench_queries", "--reps", str(reps), "--json", report_file.name, check=False)
        if not Path(report_file.name).read_text().strip():
            raise CommandError(f"bench_queries failed:\n{bench.stdout}\n{bench.stderr}")
        report = json.loads(Path(report_file.name).read_text())
    update_block(output, f"bench:{sessions}", render_section(sessions, report, seed, reps, reseed=reseed),
                 new_file=PERFORMANCE_HEADER)
    return bench.stdout


def render_section(n: int, report: dict[str, Any], seed: dict[str, Any] | None, reps: int, *,
                   reseed: bool = False) -> str:
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
