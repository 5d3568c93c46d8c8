"""The performance gate: every bench_queries pattern keeps its SQL query count and plan shape.

`make perf-snapshot` (PERF_SNAPSHOT_UPDATE=1) rewrites the snapshot from what
the patterns do now, instead of comparing; see docs/PERFORMANCE.md.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection

from sessions_app.models import AgentErrorLog, TechResearch
from tooling.benchmarks import gate
from tooling.benchmarks.patterns import PATTERNS, Pattern

pytestmark = pytest.mark.django_db

UPDATING = os.environ.get("PERF_SNAPSHOT_UPDATE") == "1"


@pytest.fixture
def fixed_data_set(db):
    gate.load_fixed_data_set()


def _pattern(name: str) -> Pattern:
    return next(p for p in PATTERNS if p.name == name)


def test_every_pattern_matches_the_committed_snapshot(fixed_data_set):
    observed = gate.observe(PATTERNS)
    if UPDATING:
        gate.write_snapshot(observed, gate.server_version())
        return
    problems = gate.differences(gate.load_snapshot(), observed, version=gate.server_version())
    if problems:
        pytest.fail(gate.report(problems), pytrace=False)  # the report is the whole story


# Empty: the one this gate found (the design jobs list sorting shared.design_jobs by created_at,
# which no index covers) now reads the primary key index. A pattern listed here would be a read
# accepted without an index, with its reason beside it.
KNOWN_WITHOUT_INDEX: list[str] = []


def test_no_pattern_that_expects_an_index_reads_a_large_table_without_one(fixed_data_set):
    observed = gate.observe(PATTERNS)
    assert gate.missing_indexes(PATTERNS, observed) == KNOWN_WITHOUT_INDEX


def test_plans_are_recorded_for_this_postgresql_version(db):
    recorded = gate.plan_versions(gate.load_snapshot())
    if gate.server_version() not in recorded:
        pytest.skip(f"the snapshot holds plans for PostgreSQL {', '.join(sorted(recorded))}; this server is "
                    f"{gate.server_version()}: query counts and Seq Scans were compared, plans were not")
    assert recorded == {gate.server_version()}


def test_an_added_query_fails_the_gate_with_the_counts_and_the_new_statement(fixed_data_set):
    original = _pattern("session_by_id")

    def with_extra_query(ctx):
        value = original.run(ctx)
        list(TechResearch.objects.filter(session_id=ctx.session_id))
        return value

    changed = Pattern(original.name, original.threshold_ms, original.kind, with_extra_query)
    snapshot = gate.load_snapshot()
    expected = snapshot[original.name]["queries"]

    problems = gate.differences(snapshot, gate.observe([changed]), version=gate.server_version(), complete=False)

    assert len(problems) == 1
    message = gate.report(problems)
    assert f"session_by_id:\n  SQL queries per call: expected {expected}, got {expected + 1}" in message
    assert '"tech_research"' in message.split("statements now:")[1]
    assert "run `make perf-snapshot`" in message


def test_a_plan_that_loses_its_index_fails_the_gate_with_the_plan_diff(fixed_data_set):
    pattern = _pattern("unrecovered_errors_by_node_50")
    snapshot = gate.load_snapshot()
    if gate.server_version() not in snapshot[pattern.name]["plans"]:
        pytest.skip(f"no plans recorded for PostgreSQL {gate.server_version()}")
    assert "Bitmap Index Scan using error_node_recovered_idx" in str(snapshot[pattern.name]["plans"])
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX error_node_recovered_idx")  # rolled back with the test

    problems = gate.differences(snapshot, gate.observe([pattern]), version=gate.server_version(), complete=False)

    assert len(problems) == 1
    assert problems[0].startswith("unrecovered_errors_by_node_50:\n  plans (PostgreSQL ")
    hunk = problems[0].split("+++ observed plans\n")[1].split("  statements now:")[0].splitlines()
    removed = [line.strip() for line in hunk if line.strip().startswith("-")]
    added = [line.strip() for line in hunk if line.strip().startswith("+")]
    assert any(line.endswith("Bitmap Index Scan using error_node_recovered_idx") for line in removed)
    assert added and not any("error_node_recovered_idx" in line for line in added)
    assert "SQL queries per call" not in problems[0]  # the count did not change, only the plan


def test_a_read_no_index_can_serve_is_flagged_as_a_seq_scan_on_a_large_table(fixed_data_set):
    unindexed = Pattern("errors_by_message", 10, "list",
                        lambda ctx: list(AgentErrorLog.objects.filter(message="no index on this column").order_by()))

    observed = gate.observe([unindexed])

    assert observed["errors_by_message"].plans == [["Seq Scan on public.agent_error_logs"]]
    assert gate.missing_indexes([unindexed], observed) == [
        "errors_by_message: no index serves its read of public.agent_error_logs"
    ]


def test_a_pattern_without_a_snapshot_entry_asks_for_a_new_snapshot(fixed_data_set):
    added = Pattern("added_by_a_feature_branch", 10, "lookup", _pattern("session_by_id").run)

    problems = gate.differences(gate.load_snapshot(), gate.observe([added]), version=gate.server_version(),
                                complete=False)

    assert problems == ["added_by_a_feature_branch: new pattern without a snapshot entry: run make perf-snapshot"]


def test_a_snapshot_entry_without_its_pattern_asks_for_a_new_snapshot():
    snapshot = {"removed_pattern": {"queries": 1, "plans": {"18": [["Result"]]}, "seq_scans_on_large_tables": []}}

    assert gate.differences(snapshot, {}, version="18") == ["removed_pattern: in the snapshot but no longer a pattern: "
                                              "run make perf-snapshot"]


def test_the_snapshot_has_one_key_per_pattern_in_sorted_order():
    # Which patterns it holds is the gate's business (a missing one says "run make perf-snapshot").
    text = gate.SNAPSHOT.read_text()
    snapshot = gate.load_snapshot()
    assert list(snapshot) == sorted(snapshot)
    assert text.count('\n  "') == len(snapshot)  # top-level keys only at two spaces


def test_only_statements_reading_nothing_but_catalogs_have_their_plans_left_out():
    from tooling.benchmarks.gate import _reads_only_catalogs

    assert _reads_only_catalogs(["Merge Join", "  Index Scan on pg_catalog.pg_class using pg_class_oid_index"])
    assert not _reads_only_catalogs([
        "Nested Loop", "  Index Scan on pg_catalog.pg_class using pg_class_oid_index",
        "  Index Scan on public.tech_spec_sessions using tech_spec_sessions_pkey",
    ])
    assert not _reads_only_catalogs(["Result"])
