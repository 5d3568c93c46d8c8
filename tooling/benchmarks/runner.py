"""Run the patterns: warm up, time, count queries, compare with raw psycopg, EXPLAIN."""

from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from sessions_app.models import (
    AgentErrorLog,
    GeneratedTRDDocument,
    TechConversation,
    TechResearch,
    TechSpecSession,
)
from tooling.benchmarks.context import benchmark_session, run_pattern, selected
from tooling.benchmarks.explain import SEQ_SCAN_MIN_ROWS, seq_scans
from tooling.benchmarks.patterns import PATTERNS, Pattern, rows_of
from tooling.benchmarks.percentiles import percentile, percentiles_at_max

TABLES = {
    "tech_spec_sessions": TechSpecSession,
    "tech_research": TechResearch,
    "tech_conversations": TechConversation,
    "generated_trd_documents": GeneratedTRDDocument,
    "agent_error_logs": AgentErrorLog,
}


@dataclass
class Result:
    name: str
    kind: str
    threshold_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    queries: int
    rows: int
    raw_p50_ms: float | None = None
    orm_over_raw: float | None = None
    seq_scans: list[str] = field(default_factory=list)
    expects_index: bool = True
    error: str | None = None
    samples: int = 0  # timed calls behind the percentiles

    @property
    def within_threshold(self) -> bool:
        return self.error is None and self.p95_ms <= self.threshold_ms

    @property
    def explain_ok(self) -> bool:
        return not (self.expects_index and self.seq_scans)

    @property
    def ok(self) -> bool:
        return self.within_threshold and self.explain_ok

    def as_dict(self) -> dict:
        return {**asdict(self), "within_threshold": self.within_threshold, "explain_ok": self.explain_ok,
                "ok": self.ok}


def machine() -> dict:
    memory_kib = 0
    try:
        with open("/proc/meminfo") as meminfo:
            memory_kib = int(next(line for line in meminfo if line.startswith("MemTotal")).split()[1])
    except (OSError, StopIteration, ValueError):
        pass
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kib / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "postgresql": server,
    }


def scale() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
        cursor.execute('SELECT count(*) FROM "shared"."design_jobs"')
        counts["shared.design_jobs"] = cursor.fetchone()[0]
    return counts


def _time(fn, reps: int) -> list[float]:
    samples = []
    for _ in range(reps):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def _raw_runner(statements: list[str]):
    raw = connection.connection  # the psycopg connection under Django's wrapper

    def run():
        with raw.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql.encode())
                if cursor.description is not None:
                    cursor.fetchall()

    return run


def measure(pattern: Pattern, ctx, *, reps: int, warmup: int, seq_scan_min_rows: int) -> Result:
    call = lambda: pattern.run(ctx)  # noqa: E731
    for _ in range(warmup):
        call()
    with CaptureQueriesContext(connection) as captured:
        value = call()
    statements = [q["sql"] for q in captured.captured_queries]
    samples = _time(call, reps)
    result = Result(
        name=pattern.name, kind=pattern.kind, threshold_ms=pattern.threshold_ms,
        p50_ms=percentile(samples, 0.50), p95_ms=percentile(samples, 0.95), p99_ms=percentile(samples, 0.99),
        max_ms=max(samples), queries=len(statements), rows=rows_of(value), expects_index=pattern.expects_index,
        samples=len(samples),
    )
    if pattern.compares_raw:
        raw = _raw_runner(statements)
        for _ in range(warmup):
            raw()
        result.raw_p50_ms = statistics.median(_time(raw, reps))
        result.orm_over_raw = round(result.p50_ms / result.raw_p50_ms, 2) if result.raw_p50_ms else None
    with connection.cursor() as cursor:
        for sql in statements:
            result.seq_scans.extend(s for s in seq_scans(cursor, sql, min_rows=seq_scan_min_rows)
                                    if s not in result.seq_scans)
    return result


def run_all(*, reps: int, warmup: int, only: list[str] | None = None, thresholds: dict[str, float] | None = None,
            seq_scan_min_rows: int = SEQ_SCAN_MIN_ROWS, progress=None) -> dict:
    """Measure every pattern inside one transaction that is rolled back: nothing stays written."""
    thresholds = thresholds or {}
    report: dict[str, Any] = {"machine": machine(), "scale": scale(), "reps": reps, "warmup": warmup, "results": [],
              "skipped": {}}

    def work(pattern: Pattern, ctx) -> Result:
        return measure(pattern, ctx, reps=reps, warmup=warmup, seq_scan_min_rows=seq_scan_min_rows)

    with benchmark_session() as ctx:
        chosen = list(selected(PATTERNS, ctx, only, report["skipped"]))
        for pattern in chosen:
            if pattern.name in thresholds:
                pattern = Pattern(**{**pattern.__dict__, "threshold_ms": thresholds[pattern.name]})
            try:
                result = run_pattern(pattern, ctx, work)
            except Exception as exc:  # one broken pattern must not hide the others
                result = Result(pattern.name, pattern.kind, pattern.threshold_ms, 0, 0, 0, 0, 0, 0,
                                error=f"{type(exc).__name__}: {exc}")
            report["results"].append(result)
            if progress:
                progress(result, len(report["results"]), len(chosen))
    report["ok"] = all(r.ok for r in report["results"])
    report["percentiles_at_max"] = percentiles_at_max(reps)
    return report
