"""The performance gate: every pattern's SQL query count and plan shape against a committed snapshot.

Timings are too noisy for CI; query counts and plans are not. The gate runs each
bench_queries pattern once (after one warm-up call) on a small data set that is
the same on every run, counts its SQL statements, and EXPLAINs each one.

Why plans are taken with `enable_seqscan = off`: on a few hundred rows the planner
rightly prefers a Seq Scan to any index, so the plans a small database chooses say
nothing about the plans at scale, and they would flip with a handful of rows. With
sequential scans priced out, the planner still falls back to a Seq Scan where no
index can serve the query, so the shape shows whether an index path EXISTS for
each read, and which index and join it takes. A Seq Scan left in such a plan on a
table that is large in production is what bench_queries flags at scale.

Why the data set is fixed: seed_data with a fixed seed and size gives the same rows
(same ids, same order on disk) every time. Every table that tests write (sessions,
users, django_session, throttle counters, ...) is TRUNCATEd first, which gives it
new, empty files inside the test's transaction: pages left behind by earlier tests'
rolled-back rows would otherwise change the planner's costs, and with them the
index it picks on a small table (seen: django_session's lookup); ANALYZE then
reads every row (the tables are below its sample size), so statistics are exact.
Everything is rolled back with the test. The planner's cost settings are pinned to
PostgreSQL's defaults for the test, so a server tuned otherwise plans the same way.

Why plans are recorded for one PostgreSQL major version: planners of different
versions choose differently on the same data (15 sorts where 18 sorts
incrementally). Query counts and the Seq Scans on large tables do not depend on
the version and are compared on every server; plans are compared on the version
`make perf-snapshot` recorded them on (the embedded server the requirements pin),
and elsewhere a skipped test says they were not.
"""

from __future__ import annotations

import difflib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper
from django.test.utils import CaptureQueriesContext
from psycopg import sql

from tooling.benchmarks.context import benchmark_session, run_pattern, selected
from tooling.benchmarks.explain import plan_of, seq_scanned, shape
from tooling.benchmarks.patterns import Pattern
from tooling.seeding.config import SeedConfig
from tooling.seeding.runner import run_seed

SNAPSHOT = Path(__file__).with_name("perf_snapshot.json")
UPDATE_COMMAND = "make perf-snapshot"

# The data set: 400 sessions (200 design jobs) with seed_data's default averages.
GATE_SEED = SeedConfig(sessions=400, seed=1)

# Tables whose rows grow with the number of sessions: a Seq Scan on one is a defect at scale.
LARGE_TABLES = frozenset({
    "public.tech_spec_sessions", "public.tech_research", "public.tech_conversations",
    "public.generated_trd_documents", "public.agent_error_logs",
    "shared.design_jobs", "shared.design_outputs", "shared.design_decisions", "shared.design_progress",
})
# Written only by migrations, so the same on every run; every other table is emptied first.
_KEPT = ("django_migrations", "django_content_type", "auth_permission")
# Statements with a plan; SAVEPOINT, RELEASE and the like are counted but have none, as has
# EXPLAIN itself (the admin's estimated count plans its query and runs nothing).
_PLANNED = ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE")


@dataclass
class Observation:
    """What one call of a pattern did: its statements and the shape of each one's plan."""

    statements: list[str]
    plans: list[list[str]]
    large_seq_scans: list[str]

    def snapshot_entry(self, version: str) -> dict:
        return {"queries": len(self.statements), "plans": {version: self.plans},
                "seq_scans_on_large_tables": self.large_seq_scans}


def server_version() -> str:
    """The PostgreSQL major version of the database connection, as the snapshot keys plans by it."""
    # The project runs on PostgreSQL only (no other backend is configured anywhere).
    return str(cast(DatabaseWrapper, connection).pg_version // 10000)


# PostgreSQL's defaults for what steers the planner, whatever the server's own configuration.
PLANNER_SETTINGS = {
    "seq_page_cost": "1", "random_page_cost": "4", "cpu_tuple_cost": "0.01", "cpu_index_tuple_cost": "0.005",
    "cpu_operator_cost": "0.0025", "effective_cache_size": "4GB", "work_mem": "4MB", "hash_mem_multiplier": "2",
    "default_statistics_target": "100", "jit": "off", "max_parallel_workers_per_gather": "2",
}


def load_fixed_data_set() -> None:
    """Empty every table tests write, seed the gate's rows, pin the planner's settings, ANALYZE.

    Call it inside a transaction that is rolled back (a test's): it truncates tables, and
    the settings last until that transaction ends.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname, tablename FROM pg_tables"
            " WHERE schemaname IN ('public', 'shared') AND NOT tablename = ANY(%s) ORDER BY 1, 2", [list(_KEPT)])
        tables = sql.SQL(", ").join(sql.Identifier(schema, table) for schema, table in cursor.fetchall())
        # TRUNCATE refuses while deferred FK checks of the enclosing transaction are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # A connection some earlier test left in a transaction would make TRUNCATE wait for
        # ever; fail with PostgreSQL's "lock timeout" instead.
        cursor.execute("SET lock_timeout = '20s'")
        try:
            cursor.execute(sql.SQL("TRUNCATE {} CASCADE").format(tables))
        finally:
            cursor.execute("RESET lock_timeout")
    run_seed(GATE_SEED, verify=False, clear=False, workers=1, progress_stream=io.StringIO(), show_progress=False)
    with connection.cursor() as cursor:
        for name, value in PLANNER_SETTINGS.items():  # until the enclosing transaction ends
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        cursor.execute("ANALYZE")


def observe(patterns: list[Pattern]) -> dict[str, Observation]:
    """Each pattern's statements and plans, every pattern in its own rolled-back savepoint."""
    observed: dict[str, Observation] = {}
    with benchmark_session() as ctx:
        for pattern in selected(patterns, ctx, None, {}):
            observed[pattern.name] = run_pattern(pattern, ctx, _observe_one)
    return observed


# A statement that reads only PostgreSQL's own catalogs (the database health page): its plan
# follows the catalogs' statistics, which depend on every object the database has ever held
# (other tests' scratch tables included), not on this project's code, so only its place in
# the query count is compared.
CATALOG_ONLY = "reads only PostgreSQL's catalogs: plan not compared"
_CATALOG_PREFIXES = ("pg_catalog.", "information_schema.", "pg_")


def _reads_only_catalogs(lines: list[str]) -> bool:
    relations = [line.split(" on ", 1)[1].split()[0] for line in lines if " on " in line]
    return bool(relations) and all(relation.startswith(_CATALOG_PREFIXES) for relation in relations)


def _observe_one(pattern: Pattern, ctx) -> Observation:
    pattern.run(ctx)  # warm-up: a first call fills per-process caches (content types, the throttle's window)
    with CaptureQueriesContext(connection) as captured:
        pattern.run(ctx)
    statements = [query["sql"] for query in captured.captured_queries]
    plans, large = [], []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for statement in statements:
                verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
                if verb not in _PLANNED:
                    plans.append([verb])
                    continue
                plan = plan_of(cursor, statement)
                lines = shape(plan)
                plans.append([CATALOG_ONLY] if _reads_only_catalogs(lines) else lines)
                large += [table for table in seq_scanned(plan) if table in LARGE_TABLES and table not in large]
        finally:
            cursor.execute("RESET enable_seqscan")
    return Observation(statements=statements, plans=plans, large_seq_scans=sorted(large))


# --- snapshot ------------------------------------------------------------------------


def load_snapshot(path: Path = SNAPSHOT) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def write_snapshot(observed: dict[str, Observation], version: str, path: Path = SNAPSHOT) -> None:
    """One key per pattern, keys sorted, so a change shows as a small diff of its own."""
    data = {name: observation.snapshot_entry(version) for name, observation in observed.items()}
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def plan_versions(snapshot: dict) -> set[str]:
    """The PostgreSQL major versions the snapshot holds plans for."""
    return {version for entry in snapshot.values() for version in entry["plans"]}


def differences(snapshot: dict, observed: dict[str, Observation], *, version: str, complete: bool = True) -> list[str]:
    """What differs from the snapshot, one readable paragraph per pattern; empty when nothing does.

    Plans are compared when the snapshot holds them for `version`. With `complete` (all
    patterns observed) an entry for a pattern that is gone is a difference too.
    """
    problems = []
    for name, observation in observed.items():
        if name not in snapshot:
            problems.append(f"{name}: new pattern without a snapshot entry: run {UPDATE_COMMAND}")
            continue
        problem = _difference(name, snapshot[name], observation, version)
        if problem:
            problems.append(problem)
    if complete:
        problems += [f"{name}: in the snapshot but no longer a pattern: run {UPDATE_COMMAND}"
                     for name in snapshot if name not in observed]
    return problems


def _difference(name: str, expected: dict, observation: Observation, version: str) -> str | None:
    got = observation.snapshot_entry(version)
    lines = [f"{name}:"]
    if got["queries"] != expected["queries"]:
        lines.append(f"  SQL queries per call: expected {expected['queries']}, got {got['queries']}")
    if got["seq_scans_on_large_tables"] != expected["seq_scans_on_large_tables"]:
        lines.append(f"  Seq Scan on a large table: expected {expected['seq_scans_on_large_tables'] or 'none'}, "
                     f"got {got['seq_scans_on_large_tables'] or 'none'}")
    if version in expected["plans"]:
        diff = list(difflib.unified_diff(_plan_lines(expected["plans"][version]), _plan_lines(observation.plans),
                                         "expected plans", "observed plans", lineterm="", n=2))
        if diff:
            lines.append(f"  plans (PostgreSQL {version}, enable_seqscan = off), statement by statement:")
            lines += [f"    {line}" for line in diff]
    if len(lines) == 1:
        return None
    lines.append("  statements now:")
    lines += [f"    {n}. {_abridged(statement)}" for n, statement in enumerate(observation.statements, 1)]
    return "\n".join(lines)


def _plan_lines(plans: list[list[str]]) -> list[str]:
    return [line for n, plan in enumerate(plans, 1) for line in (f"statement {n}:", *(f"  {x}" for x in plan))]


def _abridged(statement: str, limit: int = 160) -> str:
    flat = " ".join(statement.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def report(problems: list[str]) -> str:
    """The gate's failure message."""
    return (
        f"The performance gate found {len(problems)} pattern(s) whose SQL differs from "
        f"{SNAPSHOT.name}:\n\n" + "\n\n".join(problems) + "\n\n"
        f"If the change is intended, run `{UPDATE_COMMAND}` and commit {SNAPSHOT.relative_to(SNAPSHOT.parents[2])}."
    )


def missing_indexes(patterns: list[Pattern], observed: dict[str, Observation]) -> list[str]:
    """Patterns that expect an index but read a large table with a Seq Scan even with seqscan priced out."""
    return [f"{p.name}: no index serves its read of {', '.join(observed[p.name].large_seq_scans)}"
            for p in patterns if p.expects_index and p.name in observed and observed[p.name].large_seq_scans]
