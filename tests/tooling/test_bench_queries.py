"""bench_queries runs every pattern, flags sequential scans and fails --check when told to."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sessions_app.models import AgentErrorLog
from tests.factories import (
    AgentErrorLogFactory,
    DesignDecisionFactory,
    GeneratedTRDDocumentFactory,
    TechConversationFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)
from tooling.benchmarks.explain import seq_scans
from tooling.benchmarks.patterns import PATTERNS

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_scale():
    for _ in range(3):
        session = TechSpecSessionFactory(design_job__with_outputs=True)
        DesignDecisionFactory(job=session.design_job)
        research = TechResearchFactory(session=session)
        TechConversationFactory(session=session, research=research)
        GeneratedTRDDocumentFactory(session=session, version=1)
        AgentErrorLogFactory(session=session)


def test_the_command_reports_every_pattern_and_writes_json(small_scale, tmp_path, capsys):
    report_file = tmp_path / "bench.json"

    call_command("bench_queries", "--reps", "2", "--warmup", "0", "--json", str(report_file))

    report = json.loads(report_file.read_text())
    reported = {r["name"] for r in report["results"]} | set(report["skipped"])
    assert reported == {p.name for p in PATTERNS}
    assert all(r["error"] is None for r in report["results"]), [r["error"] for r in report["results"]]
    assert report["scale"]["tech_spec_sessions"] == 3
    assert {"cores", "memory_gib", "postgresql"} <= set(report["machine"])
    printed = capsys.readouterr().out
    assert "session_by_id" in printed and "p95" in printed


def test_the_benchmark_leaves_nothing_written(small_scale):
    before = AgentErrorLog.objects.count()
    call_command("bench_queries", "--reps", "1", "--warmup", "0", "--only", "fk_checked_insert")
    assert AgentErrorLog.objects.count() == before


def test_what_one_pattern_writes_is_gone_before_the_next_one_reads(small_scale, monkeypatch):
    from tooling.benchmarks import runner
    from tooling.benchmarks.patterns import Pattern, _insert_error

    def error_count(ctx):
        return list(AgentErrorLog.objects.filter(session_id=ctx.session_id).values_list("id", flat=True))

    monkeypatch.setattr(runner, "PATTERNS", [
        Pattern("writer", 1000, "write", _insert_error),
        Pattern("reader", 1000, "baseline", error_count),
    ])
    before = AgentErrorLog.objects.count()

    report = runner.run_all(reps=3, warmup=1)

    rows = {r.name: r.rows for r in report["results"]}
    assert rows["reader"] == 1  # the session's own error, none of the writer's
    assert AgentErrorLog.objects.count() == before


def test_check_fails_when_a_threshold_is_below_the_measured_time(small_scale):
    with pytest.raises(CommandError) as failed:
        call_command(
            "bench_queries", "--reps", "2", "--warmup", "0", "--only", "session_with_children",
            "--threshold", "session_with_children=0.0001", "--check",
        )
    assert failed.value.returncode == 1
    assert "session_with_children" in str(failed.value)


def test_check_passes_with_generous_thresholds(small_scale):
    call_command(
        "bench_queries", "--reps", "2", "--warmup", "0", "--only", "session_by_id",
        "--threshold", "session_by_id=10000", "--check",
    )


def test_explain_flags_a_sequential_scan_of_an_unindexed_column():
    AgentErrorLogFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE agent_error_logs")
        flagged = seq_scans(cursor, "SELECT * FROM agent_error_logs WHERE message = 'x'", min_rows=0)
    assert flagged == ["public.agent_error_logs"]


def test_explain_leaves_small_tables_alone_at_the_default_size():
    AgentErrorLogFactory()
    with connection.cursor() as cursor:
        assert seq_scans(cursor, "SELECT * FROM agent_error_logs WHERE message = 'x'") == []


def test_unknown_pattern_is_a_clear_command_error():
    with pytest.raises(CommandError, match="Unknown pattern"):
        call_command("bench_queries", "--only", "nope")


def test_an_empty_database_says_to_seed_first():
    with pytest.raises(CommandError, match="seed_data"):
        call_command("bench_queries", "--reps", "1")
