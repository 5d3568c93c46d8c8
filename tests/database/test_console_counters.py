"""console_daily_counts stays equal to a recount of the tables, whatever writes them (triggers, migration 0009)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sessions_app.models import AgentErrorLog, GeneratedTRDDocument, TechSpecSession
from sessions_app.services import errors_set_recovered, session_transition
from tests.factories import AgentErrorLogFactory, GeneratedTRDDocumentFactory, TechSpecSessionFactory

pytestmark = pytest.mark.django_db

# Each fact on its day and on 1970-01-01, the all-time day.
RECOUNT = """
SELECT metric, CASE WHEN all_time THEN DATE '1970-01-01' ELSE day END, key, count(*)
FROM (VALUES (false), (true)) AS t(all_time), (
    SELECT 'sessions' AS metric, (created_at AT TIME ZONE 'UTC')::date AS day, status || '/' || current_stage AS key
    FROM tech_spec_sessions
    UNION ALL
    SELECT 'completed', (completed_at AT TIME ZONE 'UTC')::date,
           floor(4 * log(2.0, greatest(extract(epoch FROM completed_at - created_at), 1)::numeric))::int::text
    FROM tech_spec_sessions WHERE completed_at IS NOT NULL
    UNION ALL
    SELECT 'errors', (created_at AT TIME ZONE 'UTC')::date, node || chr(31) || error_type FROM agent_error_logs
    UNION ALL
    SELECT 'open_errors', (created_at AT TIME ZONE 'UTC')::date, node || chr(31) || error_type
    FROM agent_error_logs WHERE NOT recovered
    UNION ALL
    SELECT 'trds', (created_at AT TIME ZONE 'UTC')::date,
           coalesce(least(floor(quality_score / 10) * 10, 90)::int::text, 'none') FROM generated_trd_documents
) AS facts GROUP BY 1, 2, 3
"""
SUMMARY = "SELECT metric, day, key, sum(n) FROM console_daily_counts GROUP BY 1, 2, 3 HAVING sum(n) <> 0"


def assert_summary_matches_recount():
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT)
        recount = {(m, d, k): n for m, d, k, n in cursor.fetchall()}
        cursor.execute(SUMMARY)
        summary = {(m, d, k): int(n) for m, d, k, n in cursor.fetchall()}
    assert summary == recount


def test_counters_follow_inserts_updates_and_deletes():
    sessions = TechSpecSessionFactory.create_batch(3)
    done = TechSpecSessionFactory(completed=True)
    TechSpecSession.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(hours=5))
    errors = AgentErrorLogFactory.create_batch(4, session=sessions[0])
    AgentErrorLogFactory(session=sessions[1], node="generate_trd", error_type="ValidationError")
    GeneratedTRDDocumentFactory(session=done, version=1, quality_score=87)
    GeneratedTRDDocumentFactory(session=done, version=2, quality_score=None)
    assert_summary_matches_recount()

    session_transition(session_id=sessions[2].pk, status="in_progress")
    errors_set_recovered(error_ids=[e.pk for e in errors[:3]], recovered=True)
    AgentErrorLog.objects.filter(pk=errors[3].pk).update(created_at=timezone.now() - timedelta(days=40))
    GeneratedTRDDocument.objects.filter(session=done, version=1).update(quality_score=42)
    assert_summary_matches_recount()

    TechSpecSession.objects.filter(pk=sessions[0].pk).delete()  # its errors go with it (cascade)
    assert_summary_matches_recount()


@pytest.mark.django_db(transaction=True)  # TRUNCATE refuses to run with the FK checks of this transaction pending
def test_truncate_empties_the_counters_of_that_table():
    AgentErrorLogFactory.create_batch(2)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE agent_error_logs")
    assert_summary_matches_recount()


def test_a_progress_tick_writes_no_counter_row():
    session = TechSpecSessionFactory(status="in_progress", current_stage="analysis", progress_percentage=6)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM console_daily_counts")
        before = cursor.fetchone()[0]
        cursor.execute("UPDATE tech_spec_sessions SET progress_percentage = 9 WHERE id = %s", [session.pk])
        cursor.execute("SELECT count(*), sum(n) FROM console_daily_counts")
        assert cursor.fetchone()[0] == before
