"""bench_queries' EXPLAIN check names a Seq Scan's table with its schema, shared.* included."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import DesignJobFactory
from tooling.benchmarks.explain import plan_of, seq_scans, shape

pytestmark = pytest.mark.django_db


def test_a_seq_scan_on_a_shared_table_is_flagged_by_its_own_row_count():
    for _ in range(3):
        DesignJobFactory()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE shared.design_jobs")
        # Without its schema the table was looked up in public, found no rows and was never flagged.
        flagged = seq_scans(cursor, "SELECT * FROM shared.design_jobs WHERE completed_at IS NULL", min_rows=1)
    assert flagged == ["shared.design_jobs"]


def test_the_plan_shape_names_node_table_and_index_without_costs():
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = plan_of(cursor, "SELECT id FROM tech_spec_sessions ORDER BY created_at DESC LIMIT 5")
    lines = shape(plan)
    assert lines[0] == "Limit"
    assert lines[1].startswith("  Index Scan") and " on public.tech_spec_sessions using " in lines[1]
    assert lines[1].endswith("(whole index)")  # no condition: the index is read in order from one end
    assert not any("cost" in line or "rows" in line for line in lines)
