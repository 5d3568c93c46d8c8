"""The per-status summary stays equal to a full recount, whoever writes the sessions."""

from __future__ import annotations

import pytest
from django.db import connection

from design_bridge.models import DesignJob
from sessions_app.models import SessionStatusCount, TechSpecSession
from sessions_app.selectors import (
    session_counts_by_design_job_status,
    session_counts_by_status,
    session_stats_by_status,
)
from sessions_app.services import session_transition
from tests.factories import TechSpecSessionFactory

pytestmark = pytest.mark.django_db


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def assert_summary_exact() -> None:
    assert session_counts_by_status() == session_counts_by_status(scan=True)
    assert session_stats_by_status() == session_stats_by_status(scan=True)
    assert session_counts_by_design_job_status() == session_counts_by_design_job_status(scan=True)


def test_orm_inserts_and_service_transitions_keep_the_summary_exact():
    sessions = TechSpecSessionFactory.create_batch(3)
    TechSpecSessionFactory(completed=True)
    session_transition(session_id=sessions[0].id, status="in_progress", stage="analysis", progress=10)

    assert session_counts_by_status()["pending"] == 2
    assert session_counts_by_status()["in_progress"] == 1
    assert session_stats_by_status()["in_progress"].average_progress == 10
    assert_summary_exact()


def test_raw_sql_updates_deletes_and_cascades_keep_the_summary_exact():
    doomed = TechSpecSessionFactory()
    kept = TechSpecSessionFactory.create_batch(2)
    sql("UPDATE tech_spec_sessions SET status = 'cancelled' WHERE id = %s", [kept[0].id])
    sql("DELETE FROM tech_spec_sessions WHERE id = %s", [kept[1].id])
    sql('DELETE FROM "shared"."design_jobs" WHERE id = %s', [doomed.design_job_id])

    assert session_counts_by_status() == {**dict.fromkeys(session_counts_by_status(), 0), "cancelled": 1}
    assert_summary_exact()


def test_an_update_that_changes_no_status_writes_no_summary_row():
    session = TechSpecSessionFactory()
    rows_before = SessionStatusCount.objects.count()
    sql("UPDATE tech_spec_sessions SET websocket_url = 'x' WHERE id = %s", [session.id])
    assert SessionStatusCount.objects.count() == rows_before
    assert_summary_exact()


def test_truncate_empties_the_summary():
    TechSpecSessionFactory.create_batch(2)
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses to run with deferred FK checks pending
    sql("TRUNCATE tech_spec_sessions CASCADE")
    assert sum(session_counts_by_status().values()) == 0
    assert_summary_exact()


def test_design_job_status_counts_cover_unfinished_and_unknown_statuses():
    TechSpecSessionFactory.create_batch(3)
    running = TechSpecSessionFactory()
    archived = TechSpecSessionFactory()
    DesignJob.objects.filter(pk=running.design_job_id).update(status="running")
    # A status techspec does not know (the Design Agent may add one) is still counted.
    DesignJob.objects.filter(pk=archived.design_job_id).update(status="archived")

    counts = session_counts_by_design_job_status()

    assert counts["completed"] == 3 and counts["running"] == 1 and counts["archived"] == 1
    assert_summary_exact()


def test_a_users_counts_are_their_own():
    mine = TechSpecSessionFactory()
    TechSpecSessionFactory.create_batch(2)
    assert sum(session_counts_by_status(owner_id=mine.user_id).values()) == 1


def test_counts_take_one_query(django_assert_num_queries):
    TechSpecSessionFactory.create_batch(5)
    with django_assert_num_queries(1):
        session_counts_by_status()
    with django_assert_num_queries(1):
        session_counts_by_design_job_status()
    with django_assert_num_queries(1):
        session_stats_by_status()
    assert TechSpecSession.objects.count() == 5
