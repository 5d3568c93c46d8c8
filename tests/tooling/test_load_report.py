"""`make load`'s command on a tiny scale: gunicorn comes up, wrk runs the mix, writes are all stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from psycopg import sql

from techspec_project.database_url import server_url
from tooling.benchmarks.runner import percentile
from tooling.management.commands.load_report import classify, client_times, update_block

ROOT = Path(__file__).resolve().parents[2]


def test_requests_are_classified_by_method_and_path():
    assert classify("GET", "/api/tech-spec/sessions/abc/status") == "poll"
    assert classify("GET", "/api/sessions/") == "list"
    assert classify("POST", "/api/tech-spec/sessions/abc/decisions") == "decision"
    assert classify("POST", "/api/sessions/abc/conversations/") == "message"
    assert classify("GET", "/api/sessions/abc/conversations/") is None
    assert classify("GET", "/health") is None


def test_percentiles_are_nearest_rank():
    values = list(range(1, 101))
    assert (percentile(values, 0.50), percentile(values, 0.95), percentile(values, 0.99)) == (50, 95, 99)
    assert percentile([], 0.95) == 0.0


def test_capacity_block_is_replaced_in_place(tmp_path):
    doc = tmp_path / "DEPLOYMENT.md"
    doc.write_text("# Deploy\n\n<!-- load-capacity start -->\nold\n<!-- load-capacity end -->\n\n## After\n")
    update_block(doc, "load-capacity", "new figures\n")
    assert doc.read_text() == "# Deploy\n\n<!-- load-capacity start -->\nnew figures\n<!-- load-capacity end -->\n" \
        "\n## After\n"


@pytest.mark.parametrize("connections", [0, 257])
def test_a_connection_count_wrk_cannot_run_is_refused_before_anything_starts(connections):
    with pytest.raises(CommandError, match="--connections must be from 1 to 256"):
        call_command("load_report", "--connections", str(connections), "--no-write")


def test_client_percentiles_are_the_upper_edges_of_load_mix_buckets():
    # 50 requests under 0.1 ms, 45 from 0.9 to 1.0 ms, 5 from 9.9 to 10 ms.
    times = client_times({"bucket_us": 100, "poll": {"0": 50, "9": 45, "99": 5}, "list": {}})
    assert times["poll"] == {"count": 100, "p50_ms": 0.1, "p95_ms": 1.0, "p99_ms": 10.0}
    assert times["list"] == {"count": 0, "p50_ms": 0.0, "p95_ms": 0.0, "p99_ms": 0.0}


@pytest.mark.slow
@pytest.mark.django_db
def test_a_short_load_run_serves_the_mix_without_errors_and_stores_every_write():
    from django.db import connection

    sessions = 300
    name = f"techspec_load_{sessions}"
    admin_url = server_url(connection.settings_dict, "postgres")
    # Development, as `make load` runs it; the gunicorn it starts runs with DEBUG off.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "techspec_project.settings", "DEBUG": "true",
           "DATABASE_URL": server_url(connection.settings_dict, connection.settings_dict["NAME"])}
    try:
        result = subprocess.run(
            [sys.executable, "manage.py", "load_report", "--sessions", str(sessions), "--seconds", "2",
             "--connections", "4", "--workers", "1", "--threads", "2", "--targets", "50", "--no-write", "--json"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        report = json.loads(result.stdout)
        assert report["requests"] > 0
        assert report["non_2xx"] == 0 and report["server_5xx"] == 0
        assert report["server_side"]["poll"]["count"] > report["server_side"]["list"]["count"] > 0
        # The client times every request it got an answer to, by kind: the last one per connection
        # may still be in flight when wrk stops, and wrk builds one request to check the script.
        client = report["client_by_kind"]
        for kind, sent in report["sent"].items():
            assert sent - (4 + 1) <= client[kind]["count"] <= sent
        assert 0 < client["poll"]["p50_ms"] <= client["poll"]["p95_ms"] <= client["poll"]["p99_ms"]
        assert report["writes"]["lost"] == 0
        assert report["server"] == {"workers": 1, "threads": 2, "timeout": 30, "pool_max": 2}
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
