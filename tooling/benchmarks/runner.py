"""Run the patterns: warm up, time, count queries, compare with raw psycopg, EXPLAIN."""

from __future__ import annotations

import logging
import os
import platform
import statistics
import time
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from types import SimpleNamespace
from typing import TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import NoReverseMatch, reverse

from sessions_app.models import (
    AgentErrorLog,
    GeneratedTRDDocument,
    TechConversation,
    TechResearch,
    TechSpecSession,
)
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


T = TypeVar("T")


class NothingToMeasure(Exception):
    """The database has no sessions to sample; seed it first."""


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


def _context() -> SimpleNamespace:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import AccessToken

    research = TechResearch.objects.order_by().values_list("session_id", flat=True).first()
    session = TechSpecSession.objects.filter(pk=research).first() if research else TechSpecSession.objects.first()
    if session is None:
        raise NothingToMeasure("There are no sessions to measure. Run `manage.py seed_data --sessions N` first.")
    trd = GeneratedTRDDocument.objects.order_by().values_list("session_id", flat=True).first()
    node = AgentErrorLog.objects.order_by().values_list("node", flat=True).first() or "generate_trd"

    token = AccessToken()
    token["user_id"], token["role"] = str(uuid.uuid4()), "staff"
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".")
    client = APIClient(HTTP_HOST=host)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")

    # Rolled back with everything else the benchmark writes.
    staff = get_user_model().objects.create_superuser(f"bench-{uuid.uuid4().hex[:8]}", password=None)
    admin_client = Client(HTTP_HOST=host)
    admin_client.force_login(staff)

    return SimpleNamespace(
        session_id=session.id, design_job_id=session.design_job_id, status=session.status,
        trd_session_id=trd or session.id, node=node, client=client, admin_client=admin_client,
        admin_urls=_admin_urls(session.id),
        busy_session_id=_busy_session(BUSY_SESSION_MESSAGES),
    )


# The timeline patterns open a session with this many messages: a page must cost what it costs for 10.
BUSY_SESSION_MESSAGES = 10_000


def _busy_session(messages: int):
    """The oldest session, given `messages` more messages and status updates (rolled back with the run)."""
    busy = TechSpecSession.objects.order_by("created_at", "id").values_list("id", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO tech_conversations (id, session_id, role, message, message_type, metadata, timestamp) "
            "SELECT gen_random_uuid(), %s, 'agent', 'bench_queries timeline message ' || n, 'text', '{}', "
            "now() - make_interval(secs => n) FROM generate_series(1, %s) AS n",
            [busy, messages],
        )
        # And as many status updates: mostly progress ticks, a stage change every 20th (the timeline's
        # state branch must skip the ticks through its index, not read them). Numbered after the
        # session's last event, and the counter moved on, as the event triggers would.
        cursor.execute(
            "WITH last AS (SELECT coalesce(max(seq), 0) AS seq FROM session_events WHERE session_id = %(s)s), "
            "added AS (INSERT INTO session_events (session_id, seq, kind, object_id, data, created_at) "
            "SELECT %(s)s, last.seq + n, 'session.updated', %(s)s, jsonb_build_object("
            "'status', 'in_progress', 'current_stage', 'stage ' || n / 20, 'previous_status', 'in_progress', "
            "'previous_stage', 'stage ' || (n - 1) / 20, 'progress_percentage', n %% 100, 'completed_at', null), "
            "now() - make_interval(secs => %(n)s - n) FROM last, generate_series(1, %(n)s) AS n RETURNING seq) "
            "INSERT INTO session_event_counters (session_id, last_seq) SELECT %(s)s, max(seq) FROM added "
            "ON CONFLICT (session_id) DO UPDATE SET last_seq = excluded.last_seq",
            {"s": busy, "n": messages},
        )
    return busy


def _admin_urls(session_id) -> dict[str, str]:
    try:
        return {
            "sessions": reverse("admin:sessions_app_techspecsession_changelist"),
            "session": reverse("admin:sessions_app_techspecsession_change", args=[session_id]),
            "errors": reverse("admin:sessions_app_agenterrorlog_changelist"),
            "error_groups": reverse("admin:sessions_app_agenterrorlog_groups"),
            "research": reverse("admin:sessions_app_techresearch_changelist"),
            "conversations": reverse("admin:sessions_app_techconversation_changelist"),
            "trds": reverse("admin:sessions_app_generatedtrddocument_changelist"),
            "design_jobs": reverse("admin:design_bridge_designjob_changelist"),
            "design_outputs": reverse("admin:design_bridge_designoutput_changelist"),
            "design_decisions": reverse("admin:design_bridge_designdecision_changelist"),
        }
    except NoReverseMatch:
        return {}


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


@contextmanager
def benchmark_session() -> Iterator[SimpleNamespace]:
    """The patterns' context, inside one transaction that is rolled back: nothing stays written.

    The request log is quiet meanwhile (one line per measured request would bury the
    report); server errors still show, as does every pattern's own error.
    """
    from sessions_app.api.throttling import APIRateThrottle

    # The throttle stays in the request path (its counting statement is part of the cost) but never trips.
    saved = APIRateThrottle.THROTTLE_RATES
    APIRateThrottle.THROTTLE_RATES = {"user": "1000000/s", "api": "1000000/s"}
    # django-axes narrates the admin client's login (four INFO lines) like a user's.
    quiet = {"techspec.request": logging.ERROR, "axes": logging.WARNING}
    saved_levels = {name: logging.getLogger(name).level for name in quiet}
    for name, level in quiet.items():
        logging.getLogger(name).setLevel(max(level, logging.getLogger(name).getEffectiveLevel()))
    try:
        # DEBUG off as in production: Django's debug cursor would add its own logging to every query.
        with override_settings(DEBUG=False), transaction.atomic(), warnings.catch_warnings():
            # whitenoise warns that STATIC_ROOT is missing, which only `collectstatic` creates and
            # no pattern reads.
            warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
            yield _context()
            transaction.set_rollback(True)
    finally:
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)
        APIRateThrottle.THROTTLE_RATES = saved


def run_pattern(pattern: Pattern, ctx, work: Callable[[Pattern, SimpleNamespace], T]) -> T:
    """`work(pattern, ctx)` in a savepoint that is rolled back afterwards.

    What one pattern writes (fk_checked_insert adds errors to the measured session)
    never changes what the next one reads.
    """
    with transaction.atomic():
        outcome = work(pattern, ctx)
        transaction.set_rollback(True)
    return outcome


def selected(patterns: list[Pattern], ctx, only: list[str] | None, skipped: dict[str, str]) -> Iterator[Pattern]:
    """The patterns to run; those that cannot run here are noted in `skipped`, with why."""
    for pattern in patterns:
        if only and pattern.name not in only:
            continue
        if pattern.kind == "admin" and not ctx.admin_urls:
            skipped[pattern.name] = "the admin for sessions is not registered"
            continue
        yield pattern


def run_all(*, reps: int, warmup: int, only: list[str] | None = None, thresholds: dict[str, float] | None = None,
            seq_scan_min_rows: int = SEQ_SCAN_MIN_ROWS, progress=None) -> dict:
    """Measure every pattern inside one transaction that is rolled back: nothing stays written."""
    thresholds = thresholds or {}
    report = {"machine": machine(), "scale": scale(), "reps": reps, "warmup": warmup, "results": [],
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
