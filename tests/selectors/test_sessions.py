"""Session selectors: visibility, the status summary, lists, joins and counts, with bounded queries."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from sessions_app.errors import SessionNotFound
from sessions_app.selectors import (
    session_counts_by_design_job_status,
    session_counts_by_status,
    session_get,
    session_list,
    session_status_summary,
)
from tests.factories import (
    AgentErrorLogFactory,
    DesignJobFactory,
    GeneratedTRDDocumentFactory,
    TechResearchFactory,
    TechSpecSessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = timezone.now()


# --- session_get -------------------------------------------------------------------


def test_staff_see_any_session():
    session = TechSpecSessionFactory()
    assert session_get(session_id=session.pk) == session


def test_owners_see_their_own_session():
    session = TechSpecSessionFactory()
    assert session_get(session_id=session.pk, owner_id=session.user_id) == session


def test_another_users_session_is_not_found_like_a_missing_one():
    session = TechSpecSessionFactory()
    with pytest.raises(SessionNotFound) as other:
        session_get(session_id=session.pk, owner_id=uuid.uuid4())
    missing_id = uuid.uuid4()
    with pytest.raises(SessionNotFound) as missing:
        session_get(session_id=missing_id)
    assert other.value.code == missing.value.code
    assert other.value.message == missing.value.message.replace(str(missing_id), str(session.pk))


def test_a_malformed_session_id_is_not_found():
    with pytest.raises(SessionNotFound):
        session_get(session_id="not-a-uuid")


# --- session_status_summary ---------------------------------------------------------


@pytest.fixture
def busy_session():
    session = TechSpecSessionFactory(status="in_progress", current_stage="decisions", progress_percentage=40)
    TechResearchFactory.create_batch(2, session=session)
    TechResearchFactory(session=session, decided=True)
    GeneratedTRDDocumentFactory(session=session, version=1, quality_score=70)
    GeneratedTRDDocumentFactory(session=session, version=2, quality_score=Decimal("88.50"))
    AgentErrorLogFactory(session=session, node="old", created_at=NOW - timedelta(hours=2))
    AgentErrorLogFactory(session=session, node="open", created_at=NOW - timedelta(hours=1), retry_count=3)
    AgentErrorLogFactory(session=session, node="recovered", recovered=True, created_at=NOW)
    return session


def test_summary_reports_state_and_research_counts(busy_session):
    summary = session_status_summary(session_id=busy_session.pk)
    assert (summary.status, summary.current_stage, summary.progress_percentage) == ("in_progress", "decisions", 40)
    assert (summary.research_total, summary.research_awaiting_decision) == (3, 2)


def test_summary_reports_the_latest_trd_version_and_score(busy_session):
    summary = session_status_summary(session_id=busy_session.pk)
    assert (summary.latest_trd_version, summary.latest_trd_quality_score) == (2, Decimal("88.50"))


def test_summary_reports_the_newest_unrecovered_error(busy_session):
    error = session_status_summary(session_id=busy_session.pk).latest_unrecovered_error
    assert (error.node, error.retry_count) == ("open", 3)
    assert error.created_at == NOW - timedelta(hours=1)


def test_summary_of_an_empty_session_has_zeros_and_nones():
    summary = session_status_summary(session_id=TechSpecSessionFactory().pk)
    assert (summary.research_total, summary.research_awaiting_decision) == (0, 0)
    assert (summary.latest_trd_version, summary.latest_trd_quality_score, summary.latest_unrecovered_error) == (
        None, None, None,
    )


def test_summary_of_another_users_session_is_not_found(busy_session):
    with pytest.raises(SessionNotFound):
        session_status_summary(session_id=busy_session.pk, owner_id=uuid.uuid4())


@pytest.mark.parametrize("rows", [3, 30])
def test_summary_is_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    session = TechSpecSessionFactory()
    TechResearchFactory.create_batch(rows, session=session)
    AgentErrorLogFactory.create_batch(rows, session=session)
    for version in range(1, rows + 1):
        GeneratedTRDDocumentFactory(session=session, version=version)
    with django_assert_num_queries(1):
        summary = session_status_summary(session_id=session.pk, owner_id=session.user_id)
    assert summary.research_total == rows


def test_summary_of_a_malformed_owner_is_not_found(busy_session):
    with pytest.raises(SessionNotFound):
        session_status_summary(session_id=busy_session.pk, owner_id="not-a-uuid")


def test_the_status_view_has_the_columns_of_its_model():
    """SessionStatusRow is unmanaged: nothing else would notice the view and the model drifting apart."""
    from django.db import connection

    from sessions_app.models import SessionStatusRow

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
            [SessionStatusRow._meta.db_table],
        )
        columns = [name for (name,) in cursor.fetchall()]
    assert columns == [field.column for field in SessionStatusRow._meta.concrete_fields]


# --- session_list ----------------------------------------------------------------------


def test_list_is_newest_first():
    older = TechSpecSessionFactory(created_at=NOW - timedelta(days=1))
    newer = TechSpecSessionFactory(created_at=NOW)
    assert list(session_list()) == [newer, older]


def test_list_breaks_created_at_ties_by_id_descending():
    sessions = TechSpecSessionFactory.create_batch(3, created_at=NOW)
    assert [s.pk for s in session_list()] == sorted((s.pk for s in sessions), reverse=True)


def test_list_for_an_owner_holds_only_their_sessions():
    mine = TechSpecSessionFactory()
    TechSpecSessionFactory()
    assert list(session_list(owner_id=mine.user_id)) == [mine]


# Narrowing a list (status, ids, the created range) is the API's FilterSet: tests/api/test_filters.py.


def test_list_does_not_load_session_data():
    TechSpecSessionFactory(session_data={"big": "x" * 1000})
    assert "session_data" in session_list()[0].get_deferred_fields()


@pytest.mark.parametrize("rows", [3, 30])
def test_list_is_one_query_whatever_the_number_of_rows(rows, django_assert_num_queries):
    TechSpecSessionFactory.create_batch(rows)
    with django_assert_num_queries(1):
        assert len(list(session_list())) == rows


# --- counts --------------------------------------------------------------------------------


def test_counts_by_status_list_every_status():
    TechSpecSessionFactory.create_batch(2)
    TechSpecSessionFactory(status="failed")
    counts = session_counts_by_status()
    assert counts == {"pending": 2, "in_progress": 0, "waiting_user": 0, "completed": 0, "failed": 1, "cancelled": 0}


def test_counts_by_status_for_an_owner_count_only_their_sessions():
    mine = TechSpecSessionFactory()
    TechSpecSessionFactory()
    assert session_counts_by_status(owner_id=mine.user_id)["pending"] == 1


def test_counts_by_design_job_status_join_the_shared_schema(django_assert_num_queries):
    TechSpecSessionFactory.create_batch(2)
    TechSpecSessionFactory(design_job=DesignJobFactory(status="running"))
    with django_assert_num_queries(1):
        counts = session_counts_by_design_job_status()
    assert counts == {"pending": 0, "running": 1, "completed": 2, "failed": 0}
