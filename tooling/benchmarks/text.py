"""bench_queries' printed report: a header, one row per pattern, and what its percentiles rest on."""

from __future__ import annotations

from typing import Any


def report_lines(report: dict[str, Any]) -> list[str]:
    """The lines bench_queries prints for `report` (run_all's, with its date)."""
    lines: list[str] = []
    m, scale = report["machine"], report["scale"]
    lines.append(
        f"bench_queries  {m['cores']} cores, {m['memory_gib']} GiB, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}, {report['reps']} reps after {report['warmup']} warm-up"
    )
    lines.append("scale: " + ", ".join(f"{t} {n:,}" for t, n in scale.items()))
    at_max = report["percentiles_at_max"]
    p95, p99 = (f"{q}=max" if q in at_max else q for q in ("p95", "p99"))
    header = (f"{'pattern':34} {'p50':>8} {p95:>8} {p99:>8} {'max':>8} {'q':>3} {'rows':>5} "
              f"{'raw p50':>8} {'orm/raw':>7} {'limit':>6}  result")
    lines.append(header)
    lines.append("-" * len(header))
    for r in report["results"]:
        if r.error:
            lines.append(f"{r.name:34} ERROR {r.error}")
            continue
        raw = f"{r.raw_p50_ms:8.2f}" if r.raw_p50_ms is not None else f"{'-':>8}"
        ratio = f"{r.orm_over_raw:7.2f}" if r.orm_over_raw is not None else f"{'-':>7}"
        verdict = "ok" if r.ok else ("SLOW" if not r.within_threshold else "SEQ SCAN " + ",".join(r.seq_scans))
        lines.append(
            f"{r.name:34} {r.p50_ms:8.2f} {r.p95_ms:8.2f} {r.p99_ms:8.2f} {r.max_ms:8.2f} {r.queries:3} "
            f"{r.rows:5} {raw} {ratio} {r.threshold_ms:6g}  {verdict}"
        )
    for name, why in report["skipped"].items():
        lines.append(f"{name:34} skipped: {why}")
    lines.append("times in ms; q = SQL queries per call; orm/raw = ORM p50 ÷ raw psycopg p50")
    for name, needed in at_max.items():
        lines.append(
            f"{name}=max: {report['reps']} timed calls per pattern are too few for a {name} (nearest rank): "
            f"it is the slowest call. Use --reps {needed} or more to tell {name} from max."
        )
    return lines
